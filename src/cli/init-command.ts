import type { Command } from "commander";
import { signedHeaders } from "../core/signed-request.js";
import { DEFAULT_PORT, planProject, TEMPLATES, type PlanStep, type ProjectPlan } from "../templates/index.js";
import { loadTemplateFiles } from "../templates/load.js";
import { DEFAULT_ENDPOINT, exitWith, resolveAws, serverOptions, type ResolvedAws } from "./aws-config.js";
import { callJson, ServiceCallError } from "./watch.js";

interface InitFlags {
  list?: boolean;
  /** False with --no-wait. */
  wait?: boolean;
  approval?: boolean;
  port?: string;
  endpoint?: string;
  dataDir?: string;
}

/** The SigV4 signing name of each JSON protocol target prefix the plans use. */
const SIGNING_NAMES: Record<string, string> = {
  CodeCommit_20150413: "codecommit",
  CodeBuild_20161006: "codebuild",
  CodeDeploy_20141006: "codedeploy",
  CodePipeline_20150709: "codepipeline",
};

/**
 * `pipewright init <template> <name> [--approval] [--port N]`: a project from a template — a
 * repository with the starter code, a build project, a CodeDeploy application and group, an
 * artifact bucket and a pipeline through them — then the command that starts the agent that
 * deploys it here; once that agent has registered, the transition into Deploy (held until then)
 * is enabled, and the app's URL printed. `pipewright init --list` lists the templates. Stops at the
 * first resource that cannot be created (one that exists already, say), naming it and what was
 * created before it.
 */
export function registerInitCommand(program: Command): void {
  serverOptions(
    program
      .command("init [template] [name]")
      .description("create a project from a template: repository, build, deployment and pipeline")
      .option("--list", "list the templates")
      .option("--approval", "add a manual approval before the Deploy stage")
      .option("--port <port>", "the port the app listens on, on the agent's machine", String(DEFAULT_PORT))
      .option(
        "--no-wait",
        "do not wait for the agent to register; enable the transition into Deploy yourself then",
      ),
  ).action((template: string | undefined, name: string | undefined, flags: InitFlags) =>
    exitWith(() => init(template, name, flags)),
  );
}

async function init(
  template: string | undefined,
  name: string | undefined,
  flags: InitFlags,
): Promise<number> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  if (flags.list) {
    const width = Math.max(...TEMPLATES.map((t) => t.id.length));
    for (const t of TEMPLATES) out(`${t.id.padEnd(width)}  ${t.title}: ${t.description}`);
    return 0;
  }
  if (template === undefined || name === undefined) {
    throw new Error(
      "give a template and a project name, e.g. `pipewright init node-service hello`; " +
        "`pipewright init --list` lists the templates",
    );
  }
  const aws = resolveAws({
    dataDir: flags.dataDir,
    endpoint: flags.endpoint,
    defaultEndpoint: DEFAULT_ENDPOINT,
  });
  const files = TEMPLATES.some((t) => t.id === template) ? loadTemplateFiles(template) : {};
  const plan = planProject(
    {
      template,
      name,
      approval: flags.approval === true,
      port: Number(flags.port ?? DEFAULT_PORT),
      endpoint: aws.endpoint.replace(/\/$/, ""),
    },
    files,
  );
  out(`Creating project ${plan.name} from the ${plan.template.title} template on ${aws.endpoint}`);
  const created: string[] = [];
  for (const step of plan.steps) {
    try {
      await runStep(aws, step);
    } catch (err) {
      out(`  ✗ ${step.resource}`);
      const why =
        err instanceof ServiceCallError ? `${err.code}: ${err.serviceMessage}` : (err as Error).message;
      process.stderr.write(`pipewright: could not create ${step.resource}: ${why}\n`);
      process.stderr.write(
        created.length
          ? `Created before this failure (delete them, or choose another name): ${created.join(", ")}\n`
          : "Nothing was created.\n",
      );
      return 1;
    }
    created.push(step.resource);
    out(`  ✓ ${step.resource}`);
  }
  const console = new URL(`/_/console/codepipeline/pipelines/${plan.name}`, aws.endpoint).href;
  out();
  out("The pipeline's first release has started. Start the agent that deploys it to this machine");
  out("(it keeps running: use another terminal; it finds its key as the AWS CLI does):");
  out();
  out(`  ${plan.agentCommand}`);
  out();
  if (flags.wait === false) {
    out(`Once it runs, enable the transition into Deploy on ${console}, or with`);
    out(
      `  aws --endpoint-url ${aws.endpoint} codepipeline enable-stage-transition --pipeline-name ${plan.name} --stage-name Deploy --transition-type Inbound`,
    );
  } else {
    out(`Waiting for it to register (Ctrl-C to stop waiting; then enable Deploy on ${console})…`);
    const machine = await firstAgent(aws, plan);
    await runStep(aws, plan.enableDeploy);
    out(`  ✓ machine ${machine} registered: the release goes on to Deploy`);
    out();
  }
  out(`Follow the release:  pipewright pipeline watch ${plan.name}   (or ${console})`);
  out(`Once deployed, the app answers at ${plan.appUrl}`);
  // Over HTTP, with the credential helper the start banner and README give (git-remote-codecommit
  // would go to AWS: it does not take an endpoint).
  out(`Clone the code:      git clone ${new URL(`/v1/repos/${plan.name}`, aws.endpoint).href}`);
  return 0;
}

/** The name of the first machine registered with the project's tag, once there is one. */
async function firstAgent(aws: ResolvedAws, plan: ProjectPlan): Promise<string> {
  const [prefix, operation] = plan.findAgents.target.split(".") as [string, string];
  for (;;) {
    const { instanceNames } = await callJson<{ instanceNames?: string[] }>(
      aws,
      { target: prefix, signingName: SIGNING_NAMES[prefix]! },
      operation,
      plan.findAgents.input,
    );
    if (instanceNames?.[0]) return instanceNames[0];
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** One step of the plan: a JSON protocol call, or S3's CreateBucket over REST. */
async function runStep(aws: ResolvedAws, step: PlanStep): Promise<void> {
  const [prefix, operation] = step.target.split(".") as [string, string];
  if (prefix === "S3") return createBucket(aws, String(step.input.Bucket));
  const signingName = SIGNING_NAMES[prefix];
  if (!signingName) throw new Error(`no client for ${step.target}`);
  await callJson(aws, { target: prefix, signingName }, operation, step.input);
}

/** S3 CreateBucket: `PUT /<bucket>`, with the region as its location outside us-east-1. */
async function createBucket(aws: ResolvedAws, bucket: string): Promise<void> {
  const url = new URL(`/${bucket}`, aws.endpoint);
  const body =
    aws.region === "us-east-1"
      ? ""
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${aws.region}</LocationConstraint></CreateBucketConfiguration>`;
  const headers = await signedHeaders(url, aws, "s3", { method: "PUT", body });
  let response: Response;
  try {
    response = await fetch(url, { method: "PUT", body: body || undefined, headers });
  } catch (err) {
    throw new Error(`cannot reach ${aws.endpoint}: ${(err as { cause?: Error }).cause?.message ?? err}`, {
      cause: err,
    });
  }
  if (response.ok) return;
  const text = await response.text();
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  throw new ServiceCallError("CreateBucket", tag("Code") ?? String(response.status), tag("Message") ?? text);
}
