import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../../test/support/stores.js";
import { createLogger, type Clock } from "../../../core/index.js";
import { createBus } from "../../../platform/bus/index.js";
import { createQueue, createWorker } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { SyncProvider } from "../providers/types.js";
import { createActionHandler } from "./actions.js";
import { advance } from "./advance.js";
import { conditionsOf } from "./condition-rows.js";
import type { EngineCondition, EnginePipeline, EngineStage, PipelineSource } from "./pipeline-source.js";
import { actionsOf, findExecution, stagesOf } from "./rows.js";
import { ACTION_JOB, ADVANCE_JOB, type ExecutionRuntime } from "./runtime.js";
import { stopPipelineExecution } from "./operations.js";
import { overrideStageCondition } from "./operations-conditions.js";
import { startExecution } from "./start.js";
import { DEFAULT_TIMEOUTS_MS } from "./timeouts.js";

// Stage conditions in the engine, against a real store, queue and worker: beforeEntry, onSuccess
// and the rules they run, with a clock the test moves for deployment windows.

const SCOPE = { accountId: "000000000000", region: "us-east-1" };
const waiting = (what: string) => ({ timeout: 10_000, message: `waiting for ${what}` });

const deployed: string[] = [];
const instant: SyncProvider = {
  run: (run) => {
    if (run.stageName !== "Source") deployed.push(run.executionId);
    return Promise.resolve({ outputVariables: { Branch: "main", Run: run.executionId } });
  },
};

function action(name: string, category: string) {
  return { name, actionTypeId: { category, owner: "AWS", provider: "Fake", version: "1" } };
}

function rule(name: string, provider: string, configuration: Record<string, string>) {
  return { name, ruleTypeId: { category: "Rule", owner: "AWS", provider, version: "1" }, configuration };
}

const branchIs = (value: string, operator = "EQ") =>
  rule("OnMain", "VariableCheck", { Variable: "#{Src.Branch}", Value: value, Operator: operator });

/** Source, then Deploy with `deploy`'s conditions. */
function pipeline(name: string, deploy: Partial<EngineStage>): EnginePipeline {
  return {
    name,
    pipelineType: "V2",
    artifactStore: { type: "S3", location: "artifacts" },
    variables: [{ name: "Health", defaultValue: "ok" }],
    stages: [
      { name: "Source", actions: [{ ...action("Src", "Source"), namespace: "Src" }] },
      { name: "Deploy", actions: [action("Ship", "Deploy")], ...deploy },
    ],
  };
}

const conditions = (c: EngineCondition) => ({ conditions: [c] });

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

describe.each(dialects())("stage conditions on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  /** An engine over a fresh store; `clock.shift` moves its time (the queue's too). */
  async function setup(p: EnginePipeline) {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const clock: Clock & { shift: number } = { shift: 0, now: () => Date.now() + clock.shift };
    const store = t.store;
    const queue = createQueue({ store, clock });
    const bus = createBus({ store, pollMs: 50 });
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
      clock,
      logger: createLogger({ level: "silent" }),
      pipelines: source,
      providers: { "Source/AWS/Fake/1": instant, "Deploy/AWS/Fake/1": instant },
      timeoutsMs: DEFAULT_TIMEOUTS_MS,
    };
    /** A worker, as one server process runs it; the test stops one and starts another (a restart). */
    const startWorker = () => {
      const worker = createWorker({
        queue,
        concurrency: 2,
        pollMs: 50,
        logger: createLogger({ level: "silent" }),
        handlers: {
          [ADVANCE_JOB]: (job) => advance(rt, (job.payload as { executionId: string }).executionId),
          [ACTION_JOB]: createActionHandler(rt),
        },
      });
      worker.start();
      teardown.push(() => worker.stop());
      return worker;
    };
    let worker = startWorker();
    const restart = async () => {
      await worker.stop();
      worker = startWorker();
    };
    const start = (variables?: Array<{ name: string; value: string }>) =>
      store.transaction((trx) =>
        startExecution(rt, trx, SCOPE, p.name, {
          trigger: { triggerType: "StartPipelineExecution", triggerDetail: "test" },
          variables,
        }),
      );
    const status = async (id: string) => (await findExecution(store.db, id))?.status;
    const stage = async (id: string, name: string) =>
      (await stagesOf(store.db, id)).find((s) => s.stage_name === name)?.status;
    const rules = (id: string) =>
      store.db
        .selectFrom("codepipeline_rule_executions")
        .selectAll()
        .where("execution_id", "=", id)
        .execute();
    return { rt, store, clock, start, status, stage, rules, restart };
  }

  it("beforeEntry VariableCheck that passes lets the execution into the stage", async () => {
    const { start, status, stage, rules } = await setup(
      pipeline("entry-pass", { beforeEntry: conditions({ result: "FAIL", rules: [branchIs("main")] }) }),
    );
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to succeed")).toBe("Succeeded");
    expect(await stage(id, "Deploy")).toBe("Succeeded");
    const [run] = await rules(id);
    expect(run).toMatchObject({ rule_name: "OnMain", status: "Succeeded", condition_type: "BEFORE_ENTRY" });
    expect(JSON.parse(run!.input)).toMatchObject({
      configuration: { Variable: "#{Src.Branch}" },
      resolvedConfiguration: { Variable: "main", Value: "main", Operator: "EQ" },
    });
  });

  it("beforeEntry FAIL keeps the execution out and fails it with a message naming the rule", async () => {
    const { store, start, status, stage, rules } = await setup(
      pipeline("entry-fail", { beforeEntry: conditions({ result: "FAIL", rules: [branchIs("release")] }) }),
    );
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect(await stage(id, "Deploy")).toBe("Failed");
    expect((await actionsOf(store.db, id)).map((a) => a.action_name)).toEqual(["Src"]);
    expect((await findExecution(store.db, id))?.status_summary).toBe(
      'Stage "Deploy", beforeEntry condition, rule "OnMain": "main" EQ "release" is false.',
    );
    expect((await rules(id)).map((r) => [r.rule_name, r.status, r.error_code])).toEqual([
      ["OnMain", "Failed", "RuleCheckFailed"],
    ]);
    expect((await conditionsOf(store.db, id)).map((c) => c.status)).toEqual(["Failed"]);
  });

  it("beforeEntry SKIP skips the stage and the execution goes on", async () => {
    const { start, status, stage } = await setup(
      pipeline("entry-skip", {
        beforeEntry: conditions({ result: "SKIP", rules: [branchIs("rel", "CONTAINS")] }),
      }),
    );
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to succeed")).toBe("Succeeded");
    expect(await stage(id, "Deploy")).toBe("Skipped");
    expect(deployed).not.toContain(id);
  });

  it("onSuccess with a failing rule and result ROLLBACK fails the stage and rolls it back", async () => {
    const healthy = rule("Healthy", "VariableCheck", {
      Variable: "#{variables.Health}",
      Value: "ok",
      Operator: "EQ",
    });
    const { store, start, status } = await setup(
      pipeline("success-rollback", { onSuccess: conditions({ result: "ROLLBACK", rules: [healthy] }) }),
    );
    const good = await start();
    await expect.poll(() => status(good), waiting("the good execution")).toBe("Succeeded");
    const bad = await start([{ name: "Health", value: "degraded" }]);
    await expect.poll(() => status(bad), waiting("the bad execution to fail")).toBe("Failed");
    expect((await findExecution(store.db, bad))?.status_summary).toBe(
      'Stage "Deploy", onSuccess condition, rule "Healthy": "degraded" EQ "ok" is false.',
    );
    const rollback = () =>
      store.db
        .selectFrom("codepipeline_executions")
        .selectAll()
        .where("execution_type", "=", "ROLLBACK")
        .execute();
    await expect.poll(async () => (await rollback()).length, waiting("a rollback execution")).toBe(1);
    const [row] = await rollback();
    expect(row).toMatchObject({ trigger_type: "AutomatedRollback", trigger_detail: bad });
    expect(JSON.parse(row!.rollback_metadata!)).toMatchObject({ rollbackTargetPipelineExecutionId: good });
  });

  const window = rule("BusinessHours", "DeploymentWindow", {
    Cron: "* * 10-11 ? * MON-FRI",
    TimeZone: "Europe/Paris",
  });
  // Monday 7 January 2030, 08:00 UTC: 09:00 in Paris, an hour before the window opens.
  const MONDAY_8_UTC = Date.UTC(2030, 0, 7, 8, 0);
  const OPENS = Date.UTC(2030, 0, 7, 9, 0);

  it("a closed DeploymentWindow holds the execution until the window opens, by a queued timer that outlives a restart", async () => {
    const { store, clock, start, status, stage, rules, restart } = await setup(
      pipeline("window", { beforeEntry: conditions({ result: "FAIL", rules: [window] }) }),
    );
    clock.shift = MONDAY_8_UTC - Date.now();
    const id = await start();
    await expect
      .poll(async () => (await conditionsOf(store.db, id))[0]?.status, waiting("the condition to wait"))
      .toBe("InProgress");
    const [condition] = await conditionsOf(store.db, id);
    expect(Number(condition!.recheck_at)).toBe(OPENS);
    expect(condition!.summary).toContain("it opens at 2030-01-07T09:00:00.000Z");
    const timer = await store.db
      .selectFrom("jobs")
      .select(["run_at"])
      .where("kind", "=", ADVANCE_JOB)
      .where("run_at", "=", OPENS)
      .execute();
    expect(timer).toHaveLength(1);
    expect(await stage(id, "Deploy")).toBeUndefined();
    expect((await rules(id)).map((r) => r.status)).toEqual(["InProgress"]);
    // The server goes away and another starts: the wait lives in the store, not in memory.
    await restart();
    clock.shift = OPENS + 5_000 - Date.now();
    await expect.poll(() => status(id), waiting("the execution to enter and succeed")).toBe("Succeeded");
    expect((await rules(id)).map((r) => r.status)).toEqual(["Succeeded"]);
    expect((await conditionsOf(store.db, id))[0]?.status).toBe("Succeeded");
  });

  it("OverrideStageCondition lets an execution waiting on a closed window through, once", async () => {
    const { rt, store, clock, start, status, rules } = await setup(
      pipeline("override", { beforeEntry: conditions({ result: "FAIL", rules: [window] }) }),
    );
    clock.shift = MONDAY_8_UTC - Date.now();
    const id = await start();
    await expect
      .poll(async () => (await conditionsOf(store.db, id))[0]?.status, waiting("the condition to wait"))
      .toBe("InProgress");
    const override = () =>
      store.transaction((trx) =>
        overrideStageCondition(rt).handler(
          {
            pipelineName: "override",
            stageName: "Deploy",
            pipelineExecutionId: id,
            conditionType: "BEFORE_ENTRY",
          },
          context(trx),
        ),
      );
    await override();
    await expect.poll(() => status(id), waiting("the execution to enter and succeed")).toBe("Succeeded");
    expect(deployed).toContain(id);
    const [condition] = await conditionsOf(store.db, id);
    expect([condition!.status, condition!.overridden_by]).toEqual([
      "Overridden",
      "arn:aws:iam::000000000000:user/release-manager",
    ]);
    expect((await rules(id)).map((r) => r.status)).toEqual(["Abandoned"]);
    await expect(override()).rejects.toMatchObject({ code: "ConditionNotOverridableException" });
  });

  it("stopping an execution that waits on a window cancels the condition and abandons its rule", async () => {
    const { rt, store, clock, start, status, rules } = await setup(
      pipeline("stop", { beforeEntry: conditions({ result: "FAIL", rules: [window] }) }),
    );
    clock.shift = MONDAY_8_UTC - Date.now();
    const id = await start();
    await expect
      .poll(async () => (await conditionsOf(store.db, id))[0]?.status, waiting("the condition to wait"))
      .toBe("InProgress");
    await store.transaction((trx) =>
      stopPipelineExecution(rt).handler({ pipelineName: "stop", pipelineExecutionId: id }, context(trx)),
    );
    await expect.poll(() => status(id), waiting("the execution to stop")).toBe("Stopped");
    expect((await conditionsOf(store.db, id)).map((c) => [c.status, c.recheck_at])).toEqual([
      ["Cancelled", null],
    ]);
    expect((await rules(id)).map((r) => r.status)).toEqual(["Abandoned"]);
  });

  it("a MATCHES pattern that backtracks catastrophically errors the rule instead of hanging the engine", async () => {
    const evil = rule("Evil", "VariableCheck", {
      Variable: "#{variables.Health}",
      Value: "(a+)+$",
      Operator: "MATCHES",
    });
    const { store, start, status } = await setup(
      pipeline("redos", { beforeEntry: conditions({ result: "FAIL", rules: [evil] }) }),
    );
    const id = await start([{ name: "Health", value: `${"a".repeat(40)}!` }]);
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect((await findExecution(store.db, id))?.status_summary).toMatch(
      /^Stage "Deploy", beforeEntry condition, rule "Evil": configuration Value: the pattern took longer than 100 ms/,
    );
    expect((await conditionsOf(store.db, id))[0]?.status).toBe("Errored");
  });

  it("rules this server cannot run (LambdaInvoke) fail the condition with a message saying why", async () => {
    const lambda = rule("Probe", "LambdaInvoke", { FunctionName: "probe" });
    const { store, start, status } = await setup(
      pipeline("lambda", { beforeEntry: conditions({ result: "FAIL", rules: [lambda] }) }),
    );
    const id = await start();
    await expect.poll(() => status(id), waiting("the execution to fail")).toBe("Failed");
    expect((await findExecution(store.db, id))?.status_summary).toBe(
      'Stage "Deploy", beforeEntry condition, rule "Probe": rule provider LambdaInvoke cannot be evaluated here: this server has no Lambda functions to invoke.',
    );
  });
});
