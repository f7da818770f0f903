import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BatchGetBuildsCommand, type Build, type CodeBuildClient } from "@aws-sdk/client-codebuild";
import yauzl from "yauzl";
import yazl from "yazl";
import { extractZip } from "../../src/platform/archive/index.js";
import type { BuildPhase, BuildPhaseType } from "../../src/runner/api.js";
import type { RunBuild } from "../../src/services/codebuild/index.js";

/** Polls BatchGetBuilds until the build is complete (or `until` holds); fails after `timeoutMs`. */
export async function waitForBuild(
  client: CodeBuildClient,
  id: string,
  until: (b: Build) => boolean = (b) => b.buildComplete === true,
  timeoutMs = 20_000,
): Promise<Build> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { builds } = await client.send(new BatchGetBuildsCommand({ ids: [id] }));
    const build = builds?.[0];
    if (build && until(build)) return build;
    if (Date.now() > deadline) throw new Error(`build ${id} did not get there: ${JSON.stringify(build)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once `signal` has aborted (at once if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** A zip holding `files` (name → content), as a Buffer. */
export async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A stand-in for the build engine (another engineer's `runner/build`), driven by the build's `MODE`
 * variable: `ok` fetches the source, logs, reads a parameter, uploads an artifact, exports a
 * variable and succeeds; `hang` waits until aborted; `crash` throws.
 */
export const fakeEngine: RunBuild = async (job, api, { signal }) => {
  const mode = job.environmentVariables.find((v) => v.name === "MODE")?.value ?? "ok";
  const phases: BuildPhase[] = [];
  const begin = async (phaseType: BuildPhaseType) => {
    phases.push({ phaseType, startTime: Date.now(), contexts: [] });
    await api.phasesChanged(job, phases);
  };
  const endLast = (status: "SUCCEEDED" | "STOPPED") => {
    const p = phases[phases.length - 1]!;
    Object.assign(p, { phaseStatus: status, endTime: Date.now(), durationInSeconds: 0 });
  };
  if (mode === "crash") throw new Error("the engine fell over");
  await begin("PROVISIONING");
  endLast("SUCCEEDED");
  await begin("DOWNLOAD_SOURCE");
  const work = mkdtempSync(path.join(os.tmpdir(), "fake-engine-"));
  try {
    const src = path.join(work, "src");
    const fetched = await api.fetchSource(job, job.source, { dir: src, zipFile: path.join(work, "src.zip") });
    if (fetched.kind === "zip") await extractZip(path.join(work, "src.zip"), src);
    endLast("SUCCEEDED");
    await begin("BUILD");
    if (mode === "hang") {
      await api.appendLogs(job, [{ timestamp: Date.now(), message: "waiting forever" }]);
      await untilAborted(signal);
      endLast("STOPPED");
      await api.finish(job, {
        status: "STOPPED",
        phases,
        exportedEnvironmentVariables: [],
        secondaryArtifacts: [],
      });
      return;
    }
    const param = job.environmentVariables.find((v) => v.type === "PARAMETER_STORE");
    const value = param ? await api.getParameter(param.value) : "none";
    let readme = "";
    try {
      readme = readFileSync(path.join(work, "src", "README.txt"), "utf8");
    } catch {
      readme = "(no source)";
    }
    await api.appendLogs(job, [
      { timestamp: Date.now(), message: `source says: ${readme}` },
      { timestamp: Date.now(), message: `parameter is ${value}` },
      { timestamp: Date.now(), message: "build done" },
    ]);
    await api.submitReports(job, [
      {
        reportGroup: "unit",
        fileFormat: "JUNITXML",
        testCases: [
          { testRawDataPath: "report.xml", name: "adds", status: "SUCCEEDED", durationInNanoSeconds: 5 },
          {
            testRawDataPath: "report.xml",
            name: "divides",
            status: "FAILED",
            durationInNanoSeconds: 7,
            message: "1/0",
          },
        ],
      },
    ]);
    endLast("SUCCEEDED");
    await begin("UPLOAD_ARTIFACTS");
    const out = path.join(work, "out.zip");
    writeFileSync(out, await zipOf({ "app.txt": `built ${job.buildNumber}` }));
    const uploaded =
      job.artifacts.type === "S3" ? await api.uploadArtifact(job, job.artifacts, out) : undefined;
    endLast("SUCCEEDED");
    await api.finish(job, {
      status: "SUCCEEDED",
      phases,
      exportedEnvironmentVariables: [{ name: "VERSION", value: `1.0.${job.buildNumber}` }],
      ...(uploaded ? { artifacts: uploaded } : {}),
      secondaryArtifacts: [],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/** The `environment` and `serviceRole` every test project uses (accepted and reported, not pulled). */
export const PROJECT_BASICS = {
  environment: {
    type: "LINUX_CONTAINER",
    image: "aws/codebuild/standard:7.0",
    computeType: "BUILD_GENERAL1_SMALL",
  },
  serviceRole: "arn:aws:iam::000000000000:role/codebuild",
} as const;

/** The files of a zip, by name, as text. */
export async function unzip(buffer: Buffer): Promise<Record<string, string>> {
  return await new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("no zip"));
      const out: Record<string, string> = {};
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out[entry.fileName] = Buffer.concat(chunks).toString();
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.readEntry();
    });
  });
}
