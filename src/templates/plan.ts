/**
 * The plan of a project made from a template: the ordered AWS operations that create its
 * repository (with the starter code committed), artifact bucket, build project, CodeDeploy
 * application and deployment group, and pipeline; and what to run next (the agent command, the
 * app's URL). Pure: `pipewright init` and the console's Create project page run the same plan,
 * each through its own client.
 *
 * The pipeline's first release starts when it is created, and a deployment to a group with no
 * machine fails; so the plan ends by disabling the transition into Deploy, with a reason saying
 * what to do, and the one who runs the plan enables it ({@link ProjectPlan.enableDeploy}) once
 * the agent has registered ({@link ProjectPlan.findAgents}).
 */
import {
  REQUIRED_FILES,
  findTemplate,
  renderTemplateFile,
  TEMPLATES,
  type ProjectTemplate,
  type TemplateFiles,
} from "./catalog.js";

/** One AWS operation of the plan. */
export interface PlanStep {
  /**
   * `<TargetPrefix>.<Operation>` of the AWS JSON protocol (`CodeCommit_20150413.CreateRepository`),
   * or `S3.CreateBucket`, S3's REST `PUT /<Bucket>` (S3 has no JSON protocol).
   */
  target: string;
  input: Record<string, unknown>;
  /** What it creates, for progress and errors, e.g. `CodeCommit repository hello`. */
  resource: string;
}

/** What the project is made of. */
export interface ProjectOptions {
  /** A template id, e.g. `node-service`. */
  template: string;
  name: string;
  /** A Manual approval between Build and Deploy. */
  approval?: boolean;
  /** The port the app listens on, on the agent's machine. Default {@link DEFAULT_PORT}. */
  port?: number;
  /** The account of the role ARNs. Default 000000000000, the server's default account. */
  accountId?: string;
  /** The server's URL, passed to the agent with `--endpoint`. */
  endpoint?: string;
}

/** The plan and what to tell the user afterwards. */
export interface ProjectPlan {
  template: ProjectTemplate;
  name: string;
  steps: PlanStep[];
  bucket: string;
  port: number;
  /** The on-premises instance name the agent registers as. */
  agentName: string;
  /** The one command that starts the agent on this machine. */
  agentCommand: string;
  /** Where the app answers once deployed. */
  appUrl: string;
  /** ListOnPremisesInstances of the registered machines of the project's deployment group. */
  findAgents: PlanStep;
  /** EnableStageTransition into Deploy, once a machine is there to deploy to. */
  enableDeploy: PlanStep;
}

export const DEFAULT_PORT = 8080;
/** The branch the starter code is committed to, and the pipeline's source. */
export const BRANCH = "main";
const MAX_NAME = 40;
/** The tag key that puts an agent in a project's deployment group. */
export const PROJECT_TAG = "pipewright:project";

/** A project name or an option that cannot be used, with the rule it breaks. */
export class ProjectPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectPlanError";
  }
}

/**
 * Why `name` cannot name a project, or undefined when it can. The name is used for the repository,
 * the build project, the pipeline, the CodeDeploy application and group, and (in its lowercase
 * rule) the artifact bucket `pipewright-<name>-artifacts`, so it must obey the strictest of them.
 */
export function projectNameProblem(name: string): string | undefined {
  const rule =
    `A project name is 2 to ${MAX_NAME} characters: lowercase letters, digits and hyphens, ` +
    "starting and ending with a letter or digit";
  if (name.length < 2 || name.length > MAX_NAME) {
    return `${rule}; this one has ${name.length}. (CodeBuild project names have at least 2 characters, and the artifact bucket's name at most 63.)`;
  }
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) {
    return `${rule}. (It names the repository, the CodeBuild project, the pipeline and the S3 bucket pipewright-<name>-artifacts, whose names allow no capitals, spaces, dots, slashes or underscores.)`;
  }
  return undefined;
}

/** Why `port` cannot be the app's port, or undefined. */
export function portProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    return `The port must be a whole number from 1024 to 65535 (ports below 1024 need root); got ${port}.`;
  return undefined;
}

/** The artifact bucket of a project's pipeline. */
export function artifactBucket(name: string): string {
  return `pipewright-${name}-artifacts`;
}

/** A hook script is committed executable: the agent runs it directly. */
function fileMode(path: string): string {
  return path.endsWith(".sh") ? "EXECUTABLE" : "NORMAL";
}

/** UTF-8 text as base64, as the JSON protocol carries a blob (`fileContent`). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The plan for a project.
 * @throws ProjectPlanError for an unknown template, a name or port that cannot be used, or a
 *   template missing one of {@link REQUIRED_FILES}.
 */
export function planProject(options: ProjectOptions, files: TemplateFiles): ProjectPlan {
  const template = findTemplate(options.template);
  if (!template) {
    throw new ProjectPlanError(
      `No template ${JSON.stringify(options.template)}; choose one of ${TEMPLATES.map((t) => t.id).join(", ")}.`,
    );
  }
  const { name } = options;
  const nameProblem = projectNameProblem(name);
  if (nameProblem) throw new ProjectPlanError(nameProblem);
  const port = options.port ?? DEFAULT_PORT;
  const badPort = portProblem(port);
  if (badPort) throw new ProjectPlanError(badPort);
  for (const required of REQUIRED_FILES) {
    if (files[required] === undefined)
      throw new ProjectPlanError(`Template ${template.id} has no ${required}.`);
  }
  const account = options.accountId ?? "000000000000";
  const role = (role: string) => `arn:aws:iam::${account}:role/${role}`;
  const bucket = artifactBucket(name);
  const putFiles = Object.keys(files)
    .sort()
    .map((path) => ({
      filePath: path,
      fileMode: fileMode(path),
      fileContent: base64Utf8(renderTemplateFile(files[path]!, name, template)),
    }));

  const steps: PlanStep[] = [
    {
      target: "CodeCommit_20150413.CreateRepository",
      resource: `CodeCommit repository ${name}`,
      input: { repositoryName: name, repositoryDescription: `${template.title}, from a template` },
    },
    {
      target: "CodeCommit_20150413.CreateCommit",
      resource: `starter code on ${name}'s ${BRANCH} branch`,
      input: {
        repositoryName: name,
        branchName: BRANCH,
        authorName: "Pipewright",
        email: "pipewright@localhost",
        commitMessage: `Start from the ${template.title} template`,
        putFiles,
      },
    },
    { target: "S3.CreateBucket", resource: `S3 bucket ${bucket}`, input: { Bucket: bucket } },
    {
      target: "CodeBuild_20161006.CreateProject",
      resource: `CodeBuild project ${name}`,
      input: {
        name,
        description: `Tests and packages ${name} for its pipeline`,
        source: { type: "CODEPIPELINE" },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: role("codebuild"),
      },
    },
    {
      target: "CodeDeploy_20141006.CreateApplication",
      resource: `CodeDeploy application ${name}`,
      input: { applicationName: name, computePlatform: "Server" },
    },
    {
      target: "CodeDeploy_20141006.CreateDeploymentGroup",
      resource: `CodeDeploy deployment group ${name}`,
      input: {
        applicationName: name,
        deploymentGroupName: name,
        serviceRoleArn: role("codedeploy"),
        deploymentConfigName: "CodeDeployDefault.OneAtATime",
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITHOUT_TRAFFIC_CONTROL" },
        onPremisesInstanceTagFilters: [{ Key: PROJECT_TAG, Value: name, Type: "KEY_AND_VALUE" }],
      },
    },
    {
      target: "CodePipeline_20150709.CreatePipeline",
      resource: `CodePipeline pipeline ${name}`,
      input: { pipeline: pipelineDeclaration(name, bucket, role("codepipeline"), options.approval === true) },
    },
    {
      target: "CodePipeline_20150709.DisableStageTransition",
      resource: `a hold on Deploy until a machine registers`,
      input: {
        ...deployTransition(name),
        // AWS allows only letters, digits, spaces and !@().*?- in a reason.
        reason:
          "Waiting for a machine to deploy to - start the agent of this project (see its Next steps) then enable this transition",
      },
    },
  ];

  const agentName = `${name}-1`;
  const agentCommand = [
    `APP_PORT=${port} pipewright agent`,
    ...(options.endpoint ? [`--endpoint ${options.endpoint}`] : []),
    `--name ${agentName}`,
    `--root /tmp/pipewright-agents/${agentName}`,
    `--tags ${PROJECT_TAG}=${name},pipewright:app=127.0.0.1:${port}`,
  ].join(" ");
  return {
    template,
    name,
    steps,
    bucket,
    port,
    agentName,
    agentCommand,
    appUrl: `http://127.0.0.1:${port}/`,
    findAgents: {
      target: "CodeDeploy_20141006.ListOnPremisesInstances",
      resource: `machines tagged ${PROJECT_TAG}=${name}`,
      input: {
        registrationStatus: "Registered",
        tagFilters: [{ Key: PROJECT_TAG, Value: name, Type: "KEY_AND_VALUE" }],
      },
    },
    enableDeploy: {
      target: "CodePipeline_20150709.EnableStageTransition",
      resource: `the transition into ${name}'s Deploy stage`,
      input: deployTransition(name),
    },
  };
}

/** The transition into the Deploy stage of the project's pipeline. */
function deployTransition(name: string) {
  return { pipelineName: name, stageName: "Deploy", transitionType: "Inbound" };
}

/** Source (CodeCommit main) → Build (CodeBuild) → [Approval] → Deploy (CodeDeploy). */
function pipelineDeclaration(name: string, bucket: string, roleArn: string, approval: boolean) {
  const action = (
    actionName: string,
    category: string,
    provider: string,
    configuration: Record<string, string>,
    io: { input?: string; output?: string } = {},
  ) => ({
    name: actionName,
    actionTypeId: { category, owner: "AWS", provider, version: "1" },
    configuration,
    ...(io.input ? { inputArtifacts: [{ name: io.input }] } : {}),
    ...(io.output ? { outputArtifacts: [{ name: io.output }] } : {}),
  });
  const stages = [
    {
      name: "Source",
      actions: [
        action(
          "Source",
          "Source",
          "CodeCommit",
          { RepositoryName: name, BranchName: BRANCH, PollForSourceChanges: "false" },
          { output: "SourceOutput" },
        ),
      ],
    },
    {
      name: "Build",
      actions: [
        action(
          "Build",
          "Build",
          "CodeBuild",
          { ProjectName: name },
          { input: "SourceOutput", output: "BuildOutput" },
        ),
      ],
    },
    ...(approval
      ? [
          {
            name: "Approval",
            actions: [
              action("Approve", "Approval", "Manual", {
                CustomData: `Approve to deploy ${name} to the machines tagged ${PROJECT_TAG}=${name}.`,
              }),
            ],
          },
        ]
      : []),
    {
      name: "Deploy",
      actions: [
        action(
          "Deploy",
          "Deploy",
          "CodeDeploy",
          { ApplicationName: name, DeploymentGroupName: name },
          { input: "BuildOutput" },
        ),
      ],
    },
  ];
  return { name, roleArn, artifactStore: { type: "S3", location: bucket }, stages };
}
