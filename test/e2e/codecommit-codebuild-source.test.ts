import { CodeBuildClient, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS, waitForBuild } from "./codebuild-support.js";
import { pushDirect } from "./codecommit-support.js";

const BUILDSPEC = `version: 0.2
phases:
  build:
    commands:
      - cat buildspec.yml | head -1
      - echo "resolved=$CODEBUILD_RESOLVED_SOURCE_VERSION source=$CODEBUILD_SOURCE_VERSION"
      - git rev-parse HEAD
      - echo "origin=$(git remote get-url origin)"
      - git log --oneline | wc -l | sed 's/^/commits=/'
`;

/** CodeBuild projects whose source is a repository of this server (CODECOMMIT), built for real. */
describe("CodeBuild with a CODECOMMIT source", () => {
  let server: TestServer;
  let codebuild: CodeBuildClient;
  let logs: CloudWatchLogsClient;
  let first: string;
  let second: string;
  beforeAll(async () => {
    server = await startTestServer();
    codebuild = new CodeBuildClient(server.clientConfig);
    logs = new CloudWatchLogsClient(server.clientConfig);
    const cc = new CodeCommitClient(server.clientConfig);
    const { repositoryMetadata } = await cc.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    cc.destroy();
    const repo = (await server.codecommit.git.findRepository(
      { accountId: "000000000000", region: "us-east-1" },
      "app",
    ))!;
    first = pushDirect(repo.gitDir, "main", "buildspec.yml", BUILDSPEC);
    second = pushDirect(repo.gitDir, "feature", "buildspec.yml", BUILDSPEC + "      - echo on-feature\n");
    await server.codecommit.git.recordPush(repo.repositoryId, "arn:aws:iam::000000000000:root");
    await codebuild.send(
      new CreateProjectCommand({
        name: "from-git",
        source: { type: "CODECOMMIT", location: repositoryMetadata!.cloneUrlHttp!, gitCloneDepth: 1 },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
  });
  afterAll(async () => {
    codebuild?.destroy();
    logs?.destroy();
    await server?.stop();
  });

  async function logText(groupName: string, streamName: string): Promise<string> {
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, startFromHead: true }),
    );
    return (out.events ?? []).map((e) => e.message).join("\n");
  }

  it("checks out the default branch when no version is given, with .git and origin", async () => {
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "from-git" }));
    const done = await waitForBuild(codebuild, build!.id!);
    expect(done.buildStatus).toBe("SUCCEEDED");
    expect(done.resolvedSourceVersion).toBe(first);
    const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
    expect(text).toContain(`resolved=${first}`);
    expect(text).toContain("commits=1");
    expect(text).toContain(`origin=${server.url}/v1/repos/app`);
  });

  it("checks out a branch or a commit named by sourceVersion", async () => {
    const { build } = await codebuild.send(
      new StartBuildCommand({ projectName: "from-git", sourceVersion: "refs/heads/feature" }),
    );
    const done = await waitForBuild(codebuild, build!.id!);
    expect(done.buildStatus).toBe("SUCCEEDED");
    expect(done.resolvedSourceVersion).toBe(second);
    const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
    expect(text).toContain("on-feature");
    const byCommit = await codebuild.send(
      new StartBuildCommand({ projectName: "from-git", sourceVersion: first }),
    );
    expect((await waitForBuild(codebuild, byCommit.build!.id!)).resolvedSourceVersion).toBe(first);
  });

  it("fails in DOWNLOAD_SOURCE naming a version that does not exist", async () => {
    const { build } = await codebuild.send(
      new StartBuildCommand({ projectName: "from-git", sourceVersion: "no-such-branch" }),
    );
    const done = await waitForBuild(codebuild, build!.id!);
    expect(done.buildStatus).not.toBe("SUCCEEDED");
    const phase = done.phases?.find((p) => p.phaseType === "DOWNLOAD_SOURCE");
    expect(phase?.phaseStatus).not.toBe("SUCCEEDED");
    expect(JSON.stringify(phase?.contexts)).toContain(
      "no-such-branch is not a branch, tag or commit of repository app",
    );
  });
});
