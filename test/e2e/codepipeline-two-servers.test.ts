import { randomBytes } from "node:crypto";
import {
  AcknowledgeJobCommand,
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PollForJobsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionTypeId,
  type Job,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, type CliProcess, type ClientConfig } from "../support/cli.js";
import { startTestPostgres, type TestPostgres } from "../support/postgres.js";
import { hasPostgres } from "../support/server.js";
import { tempDir } from "../support/stores.js";

/**
 * Two `pipewright server` processes on one PostgreSQL database, as a fleet of control planes
 * would run: executions started on either advance on whichever server claims the step, each
 * step once; a server killed with -9 mid-run leaves the other to finish everything.
 *
 * Every action is a custom action run by the test's job workers (one per server, reporting
 * through the other server), so no step needs object bytes: each server keeps blobs in its own
 * data directory (docs/architecture.md, "Running several servers").
 */

const TYPES: ActionTypeId[] = [
  { category: "Source", owner: "Custom", provider: "Tap", version: "1" },
  { category: "Build", owner: "Custom", provider: "Forge", version: "1" },
  { category: "Deploy", owner: "Custom", provider: "Ship", version: "1" },
];
const [TAP, FORGE, SHIP] = TYPES as [ActionTypeId, ActionTypeId, ActionTypeId];
const RUNS = 12;
const ACTIONS = ["Tap", "Left", "Right", "Join", "Ship"];

const PIPELINE: PipelineDeclaration = {
  name: "fleet",
  pipelineType: "V2",
  executionMode: "PARALLEL",
  roleArn: "arn:aws:iam::000000000000:role/pipeline",
  artifactStore: { type: "S3", location: "fleet-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [{ name: "Tap", actionTypeId: TAP, outputArtifacts: [{ name: "Src" }] }],
    },
    {
      name: "Build",
      actions: [
        { name: "Left", actionTypeId: FORGE, runOrder: 1, inputArtifacts: [{ name: "Src" }] },
        { name: "Right", actionTypeId: FORGE, runOrder: 1, inputArtifacts: [{ name: "Src" }] },
        { name: "Join", actionTypeId: FORGE, runOrder: 2, inputArtifacts: [{ name: "Src" }] },
      ],
    },
    {
      name: "Deploy",
      actions: [{ name: "Ship", actionTypeId: SHIP, inputArtifacts: [{ name: "Src" }] }],
    },
  ],
};

interface Server {
  name: string;
  cli: CliProcess;
  cp: CodePipelineClient;
  config: ClientConfig;
  alive: boolean;
}

describe.skipIf(!hasPostgres())("CodePipeline on two servers sharing one PostgreSQL database", () => {
  let postgres: TestPostgres;
  let db: pg.Client;
  const servers: Server[] = [];
  const handedOut: Job[] = [];
  let stopWorkers = false;
  let workers: Promise<void>[] = [];
  const removals: Array<() => void> = [];

  const start = async (name: string, env: NodeJS.ProcessEnv): Promise<Server> => {
    const dir = tempDir(`pipewright-${name}-`);
    removals.push(dir.remove);
    const { cli, config } = await startServerProcess(dir.dir, { env });
    return { name, cli, cp: new CodePipelineClient(config), config, alive: true };
  };
  const other = (s: Server) => servers.find((o) => o !== s && o.alive) ?? servers.find((o) => o.alive)!;

  /** Sends through the other live server; if that one dies on the way, through one still alive. */
  async function report(
    from: Server,
    command: AcknowledgeJobCommand | PutJobSuccessResultCommand,
  ): Promise<void> {
    const via = other(from);
    try {
      await via.cp.send(command as AcknowledgeJobCommand);
    } catch (err) {
      if (via.alive) throw err;
      await report(via, command);
    }
  }

  /** A job worker polling `server`, acknowledging and reporting through the other live server. */
  async function work(server: Server): Promise<void> {
    while (!stopWorkers && server.alive) {
      const jobs: Job[] = [];
      for (const actionTypeId of TYPES) {
        try {
          jobs.push(
            ...((await server.cp.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: 5 }))).jobs ?? []),
          );
        } catch (err) {
          if (server.alive) throw err;
        }
      }
      for (const job of jobs) {
        handedOut.push(job);
        await report(server, new AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }));
        await report(
          server,
          new PutJobSuccessResultCommand({
            jobId: job.id!,
            ...(job.data?.actionTypeId?.category === "Source"
              ? { currentRevision: { revision: `rev-${job.id}`, changeIdentifier: job.id! } }
              : {}),
          }),
        );
      }
      if (jobs.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const env = {
      PIPEWRIGHT_DATABASE_URL: postgres.url,
      PIPEWRIGHT_MASTER_KEY: randomBytes(32).toString("base64"),
    };
    // One after the other: the first creates the schema and the root user the second then finds.
    servers.push(await start("a", env));
    servers.push(await start("b", env));
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    // Every claim of a queued job, by whom: the test's own record, beside the servers' tables.
    await db.query(`
      create table test_claims (kind text not null, owner text not null);
      create function test_record_claim() returns trigger language plpgsql as $$
      begin
        if new.lease_owner is not null and new.lease_owner is distinct from old.lease_owner then
          insert into test_claims values (new.kind, new.lease_owner);
        end if;
        return new;
      end $$;
      create trigger test_claims after update on jobs for each row execute function test_record_claim();
    `);
  }, 120_000);

  afterAll(async () => {
    stopWorkers = true;
    await Promise.allSettled(workers);
    for (const s of servers) {
      s.cp.destroy();
      if (s.cli.child.exitCode === null && s.cli.child.signalCode === null) {
        s.cli.child.kill("SIGTERM");
        await s.cli.exited;
      }
    }
    await db?.end();
    await postgres?.stop();
    for (const remove of removals) remove();
  });

  it("advances executions started on either server, each step once, and finishes them when one server dies", async () => {
    const [a, b] = servers as [Server, Server];
    for (const id of TYPES) {
      const source = id === TAP;
      await a.cp.send(
        new CreateCustomActionTypeCommand({
          category: id.category!,
          provider: id.provider!,
          version: id.version!,
          inputArtifactDetails: { minimumCount: source ? 0 : 1, maximumCount: source ? 0 : 1 },
          outputArtifactDetails: { minimumCount: source ? 1 : 0, maximumCount: source ? 1 : 0 },
        }),
      );
    }
    const s3 = new S3Client({ ...a.config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "fleet-artifacts" }));
    s3.destroy();
    // Created on one server (which starts its first run), started on both, worked through both.
    await b.cp.send(new CreatePipelineCommand({ pipeline: PIPELINE }));
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        servers[i % 2]!.cp.send(new StartPipelineExecutionCommand({ name: "fleet" })),
      ),
    );
    workers = servers.map((s) => work(s));

    // A third of the way through, the first server is killed with -9; the other finishes.
    const total = (RUNS + 1) * ACTIONS.length;
    await expect
      .poll(() => handedOut.length, { timeout: 60_000, interval: 20, message: "a third of the jobs" })
      .toBeGreaterThanOrEqual(Math.floor(total / 3));
    a.alive = false;
    a.cli.child.kill("SIGKILL");
    await a.cli.exited;

    const executions = async () =>
      (await b.cp.send(new ListPipelineExecutionsCommand({ pipelineName: "fleet", maxResults: 100 })))
        .pipelineExecutionSummaries!;
    await expect
      .poll(async () => (await executions()).map((e) => e.status), {
        timeout: 120_000,
        interval: 200,
        message: "every execution to end",
      })
      .toEqual(Array.from({ length: RUNS + 1 }, () => "Succeeded"));
    stopWorkers = true;
    await Promise.all(workers);

    // Each action of each execution ran once: one action execution, one job handed out.
    for (const { pipelineExecutionId } of await executions()) {
      const details = (
        await b.cp.send(
          new ListActionExecutionsCommand({ pipelineName: "fleet", filter: { pipelineExecutionId } }),
        )
      ).actionExecutionDetails!;
      expect(details.map((d) => `${d.actionName}:${d.status}`).sort()).toEqual(
        ACTIONS.map((n) => `${n}:Succeeded`).sort(),
      );
    }
    expect(new Set(handedOut.map((j) => j.id)).size).toBe(handedOut.length);
    const steps = handedOut.map(
      (j) => `${j.data!.pipelineContext!.pipelineExecutionId}/${j.data!.pipelineContext!.action!.name}`,
    );
    expect(new Set(steps).size).toBe(total);
    expect(steps).toHaveLength(total);

    // Both servers advanced executions, and each execution ended once.
    const claimers = await db.query<{ pid: string }>(
      `select distinct split_part(owner, '/', 2) as pid from test_claims where kind = 'codepipeline.advance'`,
    );
    expect(claimers.rows.map((r) => Number(r.pid)).sort()).toEqual([a.cli.child.pid, b.cli.child.pid].sort());
    const ended = await db.query<{ id: string; n: string }>(
      `select detail::json->>'execution-id' as id, count(*) as n from events
        where detail_type = 'CodePipeline Pipeline Execution State Change'
          and detail::json->>'state' = 'SUCCEEDED' group by 1`,
    );
    expect(ended.rows).toHaveLength(RUNS + 1);
    expect(ended.rows.every((r) => Number(r.n) === 1)).toBe(true);
  }, 300_000);
});
