/**
 * A push goes all the way to the fleet: a CodeCommit source, then a Deploy / AWS / CodeDeploy
 * action that deploys the commit to three `pipewright agent` processes behind the deployment
 * group's load balancer. A broken commit fails the stage, and the fleet rolls back by itself.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type ActionExecutionDetail,
  type PipelineDeclaration,
  type PipelineExecution,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startLoad } from "../../src/http/balancer/fixtures/targets.fixture.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { shopFiles, type ShopFleet, startShopFleet, trafficGroup } from "./codedeploy-support.js";
import { cloneUrl, createGitCredential, GitClient } from "./codecommit-git-http-support.js";

const ROLE = "arn:aws:iam::000000000000:role/release";

/** CodeCommit source → CodeDeploy to deployment group `group` of application shop. */
function releasePipeline(name: string, group: string): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "release-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Checkout",
            actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            configuration: { RepositoryName: "shop", BranchName: "main", PollForSourceChanges: "false" },
            outputArtifacts: [{ name: "App" }],
          },
        ],
      },
      {
        name: "Deploy",
        actions: [
          {
            name: "Fleet",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "CodeDeploy", version: "1" },
            configuration: { ApplicationName: "shop", DeploymentGroupName: group },
            inputArtifacts: [{ name: "App" }],
          },
        ],
      },
    ],
  };
}

describe("CodePipeline's CodeDeploy action: push to fleet", () => {
  let server: TestServer;
  let cp: CodePipelineClient;
  let cd: CodeDeployClient;
  let git: GitClient;
  let repo: string;
  let url: string;
  let work: string;
  let balancerPort: number;
  let fleet: ShopFleet | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    cp = new CodePipelineClient(server.clientConfig);
    cd = new CodeDeployClient(server.clientConfig);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "release-artifacts" }));
    s3.destroy();
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "shop" }));
    cc.destroy();
    git = new GitClient(server.credentials, server.config.region, false);
    url = cloneUrl(server.url, "shop", await createGitCredential(server));
    repo = git.dir("shop");
    await git.ok(["init", "-q", "-b", "main", repo]);

    balancerPort = await freePort();
    await cd.send(new CreateApplicationCommand({ applicationName: "shop" }));
    await cd.send(
      new CreateDeploymentGroupCommand(
        trafficGroup("shop", "prod", "shop", balancerPort, {
          autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
        }),
      ),
    );
    work = mkdtempSync(join(tmpdir(), "pw-release-"));
    fleet = await startShopFleet(server, work, { prefix: "shop", role: "shop", count: 3 });
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    cp?.destroy();
    cd?.destroy();
    git?.remove();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Commits `files` (scripts executable, as a developer would commit them) and pushes. */
  async function push(files: Record<string, string>, message: string): Promise<string> {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, name)), { recursive: true });
      writeFileSync(join(repo, name), content);
      if (name.endsWith(".sh")) chmodSync(join(repo, name), 0o755);
    }
    const commit = await git.commit(repo, {}, message);
    await git.ok(["push", "-q", url, "main"], repo);
    return commit;
  }

  /** The pipeline's execution of `commit`, once it has ended. */
  async function releaseOf(commit: string): Promise<PipelineExecution> {
    let found: PipelineExecution | undefined;
    await expect
      .poll(
        async () => {
          const { pipelineExecutionSummaries } = await cp.send(
            new ListPipelineExecutionsCommand({ pipelineName: "shop" }),
          );
          const summary = pipelineExecutionSummaries?.find((s) =>
            s.sourceRevisions?.some((r) => r.revisionId === commit),
          );
          if (!summary) return false;
          found = (
            await cp.send(
              new GetPipelineExecutionCommand({
                pipelineName: "shop",
                pipelineExecutionId: summary.pipelineExecutionId,
              }),
            )
          ).pipelineExecution;
          return found?.status !== "InProgress";
        },
        { timeout: 120_000, interval: 250, message: `waiting for the release of ${commit}` },
      )
      .toBe(true);
    return found!;
  }

  async function deployActionOf(executionId: string): Promise<ActionExecutionDetail> {
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({ pipelineName: "shop", filter: { pipelineExecutionId: executionId } }),
    );
    return actionExecutionDetails!.find((a) => a.stageName === "Deploy")!;
  }

  const bodies = async () => Promise.all([1, 2, 3, 4, 5, 6].map(async () => (await send(balancerPort)).body));

  it("deploys each push to three agents behind the balancer, without dropping a request", async () => {
    const v1 = await push(shopFiles("v1"), "v1");
    await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline("shop", "prod") }));
    const first = await releaseOf(v1);
    expect(first.status).toBe("Succeeded");
    const action = await deployActionOf(first.pipelineExecutionId!);
    const deploymentId = action.output?.executionResult?.externalExecutionId;
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(action.output?.executionResult?.externalExecutionSummary).toBe(
      `Deployment ${deploymentId} succeeded.`,
    );
    // The deployment's page in the server's console, in the action's result and the pipeline's state.
    const deploymentPage = `${server.url}/_/console/codedeploy/deployments/${deploymentId}`;
    expect(action.output?.executionResult?.externalExecutionUrl).toBe(deploymentPage);
    const { stageStates } = await cp.send(new GetPipelineStateCommand({ name: "shop" }));
    const deployState = stageStates?.find((s) => s.stageName === "Deploy")?.actionStates?.[0];
    expect(deployState?.latestExecution).toMatchObject({
      externalExecutionId: deploymentId,
      externalExecutionUrl: deploymentPage,
    });
    const { deploymentInfo } = await cd.send(new GetDeploymentCommand({ deploymentId }));
    expect(deploymentInfo).toMatchObject({
      status: "Succeeded",
      revision: { revisionType: "S3", s3Location: { bucket: "release-artifacts", bundleType: "zip" } },
      deploymentOverview: { Succeeded: 3 },
    });
    for (const body of await bodies()) expect(body).toMatch(/^v1 shop-\d\n$/);

    const load = startLoad(balancerPort, 20);
    const v2 = await push(shopFiles("v2"), "v2");
    const second = await releaseOf(v2);
    const report = await load.stop();
    expect(second.status).toBe("Succeeded");
    expect(report.errors).toEqual([]);
    expect(report.sent).toBeGreaterThan(20);
    for (const body of await bodies()) expect(body).toMatch(/^v2 shop-\d\n$/);
  });

  it("fails the stage when the deployment fails, and the fleet rolls back to the last good commit", async () => {
    const v3 = await push(shopFiles("v3", { validateExit: 3 }), "v3, broken");
    const release = await releaseOf(v3);
    expect(release.status).toBe("Failed");
    const action = await deployActionOf(release.pipelineExecutionId!);
    expect(action.status).toBe("Failed");
    const deploymentId = action.output?.executionResult?.externalExecutionId;
    expect(deploymentId).toMatch(/^d-/);
    expect(action.output?.executionResult?.externalExecutionSummary).toMatch(
      new RegExp(`^Deployment ${deploymentId} ended Failed \\(`),
    );

    let rollbackId: string | undefined;
    await expect
      .poll(
        async () => {
          const failed = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
          rollbackId = failed?.rollbackInfo?.rollbackDeploymentId;
          if (!rollbackId) return undefined;
          return (await cd.send(new GetDeploymentCommand({ deploymentId: rollbackId }))).deploymentInfo
            ?.status;
        },
        { timeout: 90_000, interval: 250, message: "waiting for the rollback" },
      )
      .toBe("Succeeded");
    for (const body of await bodies()) expect(body).toMatch(/^v2 shop-\d\n$/);
  });

  it("fails the action, naming what is wrong, when the deployment group does not exist", async () => {
    const { pipeline } = await cp.send(
      new CreatePipelineCommand({ pipeline: releasePipeline("shop-typo", "prdo") }),
    );
    let execution: PipelineExecution | undefined;
    await expect
      .poll(
        async () => {
          const [latest] = (
            await cp.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline!.name }))
          ).pipelineExecutionSummaries!;
          execution = latest;
          return latest?.status;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe("Failed");
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({
        pipelineName: pipeline!.name,
        filter: { pipelineExecutionId: execution!.pipelineExecutionId },
      }),
    );
    const deploy = actionExecutionDetails!.find((a) => a.stageName === "Deploy")!;
    expect(deploy.status).toBe("Failed");
    expect(deploy.output?.executionResult?.externalExecutionSummary).toMatch(
      /^CodeDeploy did not start a deployment to shop\/prdo: DeploymentGroupDoesNotExistException: /,
    );
  });
});
