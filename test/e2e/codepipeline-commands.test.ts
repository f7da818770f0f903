import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, type Dirent } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  ListProjectsCommand,
  RetryBuildCommand,
} from "@aws-sdk/client-codebuild";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type ActionDeclaration,
  type ActionExecutionDetail,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawZip } from "../../src/services/codepipeline/providers/fixtures/providers.fixture.js";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";
import { unzip, zipOf } from "./codebuild-support.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;
const ROLE = "arn:aws:iam::000000000000:role/pipeline";
const SECRET = "s3cr3t-Value-4242";
const waiting = (what: string) => ({ timeout: 90_000, interval: 200, message: `waiting for ${what}` });
const COMMANDS = { category: "Compute", owner: "AWS", provider: "Commands", version: "1" } as const;

/** A V2 pipeline: the S3 object `key` of bucket `cmd-source` as source, then `stages`. */
function pipeline(
  name: string,
  key: string,
  ...stages: PipelineDeclaration["stages"] & object
): PipelineDeclaration {
  return {
    name,
    pipelineType: "V2",
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "cmd-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Fetch",
            actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
            configuration: { S3Bucket: "cmd-source", S3ObjectKey: key, PollForSourceChanges: "false" },
            outputArtifacts: [{ name: "SourceOutput" }],
          },
        ],
      },
      ...stages,
    ],
  };
}

/** A Commands action reading `SourceOutput`. */
const commands = (name: string, over: Partial<ActionDeclaration>): ActionDeclaration => ({
  name,
  actionTypeId: COMMANDS,
  inputArtifacts: [{ name: "SourceOutput" }],
  ...over,
});

/**
 * The Commands action as a user runs it: commands really executed in the build sandbox through
 * CodeBuild, with the pipeline's artifacts, variables and secrets — through the SDK.
 */
describe.each(dialects)("CodePipeline Commands action (%s)", (dialect) => {
  let server: TestServer;
  let cp: CodePipelineClient;
  let cb: CodeBuildClient;
  let s3: S3Client;
  let logs: CloudWatchLogsClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    cp = new CodePipelineClient(server.clientConfig);
    cb = new CodeBuildClient(server.clientConfig);
    s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    logs = new CloudWatchLogsClient(server.clientConfig);
    for (const bucket of ["cmd-source", "cmd-artifacts", "cmd-site"])
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const sm = new SecretsManagerClient(server.clientConfig);
    await sm.send(new CreateSecretCommand({ Name: "api-token", SecretString: SECRET }));
    sm.destroy();
  });
  afterAll(async () => {
    for (const client of [cp, cb, s3, logs]) client?.destroy();
    await server?.stop();
  });

  const putSource = async (key: string, body: Buffer) =>
    s3.send(new PutObjectCommand({ Bucket: "cmd-source", Key: key, Body: body }));
  /** Creates the pipeline (which runs it once) and waits for that execution to end. */
  const runToEnd = async (declaration: PipelineDeclaration) => {
    await cp.send(new CreatePipelineCommand({ pipeline: declaration }));
    const name = declaration.name!;
    const [created] = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name })))
      .pipelineExecutionSummaries!;
    const id = created!.pipelineExecutionId!;
    await expect
      .poll(
        async () =>
          (await cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id })))
            .pipelineExecution!.status,
        waiting(`pipeline ${name} to end`),
      )
      .not.toBe("InProgress");
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: id } }),
    );
    const status = (
      await cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))
    ).pipelineExecution!.status;
    const action = (actionName: string): ActionExecutionDetail =>
      actionExecutionDetails!.find((a) => a.actionName === actionName)!;
    return { status, action };
  };
  const objectZip = async (bucket: string, key: string) =>
    unzip(
      Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        ).Body!.transformToByteArray(),
      ),
    );
  /** The build log of a Commands action's build, as the Logs service holds it. */
  const buildLog = async (pipelineName: string, buildId: string) => {
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: `/aws/codepipeline/${pipelineName}`,
        logStreamName: buildId.slice(buildId.lastIndexOf(":") + 1),
        startFromHead: true,
      }),
    );
    return events!.map((e) => e.message).join("\n");
  };

  it("runs the commands on the source, and a later action uses their artifact and variable", async () => {
    await putSource("app.zip", await zipOf({ VERSION: "2.5", "src/page.txt": "page body" }));
    const { status, action } = await runToEnd(
      pipeline(
        "cmds",
        "app.zip",
        {
          name: "Make",
          actions: [
            commands("Render", {
              namespace: "MakeVars",
              commands: [
                'export VERSION="$(cat VERSION)"',
                'mkdir -p dist && echo "v$VERSION for $STAGE: $(cat src/page.txt)" > dist/index.html',
                'echo "token=$API_TOKEN"',
                "echo not collected > stray.txt",
              ],
              outputVariables: ["VERSION"],
              environmentVariables: [
                { name: "STAGE", value: "prod-#{codepipeline.PipelineExecutionId}" },
                { name: "API_TOKEN", value: "api-token", type: "SECRETS_MANAGER" },
              ],
              outputArtifacts: [{ name: "Site", files: ["dist/**/*"] }],
            }),
          ],
        },
        {
          name: "Release",
          actions: [
            {
              name: "Publish",
              actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
              configuration: {
                BucketName: "cmd-site",
                Extract: "false",
                ObjectKey: "site-#{MakeVars.VERSION}.zip",
              },
              inputArtifacts: [{ name: "Site" }],
            },
            {
              name: "Verify",
              actionTypeId: COMMANDS,
              inputArtifacts: [{ name: "Site" }],
              commands: ['test "$V" = 2.5', 'grep -q "^v2.5 for prod-" dist/index.html'],
              environmentVariables: [{ name: "V", value: "#{MakeVars.VERSION}" }],
            },
          ],
        },
      ),
    );
    const render = action("Render");
    expect(status, JSON.stringify(render.output)).toBe("Succeeded");
    expect(render.output!.outputVariables).toEqual({ VERSION: "2.5" });
    expect(action("Verify").status).toBe("Succeeded");
    // The Site artifact holds what the files glob names, nothing else; the variable named its key.
    const site = await objectZip("cmd-site", "site-2.5.zip");
    expect(Object.keys(site)).toEqual(["dist/index.html"]);
    expect(site["dist/index.html"]).toMatch(/^v2\.5 for prod-[0-9a-f-]{36}: page body\n$/);

    // The action's external execution is a build without a project: its id, its log link.
    const buildId = render.output!.executionResult!.externalExecutionId!;
    expect(buildId).toMatch(/^codepipeline\.cmds:[0-9a-f-]{36}$/);
    expect(render.output!.executionResult!.externalExecutionUrl).toContain(
      `/_/codebuild/logs/${encodeURIComponent(buildId)}`,
    );
    const [build] = (await cb.send(new BatchGetBuildsCommand({ ids: [buildId] }))).builds!;
    expect(build).toMatchObject({
      buildStatus: "SUCCEEDED",
      projectName: "codepipeline.cmds",
      initiator: "codepipeline/cmds",
      source: { type: "CODEPIPELINE" },
      exportedEnvironmentVariables: [{ name: "VERSION", value: "2.5" }],
      logs: { groupName: "/aws/codepipeline/cmds" },
    });
    expect(build!.environment!.environmentVariables).toContainEqual({
      name: "API_TOKEN",
      value: "api-token",
      type: "SECRETS_MANAGER",
    });
    expect((await cb.send(new ListProjectsCommand({}))).projects).toEqual([]);
    await expect(cb.send(new RetryBuildCommand({ id: buildId }))).rejects.toMatchObject({
      name: "InvalidInputException",
      message: expect.stringContaining("retry the pipeline's stage"),
    });

    // The secret reached the commands, and never the log.
    const log = await buildLog("cmds", buildId);
    expect(log).toContain("token=***");
    expect(log).not.toContain(SECRET);
    expect(JSON.stringify(build)).not.toContain(SECRET);
  });

  it("fails the action when a command fails, saying which one, and runs none after it", async () => {
    const { status, action } = await runToEnd(
      pipeline("cmds-fail", "app.zip", {
        name: "Check",
        actions: [
          commands("Lint", { commands: ["echo first", "test -f MISSING.txt", "echo never-printed"] }),
        ],
      }),
    );
    expect(status).toBe("Failed");
    const lint = action("Lint");
    expect(lint.status).toBe("Failed");
    expect(lint.output!.executionResult!.externalExecutionSummary).toContain(
      "Error while executing command: test -f MISSING.txt. Reason: exit status 1",
    );
    const log = await buildLog("cmds-fail", lint.output!.executionResult!.externalExecutionId!);
    expect(log).toContain("first");
    expect(log).not.toContain("never-printed");
  });

  describe("with a hostile input artifact", () => {
    let outside: string;
    beforeAll(() => {
      outside = mkdtempSync(path.join(tmpdir(), "pipewright-outside-"));
    });
    afterAll(() => rmSync(outside, { recursive: true, force: true }));

    /**
     * Every file name under `dir`, recursively. Other test files create and remove directories in
     * the same temporary directory meanwhile: one that vanishes mid-walk is skipped, not an error.
     */
    const namesUnder = (dir: string): string[] => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EACCES") return [];
        throw err;
      }
      return entries.flatMap((e) => [e.name, ...(e.isDirectory() ? namesUnder(path.join(dir, e.name)) : [])]);
    };

    it.each([
      [
        "an entry that climbs out (zip slip)",
        (marker: string) => [{ name: `../../../../${marker}`, data: "x" }],
      ],
      [
        "a link out, then an entry written through it",
        (marker: string, dir: string) => [
          { name: "out", data: dir, unixMode: 0o120777 },
          { name: `out/${marker}`, data: "x" },
        ],
      ],
    ])("%s fails the action and writes nothing outside", async (_, entries) => {
      const marker = `pwned-${Math.random().toString(36).slice(2)}.txt`;
      const key = `${marker}.zip`;
      await putSource(key, rawZip([{ name: "ok.txt", data: "fine" }, ...entries(marker, outside)]));
      const { status, action } = await runToEnd(
        pipeline(`cmds-${marker.slice(6, 14)}`, key, {
          name: "Run",
          actions: [commands("Touch", { commands: ["ls -la"] })],
        }),
      );
      expect(status).toBe("Failed");
      expect(action("Touch").output!.executionResult!.externalExecutionSummary).toContain(
        "cannot download source",
      );
      expect(existsSync(path.join(outside, marker))).toBe(false);
      expect(namesUnder(server.dataDir)).not.toContain(marker);
      expect(namesUnder(tmpdir())).not.toContain(marker);
    });

    it("a link to a host file reads nothing of it, in the commands or in the artifact", async () => {
      const canary = `canary-${Math.random().toString(36).slice(2)}`;
      const hostFile = path.join(server.dataDir, "canary.txt");
      writeFileSync(hostFile, canary);
      await putSource(
        "links.zip",
        rawZip([
          { name: "ok.txt", data: "fine" },
          { name: "leak", data: hostFile, unixMode: 0o120777 },
        ]),
      );
      const { action } = await runToEnd(
        pipeline("cmds-links", "links.zip", {
          name: "Run",
          actions: [
            commands("Read", {
              commands: ["(cat leak 2>&1 || echo unreadable) > seen.txt"],
              outputArtifacts: [{ name: "Seen", files: ["**/*"] }],
            }),
          ],
        }),
      );
      const read = action("Read");
      const buildId = read.output!.executionResult!.externalExecutionId!;
      expect(await buildLog("cmds-links", buildId)).not.toContain(canary);
      // The link is made as a link in the build's tree, but the build cannot see the data directory.
      expect(read.status).toBe("Succeeded");
      const seen = read.output!.outputArtifacts!.find((a) => a.name === "Seen")!.s3location!;
      const files = await objectZip(seen.bucket!, seen.key!);
      expect(files["ok.txt"]).toBe("fine");
      expect(files["seen.txt"]).toMatch(/unreadable\n$/);
      expect(JSON.stringify(files)).not.toContain(canary);
    });
  });
});
