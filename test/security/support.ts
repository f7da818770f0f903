/**
 * What the security suites share: a real server with the real engine and sandbox, driven with the
 * AWS SDK as an attacker would — someone who may create projects and push buildspecs, and nothing
 * more — and checks of what reached the host.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
  type Build,
  type ProjectCache,
} from "@aws-sdk/client-codebuild";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import yazl from "yazl";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS, unzip, waitForBuild } from "../e2e/codebuild-support.js";

/** A file of a zip to build from: text, or a symbolic link. */
export type ZipItem = string | { link: string } | { mode: number; content: string };

/**
 * A zip (as a Buffer) of `items`, names as given — `../x` and `/etc/x` included, the point of some
 * tests. yazl refuses to write such names, so they are written as placeholders of the same length
 * and patched in the bytes afterwards (a zip's CRCs cover contents, not names).
 */
export async function zipWith(items: Record<string, ZipItem>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: Array<[string, string]> = [];
  for (const [name, item] of Object.entries(items)) {
    let stored = name;
    if (name.startsWith("/") || name.split("/").includes("..")) {
      stored = `Q${patches.length}`.padEnd(name.length, "q");
      patches.push([stored, name]);
    }
    if (typeof item === "string") zip.addBuffer(Buffer.from(item), stored, { mode: 0o100644 });
    else if ("link" in item) zip.addBuffer(Buffer.from(item.link), stored, { mode: 0o120777 });
    else zip.addBuffer(Buffer.from(item.content), stored, { mode: 0o100000 | item.mode });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [placeholder, name] of patches) {
    bytes = Buffer.from(bytes.toString("latin1").replaceAll(placeholder, name), "latin1");
  }
  return bytes;
}

/** A buildspec running `commands` in its build phase, followed by `more` lines (artifacts:, cache:, …). */
export function buildspecOf(commands: string[], more: string[] = []): string {
  const header = ["version: 0.2", "phases:", "  build:", "    commands:"];
  return [...header, ...commands.map((c) => `      - ${JSON.stringify(c)}`), ...more].join("\n");
}

/** One build's project settings. */
export interface BuildSpecOptions {
  buildspec: string;
  /** Source files (a zip in S3); default NO_SOURCE with the buildspec inline. */
  source?: Record<string, ZipItem>;
  /** Artifacts to S3 bucket `artifacts` with this packaging; default none. */
  artifacts?: "ZIP" | "NONE";
  cache?: ProjectCache;
  vpcConfig?: { vpcId: string; subnets: string[]; securityGroupIds: string[] };
  /** Minutes; default 5. */
  timeoutInMinutes?: number;
  /** The project's environment variables (PLAINTEXT). */
  environmentVariables?: Record<string, string>;
}

/** What a build did. */
export interface BuildResult {
  build: Build;
  log: string;
  /** The artifact objects under the build's key, name → text (a ZIP artifact is unzipped). */
  artifact: Record<string, string>;
}

/** A server and clients for attacking it through its API. */
export class Harness {
  private count = 0;
  readonly codebuild: CodeBuildClient;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;

  private constructor(readonly server: TestServer) {
    this.codebuild = new CodeBuildClient(server.clientConfig);
    this.s3 = new S3Client(server.clientConfig);
    this.logs = new CloudWatchLogsClient(server.clientConfig);
  }

  static async start(config: Parameters<typeof startTestServer>[0] = {}): Promise<Harness> {
    const server = await startTestServer(config);
    const harness = new Harness(server);
    await harness.s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
    await harness.s3.send(new CreateBucketCommand({ Bucket: "sources" }));
    return harness;
  }

  async stop(): Promise<void> {
    this.codebuild.destroy();
    this.s3.destroy();
    this.logs.destroy();
    await this.server.stop();
  }

  /** Creates a project for `options` and starts a build; returns the build id. */
  async start(options: BuildSpecOptions): Promise<{ id: string; project: string }> {
    const project = `attack-${++this.count}`;
    let source: { type: "NO_SOURCE" | "S3"; location?: string; buildspec?: string };
    if (options.source) {
      const key = `${project}.zip`;
      await this.s3.send(
        new PutObjectCommand({ Bucket: "sources", Key: key, Body: await zipWith(options.source) }),
      );
      source = { type: "S3", location: `sources/${key}`, buildspec: options.buildspec };
    } else {
      source = { type: "NO_SOURCE", buildspec: options.buildspec };
    }
    await this.codebuild.send(
      new CreateProjectCommand({
        name: project,
        source,
        artifacts: options.artifacts
          ? { type: "S3", location: "artifacts", name: project, packaging: options.artifacts }
          : { type: "NO_ARTIFACTS" },
        ...(options.cache ? { cache: options.cache } : {}),
        ...(options.vpcConfig ? { vpcConfig: options.vpcConfig } : {}),
        timeoutInMinutes: options.timeoutInMinutes ?? 5,
        ...PROJECT_BASICS,
        environment: {
          ...PROJECT_BASICS.environment,
          environmentVariables: Object.entries(options.environmentVariables ?? {}).map(([name, value]) => ({
            name,
            value,
            type: "PLAINTEXT" as const,
          })),
        },
      }),
    );
    const { build } = await this.codebuild.send(new StartBuildCommand({ projectName: project }));
    return { id: build!.id!, project };
  }

  /** Runs a build to the end and collects its log and artifact. */
  async run(options: BuildSpecOptions, timeoutMs = 90_000): Promise<BuildResult> {
    const { id, project } = await this.start(options);
    const build = await waitForBuild(this.codebuild, id, undefined, timeoutMs);
    return { build, log: await this.logText(build), artifact: await this.artifactOf(project, options) };
  }

  async logText(build: Build): Promise<string> {
    const out = await this.logs.send(
      new GetLogEventsCommand({
        logGroupName: build.logs!.groupName!,
        logStreamName: build.logs!.streamName!,
        startFromHead: true,
      }),
    );
    return (out.events ?? []).map((e) => e.message).join("\n");
  }

  private async artifactOf(project: string, options: BuildSpecOptions): Promise<Record<string, string>> {
    if (!options.artifacts) return {};
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: "artifacts", Prefix: project }));
    const files: Record<string, string> = {};
    for (const object of listed.Contents ?? []) {
      const got = await this.s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: object.Key! }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      if (options.artifacts === "ZIP") Object.assign(files, await unzip(bytes));
      else files[object.Key!.slice(project.length + 1)] = bytes.toString("utf8");
    }
    return files;
  }

  /** The server's secrets: what no build may ever get hold of. */
  secrets(): string[] {
    const dataDir = this.server.dataDir;
    return [
      readFileSync(path.join(dataDir, "master.key"), "utf8").trim(),
      this.server.credentials.secretAccessKey,
    ];
  }
}

/** A text that holds none of `secrets`; the assertion's message names which one leaked. */
export function leaked(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

/** Every file under `dir` (no links followed) with its SHA-256, to compare before and after. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, child);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.set(child, createHash("sha256").update(readFileSync(full)).digest("hex"));
      else
        out.set(
          child,
          `${entry.isSymbolicLink() ? "link" : "other"} ${statSync(full, { throwIfNoEntry: false })?.mode ?? ""}`,
        );
    }
  };
  walk("");
  return out;
}

/** The phase a build failed in, and its context message. */
export function failure(build: Build): { phase: string; status: string; message: string } | undefined {
  const phase = build.phases?.find((p) => p.phaseStatus && p.phaseStatus !== "SUCCEEDED");
  if (!phase) return undefined;
  return {
    phase: phase.phaseType!,
    status: phase.phaseStatus!,
    message: phase.contexts?.map((c) => `${c.statusCode}: ${c.message}`).join("; ") ?? "",
  };
}
