import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../../test/support/stores.js";
import { createLogger } from "../../../core/index.js";
import { createBus } from "../../../platform/bus/index.js";
import { createQueue, createWorker } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { BuildOutcome, InlineBuildRequest } from "../../codebuild/index.js";
import type { SyncProvider } from "../providers/types.js";
import { createActionHandler, createBuildStateHandler } from "./actions.js";
import { advance } from "./advance.js";
import { conditionsOf } from "./condition-rows.js";
import { createRuleJobHandler, RULE_JOB } from "./commands-rule.js";
import type { EnginePipeline, PipelineSource } from "./pipeline-source.js";
import { actionsOf, findExecution } from "./rows.js";
import { ACTION_JOB, ADVANCE_JOB, type ExecutionRuntime, type PipelineBuilds } from "./runtime.js";
import { stopPipelineExecution } from "./operations.js";
import { startExecution } from "./start.js";
import { DEFAULT_TIMEOUTS_MS } from "./timeouts.js";

// Commands rules in the engine, against a real store, queue, worker and bus; CodeBuild is a fake
// whose builds the test ends (the e2e test runs real ones).

const SCOPE = { accountId: "000000000000", region: "us-east-1" };
const waiting = (what: string) => ({ timeout: 10_000, message: `waiting for ${what}` });

const instant: SyncProvider = { run: () => Promise.resolve({ outputVariables: {} }) };
const fake = (name: string, category: string) => ({
  name,
  actionTypeId: { category, owner: "AWS", provider: "Fake", version: "1" },
});

/** Source (artifact `Code`), then Deploy behind a beforeEntry Commands rule reading `input`. */
function pipeline(name: string, input = "Code"): EnginePipeline {
  return {
    name,
    pipelineType: "V2",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      { name: "Source", actions: [{ ...fake("Src", "Source"), outputArtifacts: [{ name: "Code" }] }] },
      {
        name: "Deploy",
        actions: [fake("Ship", "Deploy")],
        beforeEntry: {
          conditions: [
            {
              result: "FAIL",
              rules: [
                {
                  name: "Tests",
                  ruleTypeId: { category: "Rule", owner: "AWS", provider: "Commands", version: "1" },
                  commands: ["npm test"],
                  inputArtifacts: [{ name: input }],
                },
              ],
            },
          ],
        },
      },
    ],
  };
}

interface FakeBuild {
  request: InlineBuildRequest;
  id: string;
  status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "STOPPED";
}

describe.each(dialects())("Commands rules on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  async function setup(p: EnginePipeline, onStart?: (build: FakeBuild) => Promise<void>) {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const store = t.store;
    const queue = createQueue({ store });
    const bus = createBus({ store, pollMs: 50 });
    // CodeBuild's idempotency: one build per token.
    const builds = new Map<string, FakeBuild>();
    const requests: InlineBuildRequest[] = [];
    const stopped: string[] = [];
    const outcome = (b: FakeBuild): BuildOutcome => ({
      id: b.id,
      status: b.status,
      complete: b.status !== "IN_PROGRESS",
      exportedEnvironmentVariables: [],
      logsDeepLink: `http://127.0.0.1/_/codebuild/logs/${encodeURIComponent(b.id)}`,
      ...(b.status === "FAILED" ? { failure: "COMMAND_EXECUTION_ERROR: npm test exited 1" } : {}),
      initiator: b.request.initiator,
      idempotencyToken: b.request.idempotencyToken,
    });
    const fakeBuilds: PipelineBuilds = {
      startBuildFor: () => Promise.reject(new Error("no project builds here")),
      startInlineBuild: async (request) => {
        requests.push(request);
        let build = builds.get(request.idempotencyToken);
        if (!build) {
          build = {
            request,
            id: `codepipeline.${request.pipelineName}:b${builds.size + 1}`,
            status: "IN_PROGRESS",
          };
          builds.set(request.idempotencyToken, build);
          await onStart?.(build);
        }
        return build.id;
      },
      stopBuild: (_executor, _scope, id) => {
        stopped.push(id);
        return Promise.resolve();
      },
      buildOutcome: (_executor, _scope, id) =>
        Promise.resolve([...builds.values()].filter((b) => b.id === id).map(outcome)[0]),
    };
    const source: PipelineSource = {
      lock: async (trx, _scope, name) => {
        if (dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
        return name === p.name ? { version: 1, created: 0, updated: 0 } : undefined;
      },
      head: () => Promise.resolve({ version: 1, created: 0, updated: 0 }),
      current: () => Promise.resolve([p]),
      declaration: (_trx, _scope, name) => Promise.resolve(name === p.name ? p : undefined),
    };
    const rt: ExecutionRuntime = {
      store,
      queue,
      bus,
      clock: { now: () => Date.now() },
      logger: createLogger({ level: "silent" }),
      pipelines: source,
      providers: { "Source/AWS/Fake/1": instant, "Deploy/AWS/Fake/1": instant },
      builds: fakeBuilds,
      timeoutsMs: DEFAULT_TIMEOUTS_MS,
    };
    bus.subscribe("codepipeline.build-state", createBuildStateHandler(rt), { startAt: "oldest" });
    bus.start();
    teardown.push(() => bus.stop());
    const worker = createWorker({
      queue,
      concurrency: 2,
      pollMs: 50,
      logger: createLogger({ level: "silent" }),
      handlers: {
        [ADVANCE_JOB]: (job) => advance(rt, (job.payload as { executionId: string }).executionId),
        [ACTION_JOB]: createActionHandler(rt),
        [RULE_JOB]: createRuleJobHandler(rt),
      },
    });
    worker.start();
    teardown.push(() => worker.stop());
    /** Ends a build as CodeBuild does: its state, then its "Build State Change" event. */
    const endBuild = async (build: FakeBuild, status: "SUCCEEDED" | "FAILED" | "STOPPED") => {
      build.status = status;
      await store.transaction((trx) =>
        bus.emit(trx, {
          source: "aws.codebuild",
          detailType: "CodeBuild Build State Change",
          account: SCOPE.accountId,
          region: SCOPE.region,
          resources: [],
          detail: {
            "build-id": `arn:aws:codebuild:us-east-1:000000000000:build/${build.id}`,
            "build-status": status,
          },
        }),
      );
    };
    const start = () =>
      store.transaction((trx) =>
        startExecution(rt, trx, SCOPE, p.name, {
          trigger: { triggerType: "StartPipelineExecution", triggerDetail: "test" },
        }),
      );
    const status = async (id: string) => (await findExecution(store.db, id))?.status;
    const rules = (id: string) =>
      store.db
        .selectFrom("codepipeline_rule_executions")
        .selectAll()
        .where("execution_id", "=", id)
        .execute();
    const stop = (id: string) =>
      store.transaction((trx) =>
        stopPipelineExecution(rt).handler({ pipelineName: p.name, pipelineExecutionId: id }, context(trx)),
      );
    return { rt, store, queue, builds, requests, stopped, endBuild, start, stop, status, rules };
  }

  it("holds the condition while the build runs, starts one build however often its job runs, and lets the execution in when it passes", async () => {
    const { store, queue, builds, requests, endBuild, start, status, rules } = await setup(pipeline("pass"));
    const id = await start();
    await expect
      .poll(async () => (await rules(id))[0]?.external_execution_id, waiting("the build to be recorded"))
      .toBe("codepipeline.pass:b1");
    const [run] = await rules(id);
    expect(run).toMatchObject({ status: "InProgress", rule_name: "Tests" });
    expect((await conditionsOf(store.db, id)).map((c) => [c.status, c.recheck_at])).toEqual([
      ["InProgress", null],
    ]);
    expect((await actionsOf(store.db, id)).map((a) => a.action_name)).toEqual(["Src"]);
    // The build runs the rule's commands on the source artifact, as the pipeline, with the run's id as token.
    const source = JSON.parse((await actionsOf(store.db, id))[0]!.output!) as { outputArtifacts: unknown[] };
    expect(requests[0]).toMatchObject({
      commands: ["npm test"],
      initiator: "codepipeline/pass",
      idempotencyToken: run!.rule_execution_id,
      inputs: source.outputArtifacts,
    });
    // A crash that runs the job again starts no second build.
    await store.transaction((trx) =>
      queue.enqueue(trx, { kind: RULE_JOB, payload: { ruleExecutionId: run!.rule_execution_id } }),
    );
    await expect.poll(() => requests.length, waiting("the job to run again")).toBe(2);
    expect(builds.size).toBe(1);
    await endBuild(builds.get(run!.rule_execution_id)!, "SUCCEEDED");
    await expect.poll(() => status(id), waiting("the execution to succeed")).toBe("Succeeded");
    expect((await rules(id)).map((r) => [r.status, r.summary, r.external_execution_url])).toEqual([
      [
        "Succeeded",
        "Build codepipeline.pass:b1 succeeded: every command exited 0.",
        "http://127.0.0.1/_/codebuild/logs/codepipeline.pass%3Ab1",
      ],
    ]);
    expect((await actionsOf(store.db, id)).map((a) => a.action_name)).toEqual(["Src", "Ship"]);
  });

  it("takes the build's end even when it came before the build's id was recorded, and fails the execution naming the rule", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let ended!: Promise<void>;
    const { store, status, rules, endBuild, start } = await setup(pipeline("early"), async (build) => {
      ended = endBuild(build, "FAILED");
      await held; // StartBuild's answer is slow: the end event is delivered first.
    });
    const id = await start();
    await expect.poll(async () => (await rules(id))[0]?.status, waiting("the rule to fail")).toBe("Failed");
    await ended;
    release();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect((await findExecution(store.db, id))?.status_summary).toBe(
      'Stage "Deploy", beforeEntry condition, rule "Tests": build codepipeline.early:b1 ended FAILED: COMMAND_EXECUTION_ERROR: npm test exited 1',
    );
    expect((await rules(id)).map((r) => [r.error_code, r.external_execution_id])).toEqual([
      ["RuleCheckFailed", "codepipeline.early:b1"],
    ]);
    expect((await conditionsOf(store.db, id)).map((c) => c.status)).toEqual(["Failed"]);
  });

  it("a stopped execution abandons the rule and stops its build, whose end then changes nothing", async () => {
    const { store, builds, stopped, endBuild, start, stop, status, rules } = await setup(pipeline("stop"));
    const id = await start();
    await expect
      .poll(async () => (await rules(id))[0]?.external_execution_id, waiting("the build to be recorded"))
      .toBeTruthy();
    await stop(id);
    await expect.poll(() => status(id), waiting("the execution to stop")).toBe("Stopped");
    expect((await rules(id)).map((r) => r.status)).toEqual(["Abandoned"]);
    expect((await conditionsOf(store.db, id)).map((c) => c.status)).toEqual(["Cancelled"]);
    const [build] = [...builds.values()];
    expect(stopped).toEqual([build!.id]);
    await endBuild(build!, "STOPPED");
    // The bus delivered the end (its subscriber's cursor passed it) without reviving the run.
    const end = await store.db
      .selectFrom("events")
      .select("seq")
      .where("detail_type", "=", "CodeBuild Build State Change")
      .executeTakeFirstOrThrow();
    const cursor = async () =>
      (
        await store.db
          .selectFrom("event_subscriptions")
          .select("cursor")
          .where("name", "=", "codepipeline.build-state")
          .executeTakeFirst()
      )?.cursor;
    await expect
      .poll(async () => Number(await cursor()) >= Number(end.seq), waiting("the bus to deliver the end"))
      .toBe(true);
    expect((await rules(id)).map((r) => [r.status, r.summary])).toEqual([
      ["Abandoned", "Its commands run in a CodeBuild build."],
    ]);
  });

  it("a build started for a rule its execution abandoned meanwhile is stopped by the job", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { requests, stopped, start, stop, status, rules } = await setup(pipeline("late"), () => held);
    const id = await start();
    await expect.poll(() => requests.length, waiting("the build to be started")).toBe(1);
    await stop(id);
    await expect.poll(() => status(id), waiting("the execution to stop")).toBe("Stopped");
    release();
    await expect.poll(() => stopped, waiting("the build to be stopped")).toEqual(["codepipeline.late:b1"]);
    expect((await rules(id)).map((r) => [r.status, r.external_execution_id])).toEqual([["Abandoned", null]]);
  });

  it("a rule whose input artifact the execution did not produce errs, naming the artifact", async () => {
    const { store, requests, start, status } = await setup(pipeline("missing", "Nope"));
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect((await findExecution(store.db, id))?.status_summary).toBe(
      'Stage "Deploy", beforeEntry condition, rule "Tests": input artifact "Nope" was not produced in this execution.',
    );
    expect(requests).toEqual([]);
  });
});

/** An operation's context, as a release manager's request gives it. */
const context = (trx: Kysely<Database>) => ({
  ...SCOPE,
  requestId: "r",
  trx,
  principal: {
    accountId: SCOPE.accountId,
    userId: "u",
    userName: "release-manager",
    arn: "arn:aws:iam::000000000000:user/release-manager",
    accessKeyId: "AKIA",
    isRoot: false,
  },
});
