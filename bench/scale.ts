import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  ListBuildsCommand,
  ListBuildsForProjectCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import {
  CodeCommitClient,
  CreatePullRequestCommand,
  CreateRepositoryCommand,
  GetBranchCommand,
  GetPullRequestCommand,
  ListBranchesCommand,
  ListPullRequestsCommand,
} from "@aws-sdk/client-codecommit";
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { CompiledQuery } from "kysely";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer, type RunningServer } from "../src/http/server.js";
import { appendLogEvents } from "../src/services/logs/index.js";
import { credentialUrl, git } from "./codecommit.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

/**
 * `npm run bench -- scale`: does a read cost the same when the store holds 50,000 items of its
 * kind as when it holds 1,000? For each kind, a sample is written through the API (its store cost
 * per item is measured there, as written and again once a retention sweep has pruned its events), the kind is grown to the small size and each read
 * timed, then grown to the large size and timed again. Kinds whose writes are slow to make in bulk
 * through the API (builds run in the sandbox; a pull request needs its own branch) grow by copying
 * the sample's rows with new keys, which is what the reads see either way.
 *
 * `PIPEWRIGHT_BENCH_SCALE_SIZES=small,large` changes the sizes (default 1000,50000).
 */
const [SMALL, LARGE] = (process.env.PIPEWRIGHT_BENCH_SCALE_SIZES ?? "1000,50000").split(",").map(Number) as [
  number,
  number,
];
const CALLS = 200;
const WRITERS = 8;

interface Kind {
  name: string;
  /** Items written through the API to measure the store's cost per item. */
  sample: number;
  /** Writes the sample through the API. */
  seed(): Promise<void>;
  /** Adds items until there are `to`, from `from`. */
  grow(from: number, to: number): Promise<void>;
  reads: Array<[string, () => Promise<unknown>]>;
}

type Row = Record<string, unknown>;

const pad = (i: number) => String(i).padStart(6, "0");

/** Runs `task(i)` for i in [from, to), `parallel` at a time. */
async function each(from: number, to: number, parallel: number, task: (i: number) => Promise<unknown>) {
  let next = from;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < to) await task(next++);
    }),
  );
}

/** Bytes the SQLite database holds in use, after folding the write-ahead log back into it. */
async function storeBytes(server: RunningServer): Promise<number> {
  const db = server.store.db;
  const one = async (pragma: string) =>
    Number(Object.values((await db.executeQuery<Row>(CompiledQuery.raw(`PRAGMA ${pragma}`))).rows[0]!)[0]);
  await db.executeQuery(CompiledQuery.raw("PRAGMA wal_checkpoint(TRUNCATE)"));
  return ((await one("page_count")) - (await one("freelist_count"))) * (await one("page_size"));
}

/** Copies `template` rows of `table` as `count` new rows made by `rewrite`, in batches. */
async function copyRows(
  server: RunningServer,
  table: string,
  templates: readonly Row[],
  from: number,
  to: number,
  rewrite: (template: Row, i: number) => Row,
): Promise<void> {
  const db = server.store.db;
  for (let start = from; start < to; start += 500) {
    const batch: Row[] = [];
    for (let i = start; i < Math.min(to, start + 500); i++)
      batch.push(rewrite(templates[i % templates.length]!, i));
    const columns = Object.keys(batch[0]!);
    const placeholders = `(${columns.map(() => "?").join(", ")})`;
    await db.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${batch.map(() => placeholders).join(", ")}`,
        batch.flatMap((row) => columns.map((c) => row[c])),
      ),
    );
  }
}

async function rowsOf(server: RunningServer, query: string, parameters: unknown[] = []): Promise<Row[]> {
  return (await server.store.db.executeQuery<Row>(CompiledQuery.raw(query, parameters))).rows;
}

async function timeRead(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return percentile(samples, 50);
}

function parameters(server: RunningServer, config: object): Kind {
  const ssm = new SSMClient(config);
  const name = (i: number) => `/scale/g${i % 100}/p${pad(i)}`;
  const put = (i: number) =>
    ssm.send(new PutParameterCommand({ Name: name(i), Value: `v${i}`, Type: "String" }));
  return {
    name: "parameters",
    sample: 200,
    seed: () => each(0, 200, WRITERS, put),
    grow: (from, to) => each(from, to, WRITERS, put),
    reads: [
      ["GetParameter", () => ssm.send(new GetParameterCommand({ Name: name(7) }))],
      [
        "DescribeParameters, first page of 10",
        () => ssm.send(new DescribeParametersCommand({ MaxResults: 10 })),
      ],
      [
        "GetParametersByPath /scale recursive, first page",
        () => ssm.send(new GetParametersByPathCommand({ Path: "/scale", Recursive: true, MaxResults: 10 })),
      ],
      [
        "DescribeParameters Name BeginsWith, first page",
        () =>
          ssm.send(
            new DescribeParametersCommand({
              MaxResults: 10,
              ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/scale/g5/"] }],
            }),
          ),
      ],
    ],
  };
}

function secrets(config: object): Kind {
  const sm = new SecretsManagerClient(config);
  const name = (i: number) => `scale/s${pad(i)}`;
  const create = (i: number) =>
    sm.send(new CreateSecretCommand({ Name: name(i), SecretString: `secret-${i}` }));
  return {
    name: "secrets",
    sample: 200,
    seed: () => each(0, 200, WRITERS, create),
    grow: (from, to) => each(from, to, WRITERS, create),
    reads: [
      ["GetSecretValue", () => sm.send(new GetSecretValueCommand({ SecretId: name(7) }))],
      ["DescribeSecret", () => sm.send(new DescribeSecretCommand({ SecretId: name(7) }))],
      ["ListSecrets, first page of 10", () => sm.send(new ListSecretsCommand({ MaxResults: 10 }))],
    ],
  };
}

function objects(config: object): Kind {
  const s3 = new S3Client(config);
  const key = (i: number) => `k/${pad(i)}`;
  const put = (i: number) => s3.send(new PutObjectCommand({ Bucket: "scale", Key: key(i), Body: `o${i}` }));
  return {
    name: "objects",
    sample: 200,
    seed: async () => {
      await s3.send(new CreateBucketCommand({ Bucket: "scale" }));
      await each(0, 200, WRITERS, put);
    },
    grow: (from, to) => each(from, to, WRITERS, put),
    reads: [
      ["HeadObject", () => s3.send(new HeadObjectCommand({ Bucket: "scale", Key: key(7) }))],
      [
        "ListObjectsV2, first page of 100",
        () => s3.send(new ListObjectsV2Command({ Bucket: "scale", MaxKeys: 100 })),
      ],
      [
        "ListObjectsV2 with a delimiter",
        () => s3.send(new ListObjectsV2Command({ Bucket: "scale", Prefix: "k/0001", Delimiter: "/" })),
      ],
    ],
  };
}

/** Log streams are written by builds, not by a public API here: the bench appends as a build does. */
function logStreams(server: RunningServer, config: object): Kind {
  const logs = new CloudWatchLogsClient(config);
  const group = "/scale/streams";
  const stream = (i: number) => `s${pad(i)}`;
  const append = (i: number) =>
    appendLogEvents(server.store.db, {
      accountId: server.config.accountId,
      region: server.config.region,
      group,
      stream: stream(i),
      lines: Array.from({ length: 3 }, (_, k) => ({
        timestamp: Date.now(),
        message: `stream ${i} line ${k}`,
      })),
    });
  return {
    name: "log streams",
    sample: 200,
    seed: () => each(0, 200, 1, append),
    grow: (from, to) => each(from, to, 1, append),
    reads: [
      [
        "DescribeLogStreams, first page of 50",
        () => logs.send(new DescribeLogStreamsCommand({ logGroupName: group, limit: 50 })),
      ],
      [
        "DescribeLogStreams by prefix",
        () =>
          logs.send(
            new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: "s0001", limit: 50 }),
          ),
      ],
      [
        "GetLogEvents of one stream",
        () =>
          logs.send(
            new GetLogEventsCommand({ logGroupName: group, logStreamName: stream(7), startFromHead: true }),
          ),
      ],
    ],
  };
}

/** A local clone of `url` with one commit on main, pushed. */
async function seedRepository(dir: string, url: string): Promise<string> {
  const work = path.join(dir, "work");
  await git(["init", "-q", "-b", "main", work]);
  writeFileSync(path.join(work, "README"), "scale\n");
  await git(["add", "README"], work);
  await git(["commit", "-q", "-m", "first"], work);
  await git(["push", "-q", url, "main"], work);
  return work;
}

/** Applies `git update-ref --stdin` commands to the repository at `gitDir`. */
function updateRefs(gitDir: string, commands: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn("git", ["--git-dir", gitDir, "update-ref", "--stdin"], {
      stdio: ["pipe", "ignore", "inherit"],
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`update-ref exited ${code}`))));
    child.stdin.end(commands);
  });
}

/** Creates branches `prefix<i>` for i in [from, to) at HEAD with `git update-ref --stdin`, then pushes them. */
async function pushBranches(
  work: string,
  url: string,
  prefix: string,
  from: number,
  to: number,
  commit?: boolean,
) {
  for (let start = from; start < to; start += 5000) {
    const end = Math.min(to, start + 5000);
    const lines = Array.from(
      { length: end - start },
      (_, k) => `create refs/heads/${prefix}${pad(start + k)} HEAD\n`,
    );
    if (commit) {
      // Branches a pull request can come from: each one commit ahead of main.
      for (let i = start; i < end; i++) {
        await git(["checkout", "-q", "-B", `${prefix}${pad(i)}`, "main"], work);
        writeFileSync(path.join(work, "change"), `${i}\n`);
        await git(["add", "change"], work);
        await git(["commit", "-q", "-m", `change ${i}`], work);
      }
      await git(["checkout", "-q", "main"], work);
    } else {
      await updateRefs(path.join(work, ".git"), lines.join(""));
    }
    await git(["push", "-q", url, `refs/heads/${prefix}*:refs/heads/${prefix}*`], work);
  }
}

function branches(server: RunningServer, dir: string, config: object, url: (name: string) => string): Kind {
  const scope = { accountId: server.config.accountId, region: server.config.region };
  const cc = new CodeCommitClient(config);
  let work = "";
  return {
    name: "branches",
    sample: 200,
    seed: async () => {
      await cc.send(new CreateRepositoryCommand({ repositoryName: "scale-branches" }));
      work = await seedRepository(path.join(dir, "branches"), url("scale-branches"));
      await pushBranches(work, url("scale-branches"), "b", 0, 200);
    },
    // The load past the sample skips the client: git's send-pack takes minutes for each 5,000 refs
    // pushed into a repository that has tens of thousands. The refs are written into the server's
    // bare repository and recorded by the same comparison that follows every push.
    grow: async (from, to) => {
      const repo = await server.codecommit.git.findRepository(scope, "scale-branches");
      for (let start = from; start < to; start += 5000) {
        const end = Math.min(to, start + 5000);
        const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
        const lines = Array.from(
          { length: end - start },
          (_, k) => `create refs/heads/b${pad(start + k)} ${head}\n`,
        );
        await updateRefs(repo!.gitDir, lines.join(""));
        await server.codecommit.git.recordPush(repo!.repositoryId, `arn:aws:iam::${scope.accountId}:root`);
      }
    },
    reads: [
      [
        "GetBranch",
        () => cc.send(new GetBranchCommand({ repositoryName: "scale-branches", branchName: "b000007" })),
      ],
      [
        "ListBranches, first page",
        () => cc.send(new ListBranchesCommand({ repositoryName: "scale-branches" })),
      ],
    ],
  };
}

function pullRequests(
  server: RunningServer,
  dir: string,
  config: object,
  url: (name: string) => string,
): Kind {
  const cc = new CodeCommitClient(config);
  const repo = "scale-pulls";
  const SAMPLE = 20;
  return {
    name: "pull requests",
    sample: SAMPLE,
    seed: async () => {
      await cc.send(new CreateRepositoryCommand({ repositoryName: repo }));
      const work = await seedRepository(path.join(dir, "pulls"), url(repo));
      await pushBranches(work, url(repo), "pr", 0, SAMPLE, true);
      for (let i = 0; i < SAMPLE; i++) {
        await cc.send(
          new CreatePullRequestCommand({
            title: `change ${i}`,
            targets: [{ repositoryName: repo, sourceReference: `pr${pad(i)}`, destinationReference: "main" }],
          }),
        );
      }
    },
    // More pull requests of the same repository: copies of the sample's rows under new ids.
    grow: async (from, to) => {
      const prs = await rowsOf(server, "SELECT * FROM codecommit_pull_requests ORDER BY number LIMIT ?", [
        SAMPLE,
      ]);
      const events = await rowsOf(
        server,
        "SELECT * FROM codecommit_pull_request_events WHERE pull_request_id = ? ORDER BY seq",
        [prs[0]!.pull_request_id],
      );
      const last = Number(
        (await rowsOf(server, "SELECT max(number) AS n FROM codecommit_pull_requests"))[0]!.n,
      );
      const id = (i: number) => last + 1 + i - from;
      await copyRows(server, "codecommit_pull_requests", prs, from, to, (t, i) => ({
        ...t,
        pull_request_id: String(id(i)),
        number: id(i),
        client_request_token: null,
        request_fingerprint: null,
      }));
      const perPull = events.length;
      await copyRows(
        server,
        "codecommit_pull_request_events",
        Array.from({ length: (to - from) * perPull }, (_, k) => events[k % perPull]!),
        0,
        (to - from) * perPull,
        (t, k) => {
          const { seq: _seq, ...rest } = t;
          return { ...rest, pull_request_id: String(id(from + Math.floor(k / perPull))) };
        },
      );
      await rowsOf(server, "UPDATE codecommit_pull_request_counters SET last_id = ?", [id(to - 1)]);
    },
    reads: [
      ["GetPullRequest", () => cc.send(new GetPullRequestCommand({ pullRequestId: "7" }))],
      ["ListPullRequests, first page", () => cc.send(new ListPullRequestsCommand({ repositoryName: repo }))],
      [
        "ListPullRequests OPEN, first page",
        () => cc.send(new ListPullRequestsCommand({ repositoryName: repo, pullRequestStatus: "OPEN" })),
      ],
    ],
  };
}

function builds(server: RunningServer, config: object): Kind {
  const cb = new CodeBuildClient(config);
  const SAMPLE = 20;
  let first = "";
  return {
    name: "builds",
    sample: SAMPLE,
    seed: async () => {
      await cb.send(
        new CreateProjectCommand({
          name: "scale",
          source: {
            type: "NO_SOURCE",
            buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n",
          },
          artifacts: { type: "NO_ARTIFACTS" },
          environment: { type: "LINUX_CONTAINER", image: "local", computeType: "BUILD_GENERAL1_SMALL" },
          serviceRole: "arn:aws:iam::000000000000:role/scale",
        }),
      );
      const ids: string[] = [];
      for (let i = 0; i < SAMPLE; i++)
        ids.push((await cb.send(new StartBuildCommand({ projectName: "scale" }))).build!.id!);
      first = ids[0]!;
      for (;;) {
        const { builds: got } = await cb.send(new BatchGetBuildsCommand({ ids }));
        if (got!.every((b) => b.buildComplete)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    // More finished builds of the project: copies of the sample's rows under new ids and numbers.
    grow: async (from, to) => {
      const templates = await rowsOf(
        server,
        "SELECT * FROM codebuild_builds WHERE project_name = 'scale' LIMIT ?",
        [SAMPLE],
      );
      const counter = Number(
        (await rowsOf(server, "SELECT build_counter FROM codebuild_projects WHERE name = 'scale'"))[0]!
          .build_counter,
      );
      const number = (i: number) => counter + 1 + i - from;
      await copyRows(server, "codebuild_builds", templates, from, to, (t, i) => {
        const id = `scale:${crypto.randomUUID()}`;
        const doc = JSON.parse(String(t.doc).split(String(t.id)).join(id)) as Row;
        if ("buildNumber" in doc) doc.buildNumber = number(i);
        return { ...t, id, build_number: number(i), idempotency_token: null, doc: JSON.stringify(doc) };
      });
      await rowsOf(server, "UPDATE codebuild_projects SET build_counter = ? WHERE name = 'scale'", [
        number(to - 1),
      ]);
    },
    reads: [
      ["BatchGetBuilds of one", () => cb.send(new BatchGetBuildsCommand({ ids: [first] }))],
      [
        "ListBuildsForProject, first page",
        () => cb.send(new ListBuildsForProjectCommand({ projectName: "scale" })),
      ],
      ["ListBuilds, first page", () => cb.send(new ListBuildsCommand({}))],
    ],
  };
}

/** The scaling benchmark: each kind's reads at SMALL and LARGE items, and the store's cost per item. */
export async function benchScale(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-scale-"));
  const server = await startServer(
    loadServerConfig({ port: 0, sshPort: 0, dataDir: path.join(dir, "data"), eventRetentionHours: 0 }, {}),
    {
      logger: createLogger({ level: "silent" }),
    },
  );
  const config = {
    endpoint: server.url,
    region: "us-east-1",
    credentials: {
      accessKeyId: server.credentials.accessKeyId,
      secretAccessKey: server.credentials.secretAccessKey,
    },
    forcePathStyle: true,
  };
  const url = await credentialUrl(server.url, config);
  const only = process.env.PIPEWRIGHT_BENCH_SCALE_KINDS?.split(",");
  const kinds = [
    parameters(server, config),
    secrets(config),
    objects(config),
    logStreams(server, config),
    pullRequests(server, dir, config, url),
    builds(server, config),
    // Last: recording 50,000 new refs is the slowest part of the load.
    branches(server, dir, config, url),
  ].filter((kind) => !only || only.includes(kind.name));
  const rows: BenchRow[] = [];
  try {
    for (const kind of kinds) {
      process.stderr.write(`bench: scale: ${kind.name}…\n`);
      // Sweep first, so that the events of kinds measured earlier are not counted against this one.
      await server.retention.sweep();
      const before = await storeBytes(server);
      await kind.seed();
      const written = ((await storeBytes(server)) - before) / kind.sample;
      // With a retention of 0, a sweep removes the sample's events once every subscriber has them.
      await new Promise((r) => setTimeout(r, 1000));
      await server.retention.sweep();
      const kept = ((await storeBytes(server)) - before) / kind.sample;
      await kind.grow(kind.sample, SMALL);
      const small = [];
      for (const [, call] of kind.reads) small.push(await timeRead(call));
      const started = performance.now();
      await kind.grow(SMALL, LARGE);
      process.stderr.write(
        `bench: scale: ${kind.name} grew to ${LARGE} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
      for (const [k, [read, call]] of kind.reads.entries()) {
        const large = await timeRead(call);
        rows.push({
          name: `${kind.name}: ${read}, p50 at ${LARGE.toLocaleString("en")}`,
          value: fmtMs(large),
          baseline: `${fmtMs(small[k]!)} at ${SMALL.toLocaleString("en")}`,
          ratio: fmtRatio(large, small[k]!),
          target: "≤ 1.5×",
        });
      }
      rows.push({
        name: `${kind.name}: store per item, once its events are pruned`,
        value: `${(kept / 1024).toFixed(1)} KB`,
        baseline: `${(written / 1024).toFixed(1)} KB as written (${kind.sample} through the API)`,
        ratio: fmtRatio(kept, written),
        target: kind.name === "builds" ? "< 8 KB" : "—",
      });
      // Each kind's rows as soon as they are measured: a long run that is stopped keeps what it has.
      for (const row of rows.slice(-kind.reads.length - 1))
        process.stderr.write(`bench: ${JSON.stringify(row)}\n`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
