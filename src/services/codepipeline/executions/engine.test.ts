import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../../test/support/stores.js";
import { createLogger, systemClock } from "../../../core/index.js";
import { createBus } from "../../../platform/bus/index.js";
import { createQueue, createWorker } from "../../../platform/queue/index.js";
import { openStore, type Store } from "../../../platform/store/index.js";
import { ActionFailure, type ActionRun, type SyncProvider } from "../providers/types.js";
import { createActionHandler, finishAction } from "./actions.js";
import { advance } from "./advance.js";
import { enqueueAdvance } from "./wake.js";
import type { EnginePipeline, PipelineSource } from "./pipeline-source.js";
import { actionsOf, findExecution, stagesOf } from "./rows.js";
import { ACTION_JOB, ADVANCE_JOB, type ExecutionRuntime } from "./runtime.js";
import { ACTION_TIMEOUT_JOB, createActionTimeoutHandler, DEFAULT_TIMEOUTS_MS } from "./timeouts.js";
import { startExecution } from "./start.js";

// The engine against a real store, queue and bus, with pipelines given directly (the definitions'
// own tests cover CreatePipeline) and providers that the test controls.

const SCOPE = { accountId: "000000000000", region: "us-east-1" };
const waiting = (what: string) => ({ timeout: 10_000, message: `waiting for ${what}` });

/** A provider whose runs the test ends by hand, one by one. */
class HeldProvider implements SyncProvider {
  readonly runs: Array<{ run: ActionRun; end: (failure?: string) => void }> = [];
  run(run: ActionRun) {
    return new Promise<{ outputVariables: Record<string, string> }>((resolve, reject) => {
      this.runs.push({
        run,
        end: (failure) =>
          failure
            ? reject(new ActionFailure("JobFailed", failure))
            : resolve({ outputVariables: { Seen: run.actionName } }),
      });
    });
  }
}

const instant: SyncProvider = {
  run: (run) =>
    Promise.resolve({
      outputVariables: {
        CommitId: `commit-of-${run.actionName}`,
        Run: run.executionId,
        Config: JSON.stringify(run.configuration),
      },
    }),
};

/** A deploy that fails while its configuration's `Fail` names a failing run, and records what it deployed. */
const deployed: Array<{ executionId: string; configuration: Readonly<Record<string, string>> }> = [];
const failing = new Set<string>();
const flaky: SyncProvider = {
  run: (run) => {
    deployed.push({ executionId: run.executionId, configuration: run.configuration });
    const key = run.configuration["Release"] ?? "";
    if (failing.has(key)) {
      failing.delete(key);
      return Promise.reject(new ActionFailure("JobFailed", `deploy of ${key} failed`));
    }
    return Promise.resolve({});
  },
};

/** An action of a made-up AWS-owned type the test provides (Custom types go to job workers instead). */
function action(name: string, category: string, provider: string, extra: Record<string, unknown> = {}) {
  return { name, actionTypeId: { category, owner: "AWS", provider, version: "1" }, ...extra };
}

describe.each(dialects())("execution engine on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  async function setup(
    pipelines: EnginePipeline[],
    held = new HeldProvider(),
    approvalTimeoutMs = 7 * 24 * 3600_000,
    otherTimeoutMs = 3600_000,
  ) {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    return engineOn(t.store, pipelines, held, approvalTimeoutMs, otherTimeoutMs);
  }

  /** An engine — queue, bus, worker — over `store`, as one server runs it. */
  function engineOn(
    store: Store,
    pipelines: EnginePipeline[],
    held = new HeldProvider(),
    approvalTimeoutMs = 7 * 24 * 3600_000,
    otherTimeoutMs = 3600_000,
  ) {
    const queue = createQueue({ store });
    const bus = createBus({ store, pollMs: 50 });
    const versions = new Map(pipelines.map((p) => [p.name, p]));
    const source: PipelineSource = {
      // As the pipelines' table lock does: one transaction at a time takes steps of one pipeline.
      lock: async (trx, _scope, name) => {
        if (dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
        return versions.has(name) ? { version: 1, created: 0, updated: 0 } : undefined;
      },
      head: (_trx, _scope, name) =>
        Promise.resolve(versions.has(name) ? { version: 1, created: 0, updated: 0 } : undefined),
      current: () => Promise.resolve([...versions.values()]),
      declaration: (_trx, _scope, name) => Promise.resolve(versions.get(name)),
    };
    const rt: ExecutionRuntime = {
      store,
      queue,
      bus,
      clock: systemClock,
      logger: createLogger({ level: "silent" }),
      pipelines: source,
      providers: {
        "Source/AWS/Fake/1": instant,
        "Build/AWS/Fake/1": instant,
        "Build/AWS/Held/1": held,
        "Deploy/AWS/Flaky/1": flaky,
      },
      timeoutsMs: { ...DEFAULT_TIMEOUTS_MS, approval: approvalTimeoutMs, other: otherTimeoutMs },
    };
    const worker = createWorker({
      queue,
      concurrency: 4,
      pollMs: 50,
      logger: createLogger({ level: process.env["ENGINE_LOG"] ? "warn" : "silent" }),
      handlers: {
        [ADVANCE_JOB]: (job) => advance(rt, (job.payload as { executionId: string }).executionId),
        [ACTION_JOB]: createActionHandler(rt),
        [ACTION_TIMEOUT_JOB]: createActionTimeoutHandler(rt),
      },
    });
    worker.start();
    teardown.push(() => worker.stop());
    // Runs the test left held end, so the worker stops at once.
    teardown.push(() => Promise.resolve(held.runs.forEach((r) => r.end())));
    const start = () =>
      store.transaction((trx) =>
        startExecution(rt, trx, SCOPE, pipelines[0]!.name, {
          trigger: { triggerType: "StartPipelineExecution", triggerDetail: "test" },
        }),
      );
    const status = async (id: string) => (await findExecution(store.db, id))?.status;
    return { rt, store, held, start, status };
  }

  const linear: EnginePipeline = {
    name: "linear",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          action("Src", "Source", "Fake", {
            outputArtifacts: [{ name: "Code" }],
            namespace: "SourceVariables",
          }),
        ],
      },
      {
        name: "Build",
        actions: [
          action("Compile", "Build", "Fake", {
            inputArtifacts: [{ name: "Code" }],
            configuration: {
              Commit: "#{SourceVariables.CommitId}",
              Run: "#{codepipeline.PipelineExecutionId}",
            },
            runOrder: 1,
          }),
          action("Package", "Build", "Fake", { inputArtifacts: [{ name: "Code" }], runOrder: 2 }),
        ],
      },
    ],
  };

  it("carries an execution through its stages in runOrder, handing artifacts and variables on", async () => {
    const { store, start, status } = await setup([linear]);
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to succeed")).toBe("Succeeded");
    const actions = await actionsOf(store.db, id);
    expect(actions.map((a) => [a.action_name, a.status])).toEqual([
      ["Src", "Succeeded"],
      ["Compile", "Succeeded"],
      ["Package", "Succeeded"],
    ]);
    const compile = JSON.parse(actions[1]!.input) as {
      resolvedConfiguration: Record<string, string>;
      inputArtifacts: Array<{ name: string; bucket: string; key: string }>;
    };
    expect(compile.resolvedConfiguration).toEqual({ Commit: "commit-of-Src", Run: id });
    const src = JSON.parse(actions[0]!.output!) as { outputArtifacts: Array<{ key: string }> };
    expect(compile.inputArtifacts).toEqual([
      { name: "Code", bucket: "artifacts", key: src.outputArtifacts[0]!.key },
    ]);
    expect(src.outputArtifacts[0]!.key).toMatch(/^linear\/Code\/[A-Za-z0-9]{7}$/);
    expect((await stagesOf(store.db, id)).map((s) => [s.stage_name, s.status])).toEqual([
      ["Source", "Succeeded"],
      ["Build", "Succeeded"],
    ]);
  });

  const parallel: EnginePipeline = {
    name: "parallel",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      { name: "Source", actions: [action("Src", "Source", "Fake", { outputArtifacts: [{ name: "Code" }] })] },
      {
        name: "Build",
        actions: [
          action("A", "Build", "Held", { runOrder: 1 }),
          action("B", "Build", "Held", { runOrder: 1 }),
          action("C", "Build", "Held", { runOrder: 2 }),
        ],
      },
    ],
  };

  it("runs equal runOrders together, fails the stage when one fails after the other ends, and starts nothing more", async () => {
    const { rt, held, start, status, store } = await setup([parallel]);
    const id = await start();
    await expect.poll(() => held.runs.length, waiting("A and B to start together")).toBe(2);
    held.runs.find((r) => r.run.actionName === "A")!.end("tests failed");
    const statusOf = async (name: string) =>
      (await actionsOf(store.db, id)).find((a) => a.action_name === name)?.status;
    await expect.poll(() => statusOf("A"), waiting("A to fail")).toBe("Failed");
    await advance(rt, id); // every step it can take now: none while B runs
    expect(await status(id)).toBe("InProgress");
    held.runs.find((r) => r.run.actionName === "B")!.end();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect(held.runs).toHaveLength(2);
    const execution = await findExecution(store.db, id);
    expect(execution?.status_summary).toBe('Stage "Build", action "A" failed: tests failed');
  });

  it("SUPERSEDED: a newer execution overtakes one waiting at a held stage", async () => {
    const { held, start, status } = await setup([parallel]);
    const first = await start();
    await expect.poll(() => held.runs.length, waiting("the first execution to hold Build")).toBe(2);
    const second = await start();
    const third = await start();
    await expect.poll(() => status(second), waiting("the second to be superseded")).toBe("Superseded");
    expect(await status(third)).toBe("InProgress");
    for (const r of held.runs) r.end();
    await expect.poll(() => held.runs.length, waiting("C of the first")).toBe(3);
    held.runs[2]!.end();
    await expect.poll(() => status(first), waiting("the first to succeed")).toBe("Succeeded");
    await expect.poll(() => held.runs.length, waiting("the third to enter Build")).toBe(5);
    expect(held.runs.slice(3).every((r) => r.run.executionId === third)).toBe(true);
  });

  it("a variable that resolves to nothing fails its action with a message naming it", async () => {
    const broken: EnginePipeline = {
      ...linear,
      name: "broken",
      stages: [
        linear.stages[0]!,
        {
          name: "Build",
          actions: [action("Compile", "Build", "Fake", { configuration: { X: "#{Nope.Var}" } })],
        },
      ],
    };
    const { store, start, status } = await setup([broken]);
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    const compile = (await actionsOf(store.db, id)).find((a) => a.action_name === "Compile")!;
    expect(compile.error_code).toBe("ConfigurationError");
    expect(compile.error_message).toContain(
      'Stage "Build", action "Compile", configuration X: #{Nope.Var} resolves to nothing',
    );
  });

  it("a finished action cannot be finished again", async () => {
    const { rt, store, held, start } = await setup([parallel]);
    const id = await start();
    await expect.poll(() => held.runs.length, waiting("A and B")).toBe(2);
    const a = (await actionsOf(store.db, id)).find((x) => x.action_name === "A")!;
    const once = await store.transaction((trx) =>
      finishAction(rt, trx, a.action_execution_id, { status: "Failed", code: "JobFailed", message: "x" }),
    );
    const twice = await store.transaction((trx) =>
      finishAction(rt, trx, a.action_execution_id, { status: "Succeeded", result: {} }),
    );
    expect([once, twice]).toEqual([true, false]);
    for (const r of held.runs) r.end();
  });
  it("QUEUED: executions wait their turn at a held stage and go through in the order they started", async () => {
    const queued: EnginePipeline = {
      ...parallel,
      name: "queued",
      pipelineType: "V2",
      executionMode: "QUEUED",
    };
    const { held, start, status } = await setup([queued]);
    const first = await start();
    await expect.poll(() => held.runs.length, waiting("the first to hold Build")).toBe(2);
    const second = await start();
    const third = await start();
    const endAll = () => held.runs.forEach((r) => r.end());
    const order = [first, second, third];
    for (const [n, id] of order.entries()) {
      // This execution's A and B run (the others wait); end them, then its C, and the next goes in.
      const before = held.runs.length;
      expect(held.runs.slice(-2).map((r) => r.run.executionId)).toEqual([id, id]);
      endAll();
      await expect.poll(() => held.runs.length, waiting(`C of execution ${n + 1}`)).toBe(before + 1);
      endAll();
      await expect.poll(() => status(id), waiting(`execution ${n + 1} to succeed`)).toBe("Succeeded");
      if (n < order.length - 1) {
        await expect
          .poll(() => held.runs.length, waiting(`execution ${n + 2} to enter Build`))
          .toBe(before + 3);
      }
    }
  });

  it("a disabled transition holds executions at the stage's entrance until it is enabled", async () => {
    const { rt, store, start, status } = await setup([linear]);
    const now = Date.now();
    await store.db
      .insertInto("codepipeline_transitions")
      .values({
        account_id: SCOPE.accountId,
        region: SCOPE.region,
        pipeline_name: "linear",
        stage_name: "Build",
        enabled: 0,
        disabled_reason: "freeze",
        last_changed_by: "test",
        last_changed_at: now,
      })
      .execute();
    const id = await start();
    await expect
      .poll(
        async () => (await findExecution(store.db, id))?.waiting_for_stage,
        waiting("the execution to wait at Build"),
      )
      .toBe("Build");
    await store.db.updateTable("codepipeline_transitions").set({ enabled: 1 }).execute();
    await store.transaction((trx) => enqueueAdvance(rt, trx, id));
    await expect.poll(() => status(id), waiting("the execution to succeed")).toBe("Succeeded");
  });

  it("a manual approval that nobody answers fails when its time is up", async () => {
    const approval: EnginePipeline = {
      ...linear,
      name: "approval",
      stages: [
        linear.stages[0]!,
        {
          name: "Approve",
          actions: [
            {
              name: "Ok",
              actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
            },
          ],
        },
      ],
    };
    const { store, start, status } = await setup([approval], new HeldProvider(), 300);
    const id = await start();
    await expect.poll(() => status(id), waiting("the approval to expire")).toBe("Failed");
    const ok = (await actionsOf(store.db, id)).find((a) => a.action_name === "Ok")!;
    expect([ok.error_message, ok.token]).toEqual([
      "The approval request expired before anyone approved or rejected it.",
      null,
    ]);
  });
  it("an approval waits its own timeoutInMinutes; an action that outlives its timeout fails; a finished one leaves no timer", async () => {
    const held: EnginePipeline = {
      ...linear,
      name: "held",
      stages: [
        linear.stages[0]!,
        {
          name: "Build",
          actions: [
            action("Slow", "Build", "Held"),
            {
              name: "Ok",
              actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
              timeoutInMinutes: 5,
            },
          ],
        },
      ],
    };
    const { store, start, status } = await setup([held], new HeldProvider(), 300, 300);
    const id = await start();
    const slowStatus = async () =>
      (await actionsOf(store.db, id)).find((a) => a.action_name === "Slow")?.status;
    await expect.poll(slowStatus, waiting("the held action to time out")).toBe("Failed");
    // The stage waits for the approval beside it, which still has its own 5 minutes.
    expect(await status(id)).toBe("InProgress");
    const actions = await actionsOf(store.db, id);
    const slow = actions.find((a) => a.action_name === "Slow")!;
    expect([slow.status, slow.error_message]).toEqual([
      "Failed",
      "The action did not finish within 300 ms, CodePipeline's timeout for this action type.",
    ]);
    const ok = actions.find((a) => a.action_name === "Ok")!;
    expect(ok.status).toBe("InProgress");
    const timer = (actionId: string) =>
      store.db
        .selectFrom("jobs")
        .select(["run_at", "created_at"])
        .where("key", "=", `${ACTION_TIMEOUT_JOB}:${actionId}`)
        .executeTakeFirst();
    const okTimer = await timer(ok.action_execution_id);
    expect(Number(okTimer!.run_at) - Number(okTimer!.created_at)).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    // Actions that ended leave no timer behind.
    const src = actions.find((a) => a.action_name === "Src")!;
    expect(await timer(src.action_execution_id)).toBeUndefined();
  });

  const deploying = (onFailure: { result: string }): EnginePipeline => ({
    name: "deploying",
    pipelineType: "V2",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      {
        name: "Source",
        actions: [action("Src", "Source", "Fake", { outputArtifacts: [{ name: "Code" }], namespace: "Src" })],
      },
      {
        name: "Deploy",
        onFailure,
        actions: [
          action("Ship", "Deploy", "Flaky", {
            inputArtifacts: [{ name: "Code" }],
            configuration: { Release: "#{Src.Run}" },
          }),
        ],
      },
    ],
  });

  it("onFailure RETRY runs a failed stage once more by itself", async () => {
    const { store, start, status } = await setup([deploying({ result: "RETRY" })]);
    const id = await start();
    failing.add(id);
    await expect.poll(() => status(id), waiting("the retried execution to succeed")).toBe("Succeeded");
    const stage = (await stagesOf(store.db, id)).find((s) => s.stage_name === "Deploy")!;
    expect([stage.attempt, stage.auto_retries]).toEqual([2, 1]);
    expect(deployed.filter((d) => d.executionId === id)).toHaveLength(2);
  });

  it("onFailure ROLLBACK deploys again what the last good execution deployed", async () => {
    const { store, start, status } = await setup([deploying({ result: "ROLLBACK" })]);
    const good = await start();
    await expect.poll(() => status(good), waiting("the good execution")).toBe("Succeeded");
    const bad = await start();
    failing.add(bad);
    await expect.poll(() => status(bad), waiting("the bad execution to fail")).toBe("Failed");
    const rollbacks = () =>
      store.db
        .selectFrom("codepipeline_executions")
        .selectAll()
        .where("execution_type", "=", "ROLLBACK")
        .execute();
    await expect.poll(async () => (await rollbacks()).length, waiting("a rollback execution")).toBe(1);
    const [row] = await rollbacks();
    expect(row).toMatchObject({ trigger_type: "AutomatedRollback", trigger_detail: bad });
    expect(JSON.parse(row!.rollback_metadata!)).toEqual({
      rollbackTargetPipelineExecutionId: good,
      stageName: "Deploy",
    });
    await expect.poll(() => status(row!.execution_id), waiting("the rollback to succeed")).toBe("Succeeded");
    // It ran only the Deploy stage, with the good execution's variables and artifacts.
    expect((await stagesOf(store.db, row!.execution_id)).map((s) => s.stage_name)).toEqual(["Deploy"]);
    expect(deployed.filter((d) => d.executionId === row!.execution_id).map((d) => d.configuration)).toEqual([
      { Release: good },
    ]);
  });

  it.skipIf(dialect !== "postgres")(
    "two engines on one database (two servers) run every execution, each step once",
    async () => {
      const t = await openTestStore(dialect);
      teardown.push(t.cleanup);
      const other = await openStore({ databaseUrl: t.databaseUrl });
      teardown.push(() => other.close());
      const parallelRuns: EnginePipeline = {
        ...linear,
        name: "shared",
        pipelineType: "V2",
        executionMode: "PARALLEL",
      };
      const engines = [engineOn(t.store, [parallelRuns]), engineOn(other, [parallelRuns])];
      const ids = await Promise.all(Array.from({ length: 16 }, (_, i) => engines[i % 2]!.start()));
      // More wake-ups than needed, on both: engines racing for the same execution's next step.
      for (const id of ids) {
        for (const { rt } of [...engines, ...engines])
          await rt.store.transaction((trx) => enqueueAdvance(rt, trx, id));
      }
      for (const id of ids) {
        await expect.poll(() => engines[1]!.status(id), waiting(`execution ${id}`)).toBe("Succeeded");
      }
      const actions = await t.store.db
        .selectFrom("codepipeline_action_executions")
        .select("status")
        .execute();
      expect(actions).toHaveLength(16 * 3);
      const events = await t.store.db
        .selectFrom("events")
        .select(["detail_type", "detail"])
        .where("source", "=", "aws.codepipeline")
        .execute();
      const told = new Map<string, number>();
      for (const e of events) {
        const d = JSON.parse(e.detail) as Record<string, string>;
        const key = [e.detail_type, d["execution-id"], d["stage"], d["action"], d["state"]].join("/");
        told.set(key, (told.get(key) ?? 0) + 1);
      }
      // Each execution, stage and action started and ended once: 2 + 2×2 + 3×2 events each.
      expect([...told].filter(([, n]) => n !== 1)).toEqual([]);
      expect(told.size).toBe(16 * 12);
    },
  );
});
