/**
 * `pipewright init node-service hello` makes a project that works: its pipeline takes the starter
 * code through the tests in CodeBuild to the agent the command says to start, and the app answers
 * at the URL it prints.
 */
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
} from "@aws-sdk/client-codepipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright } from "../support/cli.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { startProjectAgent, type ProjectAgent } from "./templates-support.js";

describe("pipewright init", () => {
  let server: TestServer;
  let cp: CodePipelineClient;
  let agent: ProjectAgent | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startTestServer();
    cp = new CodePipelineClient(server.clientConfig);
    env = {
      AWS_ACCESS_KEY_ID: server.clientConfig.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.clientConfig.credentials.secretAccessKey,
      AWS_REGION: server.clientConfig.region,
      AWS_ENDPOINT_URL: server.url,
    };
  });

  afterAll(async () => {
    await agent?.stop();
    cp?.destroy();
    await server?.stop();
  });

  async function init(args: string[]): Promise<{ code: number | string; output: string }> {
    const cli = spawnPipewright(["init", ...args], env);
    const code = await cli.exited;
    return { code, output: cli.output() };
  }

  it("lists the templates", async () => {
    const { code, output } = await init(["--list"]);
    expect(code).toBe(0);
    expect(output).toMatch(/^static-site {5}Static web site: /m);
    expect(output).toMatch(/^node-service {4}Node.js web service: /m);
    expect(output).toMatch(/^python-service {2}Python web service: /m);
  });

  it("refuses a name that cannot be used, naming the rule, before creating anything", async () => {
    const { code, output } = await init(["node-service", "My App"]);
    expect(code).toBe(1);
    expect(output).toContain("lowercase letters, digits and hyphens");
    expect(output).not.toContain("✓");
  });

  it("creates the project, and its first release reaches the agent it prints", async () => {
    const started = Date.now();
    const port = await freePort();
    const cli = spawnPipewright(["init", "node-service", "hello", "--port", String(port)], env);
    // It prints the agent command, then waits for that agent before the release may deploy.
    const command = (await cli.waitFor(/^ {2}(APP_PORT=.+)$/m, 60_000))[1];
    expect(command).toBe(
      `APP_PORT=${port} pipewright agent --endpoint ${server.url} --name hello-1 ` +
        `--root /tmp/pipewright-agents/hello-1 --tags pipewright:project=hello,pipewright:app=127.0.0.1:${port}`,
    );
    // A newcomer slower than the build: the release waits before Deploy rather than failing there.
    await expect
      .poll(
        async () => {
          const { stageStates } = await cp.send(new GetPipelineStateCommand({ name: "hello" }));
          return stageStates?.find((s) => s.stageName === "Build")?.latestExecution?.status;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe("Succeeded");
    const { stageStates } = await cp.send(new GetPipelineStateCommand({ name: "hello" }));
    const deployStage = stageStates!.find((s) => s.stageName === "Deploy")!;
    expect(deployStage.inboundTransitionState?.enabled).toBe(false);
    expect(deployStage.latestExecution).toBeUndefined();
    agent = startProjectAgent(command!, server, "hello");
    expect(await cli.exited, cli.output()).toBe(0);
    const output = cli.output();
    for (const resource of [
      "CodeCommit repository hello",
      "starter code on hello's main branch",
      "S3 bucket pipewright-hello-artifacts",
      "CodeBuild project hello",
      "CodeDeploy application hello",
      "CodeDeploy deployment group hello",
      "CodePipeline pipeline hello",
      "a hold on Deploy until a machine registers",
    ])
      expect(output).toContain(`✓ ${resource}\n`);
    expect(output).toContain("✓ machine hello-1 registered: the release goes on to Deploy");
    expect(output).toContain("pipewright pipeline watch hello");
    const url = /the app answers at (\S+)/.exec(output)?.[1];
    expect(url).toBe(`http://127.0.0.1:${port}/`);

    let status: string | undefined;
    await expect
      .poll(
        async () => {
          const { pipelineExecutionSummaries } = await cp.send(
            new ListPipelineExecutionsCommand({ pipelineName: "hello" }),
          );
          status = pipelineExecutionSummaries?.[0]?.status;
          return status !== undefined && status !== "InProgress";
        },
        { timeout: 90_000, interval: 500, message: "waiting for the first release" },
      )
      .toBe(true);
    expect(status, agent.agent.output()).toBe("Succeeded");
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<h1>Hello from hello!</h1>");
    console.log(`pipewright init to the app answering: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);

  it("stops at a resource that exists already, naming it, and says nothing was created", async () => {
    const { code, output } = await init(["static-site", "hello"]);
    expect(code).toBe(1);
    expect(output).toContain("✗ CodeCommit repository hello");
    expect(output).toMatch(/could not create CodeCommit repository hello: RepositoryNameExistsException: /);
    expect(output).toContain("Nothing was created.");
  });
});
