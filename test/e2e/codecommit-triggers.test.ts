import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CodeCommitClient,
  CreateBranchCommand,
  CreateRepositoryCommand,
  GetRepositoryTriggersCommand,
  PutRepositoryTriggersCommand,
  TestRepositoryTriggersCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeBuildClient,
  CreateProjectCommand,
  ListBuildsForProjectCommand,
} from "@aws-sdk/client-codebuild";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS, waitForBuild } from "./codebuild-support.js";
import { pushDirect } from "./codecommit-support.js";

interface Received {
  path: string;
  body: { Records: Record<string, unknown>[] };
}

/** A webhook receiver: records every POST; answers 500 to the first `failFirst` requests on /flaky. */
async function startReceiver(
  failFirst: number,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let flakyCalls = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (req.url === "/flaky" && flakyCalls++ < failFirst) {
        res.writeHead(500).end("not yet");
        return;
      }
      received.push({ path: req.url ?? "", body: JSON.parse(body) as Received["body"] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("CodeCommit repository triggers", () => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    server = await startTestServer();
    cc = new CodeCommitClient(server.clientConfig);
    hook = await startReceiver(1);
  });
  afterAll(async () => {
    cc?.destroy();
    hook?.server.close();
    await server?.stop();
  });

  it("validates triggers, naming the one that is wrong", async () => {
    await cc.send(new CreateRepositoryCommand({ repositoryName: "checked" }));
    const put = (triggers: object[]) =>
      cc.send(new PutRepositoryTriggersCommand({ repositoryName: "checked", triggers: triggers as never }));
    await expect(
      put([{ name: "t", destinationArn: "nonsense", events: ["all"], branches: [] }]),
    ).rejects.toMatchObject({
      name: "InvalidRepositoryTriggerDestinationArnException",
      message: expect.stringContaining("triggers[0].destinationArn"),
    });
    await expect(
      put([{ name: "t", destinationArn: hook.url, events: ["pushes"], branches: [] }]),
    ).rejects.toMatchObject({ name: "InvalidRepositoryTriggerEventsException" });
    await expect(put([{ name: "t", destinationArn: hook.url, events: ["all"] }])).rejects.toMatchObject({
      name: "RepositoryTriggerBranchNameListRequiredException",
    });
  });

  it("posts AWS's trigger record for matching branches and events, retrying a failing destination", async () => {
    const { repositoryMetadata } = await cc.send(new CreateRepositoryCommand({ repositoryName: "hooked" }));
    const put = await cc.send(
      new PutRepositoryTriggersCommand({
        repositoryName: "hooked",
        triggers: [
          {
            name: "all-main",
            destinationArn: `${hook.url}/main`,
            events: ["all"],
            branches: ["main"],
            customData: "cd",
          },
          { name: "created", destinationArn: `${hook.url}/flaky`, events: ["createReference"], branches: [] },
          {
            name: "sns",
            destinationArn: "arn:aws:sns:us-east-1:000000000000:topic",
            events: ["all"],
            branches: [],
          },
        ],
      }),
    );
    const got = await cc.send(new GetRepositoryTriggersCommand({ repositoryName: "hooked" }));
    expect(got.configurationId).toBe(put.configurationId);
    expect(got.triggers?.map((t) => t.name)).toEqual(["all-main", "created", "sns"]);

    const repo = (await server.codecommit.git.findRepository(
      { accountId: "000000000000", region: "us-east-1" },
      "hooked",
    ))!;
    const first = pushDirect(repo.gitDir, "main", "a.txt");
    await server.codecommit.git.recordPush(repo.repositoryId, "arn:aws:iam::000000000000:root");
    await cc.send(new CreateBranchCommand({ repositoryName: "hooked", branchName: "dev", commitId: first }));

    // main: all-main and created; dev: created only (all-main is limited to main). The flaky
    // destination fails once and is delivered on a retry.
    await expect.poll(() => hook.received.length, { timeout: 15_000, interval: 100 }).toBe(3);
    const byPath = (p: string) => hook.received.filter((r) => r.path === p).map((r) => r.body.Records[0]!);
    const [main] = byPath("/main");
    expect(main).toMatchObject({
      awsRegion: "us-east-1",
      codecommit: { references: [{ commit: first, ref: "refs/heads/main", created: true }] },
      customData: "cd",
      eventName: "ReferenceChanges",
      eventSource: "aws:codecommit",
      eventSourceARN: repositoryMetadata?.Arn,
      eventTriggerName: "all-main",
      eventTriggerConfigId: put.configurationId,
      eventVersion: "1.0",
      userIdentityARN: "arn:aws:iam::000000000000:root",
    });
    expect(
      byPath("/flaky")
        .map((r) => (r.codecommit as { references: { ref: string }[] }).references[0]!.ref)
        .sort(),
    ).toEqual(["refs/heads/dev", "refs/heads/main"]);
  });

  it("TestRepositoryTriggers sends a test record and reports destinations it cannot reach", async () => {
    const before = hook.received.length;
    const result = await cc.send(
      new TestRepositoryTriggersCommand({
        repositoryName: "hooked",
        triggers: [
          { name: "ok", destinationArn: `${hook.url}/test`, events: ["all"], branches: [] },
          { name: "closed", destinationArn: "http://127.0.0.1:1/", events: ["all"], branches: [] },
          {
            name: "sns",
            destinationArn: "arn:aws:sns:us-east-1:000000000000:topic",
            events: ["all"],
            branches: [],
          },
        ],
      }),
    );
    expect(result.successfulExecutions).toEqual(["ok"]);
    expect(result.failedExecutions?.map((f) => f.trigger).sort()).toEqual(["closed", "sns"]);
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)?.body.Records[0]).toMatchObject({
      eventName: "TriggerEventTest",
      codecommit: { references: [{ ref: "refs/heads/main" }] },
    });
  });

  it("starts a build of the pushed commit when the destination is a CodeBuild project", async () => {
    const { repositoryMetadata } = await cc.send(new CreateRepositoryCommand({ repositoryName: "built" }));
    const codebuild = new CodeBuildClient(server.clientConfig);
    try {
      const { project } = await codebuild.send(
        new CreateProjectCommand({
          name: "built-ci",
          source: { type: "CODECOMMIT", location: repositoryMetadata!.cloneUrlHttp! },
          artifacts: { type: "NO_ARTIFACTS" },
          ...PROJECT_BASICS,
        }),
      );
      const missing = "arn:aws:codebuild:us-east-1:000000000000:project/nope";
      const tested = await cc.send(
        new TestRepositoryTriggersCommand({
          repositoryName: "built",
          triggers: [
            { name: "ci", destinationArn: project!.arn!, events: ["all"], branches: [] },
            { name: "gone", destinationArn: missing, events: ["all"], branches: [] },
          ],
        }),
      );
      expect(tested.successfulExecutions).toEqual(["ci"]);
      expect(tested.failedExecutions).toEqual([
        { trigger: "gone", failureMessage: "CodeBuild project nope does not exist." },
      ]);
      await cc.send(
        new PutRepositoryTriggersCommand({
          repositoryName: "built",
          triggers: [{ name: "ci", destinationArn: project!.arn!, events: ["all"], branches: ["main"] }],
        }),
      );
      const repo = (await server.codecommit.git.findRepository(server.config, "built"))!;
      const commit = pushDirect(
        repo.gitDir,
        "main",
        "buildspec.yml",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - test -f buildspec.yml\n",
      );
      await server.codecommit.git.recordPush(repo.repositoryId, "arn:aws:iam::000000000000:root");
      const listed = async () =>
        (await codebuild.send(new ListBuildsForProjectCommand({ projectName: "built-ci" }))).ids ?? [];
      await expect.poll(listed, { timeout: 10_000, interval: 100 }).toHaveLength(1);
      const id = (await listed())[0]!;
      const build = await waitForBuild(codebuild, id);
      expect(build).toMatchObject({
        buildStatus: "SUCCEEDED",
        sourceVersion: commit,
        resolvedSourceVersion: commit,
        initiator: "codecommit/built",
      });
    } finally {
      codebuild.destroy();
    }
  });
});
