import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { errorMessage, isServiceError } from "../../core/index.js";
import type { ArtifactsTarget, BuildJob, BuildSource, FetchedSource, RunnerApi } from "../../runner/api.js";
import { appendLogEvents } from "../logs/index.js";
import { getSecretValue } from "../secretsmanager/index.js";
import { getParameterValue } from "../ssm/index.js";
import { artifactKey, artifactLocation } from "./artifact-keys.js";
import { docOf, loadBuild, type BuildRow } from "./build-rows.js";
import { fetchCodeCommitSource } from "./codecommit-source.js";
import type { CodeBuildRuntime } from "./deps.js";
import { RunnerApiError } from "./errors.js";
import { finishBuild, reportPhases } from "./lifecycle.js";
import { submitReports } from "./report-store.js";
import { putZipEntries } from "./artifact-upload.js";

/** The {@link BuildJob} a runner needs for a build row; `endpointUrl` is the server's own URL. */
export function toBuildJob(row: BuildRow, endpointUrl?: string): BuildJob {
  const doc = docOf(row);
  const source = (s: typeof doc.source): BuildSource => ({
    type: s.type as BuildSource["type"],
    ...(s.location ? { location: s.location } : {}),
    ...(s.buildspec ? { buildspec: s.buildspec } : {}),
    ...(s.sourceIdentifier ? { sourceIdentifier: s.sourceIdentifier } : {}),
    ...(s.gitCloneDepth !== undefined ? { gitCloneDepth: s.gitCloneDepth } : {}),
  });
  const target = (a: typeof doc.artifactsTarget): ArtifactsTarget => ({
    type: a.type,
    ...(a.location ? { location: a.location } : {}),
    ...(a.path ? { path: a.path } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.namespaceType ? { namespaceType: a.namespaceType } : {}),
    ...(a.packaging ? { packaging: a.packaging } : {}),
    ...(a.overrideArtifactName !== undefined ? { overrideArtifactName: a.overrideArtifactName } : {}),
    ...(a.artifactIdentifier ? { artifactIdentifier: a.artifactIdentifier } : {}),
  });
  return {
    buildId: row.id,
    buildArn: doc.arn,
    buildNumber: row.build_number,
    projectName: row.project_name,
    projectArn: doc.projectArn,
    accountId: row.account_id,
    region: row.region,
    initiator: doc.initiator,
    source: { ...source(doc.source), ...(doc.sourceVersion ? { sourceVersion: doc.sourceVersion } : {}) },
    secondarySources: doc.secondarySources.map((s) => {
      const version = doc.secondarySourceVersions.find((v) => v.sourceIdentifier === s.sourceIdentifier);
      return { ...source(s), ...(version ? { sourceVersion: version.sourceVersion } : {}) };
    }),
    ...(doc.sourceVersion ? { sourceVersion: doc.sourceVersion } : {}),
    environmentVariables: doc.environment.environmentVariables,
    image: doc.environment.image,
    computeType: doc.environment.computeType,
    privilegedMode: doc.environment.privilegedMode ?? false,
    // AWS's vpcConfig gives a build the private network: here, the host's, loopback included.
    network: doc.vpcConfig ? "host" : "isolated",
    timeoutInMinutes: doc.timeoutInMinutes,
    artifacts: target(doc.artifactsTarget),
    secondaryArtifacts: doc.secondaryArtifactsTargets.map(target),
    cache: { type: doc.cache.type, ...(doc.cache.location ? { location: doc.cache.location } : {}) },
    startTime: row.start_time,
    ...(endpointUrl ? { endpointUrl } : {}),
  };
}

/** Loads the {@link BuildJob} of a build id; undefined when the build does not exist. */
export async function loadBuildJob(rt: CodeBuildRuntime, buildId: string): Promise<BuildJob | undefined> {
  const row = await loadBuild(rt.store.db, buildId);
  return row ? toBuildJob(row, rt.publicUrl()) : undefined;
}

function splitBucketKey(location: string): { bucket: string; key: string } {
  const slash = location.indexOf("/");
  if (slash <= 0) throw new RunnerApiError(`S3 location ${location} is not <bucket>/<key>`);
  return { bucket: location.slice(0, slash), key: location.slice(slash + 1) };
}

/** Writes the build's `resolvedSourceVersion` (read and written in one transaction beside phase reports). */
async function recordResolvedVersion(rt: CodeBuildRuntime, buildId: string, version: string): Promise<void> {
  await rt.store.transaction(async (trx) => {
    const row = await loadBuild(trx, buildId);
    if (!row) return;
    const doc = docOf(row);
    doc.resolvedSourceVersion = version;
    await trx
      .updateTable("codebuild_builds")
      .set({ doc: JSON.stringify(doc) })
      .where("id", "=", buildId)
      .execute();
  });
}

/** The embedded runner's {@link RunnerApi}: in-process calls into this service, one per build. */
export function createRunnerApi(
  rt: CodeBuildRuntime,
  scope: { accountId: string; region: string },
): RunnerApi {
  const logTargets = new Map<string, Promise<ReturnType<typeof docOf>["logs"] | undefined>>();
  const putFile = async (bucket: string, key: string, file: string) => {
    const result = await rt.s3.putObject({
      bucket,
      key,
      body: { stream: createReadStream(file), digests: ["sha256"], verify: () => undefined },
      headers: {},
      metadata: {},
    });
    return result;
  };
  const fetchAnySource = async (
    source: BuildSource,
    target: { dir: string; zipFile: string },
  ): Promise<FetchedSource> => {
    switch (source.type) {
      case "NO_SOURCE":
        return { kind: "none" };
      // A pipeline's input artifact is a zip in its artifact store, fetched as an S3 source is.
      case "CODEPIPELINE":
      case "S3": {
        const { bucket, key } = splitBucketKey(source.location ?? "");
        try {
          const opened = await rt.s3.getObject({ bucket, key });
          await pipeline(opened.body, createWriteStream(target.zipFile, { mode: 0o600 }));
          return { kind: "zip", resolvedSourceVersion: opened.info.etag.replace(/"/g, "") };
        } catch (err) {
          throw new RunnerApiError(`could not read the source s3://${bucket}/${key}: ${errorMessage(err)}`, {
            cause: err,
          });
        }
      }
      case "CODECOMMIT": {
        await mkdir(target.dir, { recursive: true });
        const checkedOut = await fetchCodeCommitSource(rt.codecommit, scope, source, target.dir);
        return { kind: "directory", ...checkedOut };
      }
      default:
        throw new RunnerApiError(`source type ${source.type} cannot be fetched by this server yet`);
    }
  };
  return {
    async fetchSource(job, source, target) {
      const fetched = await fetchAnySource(source, target);
      // AWS: `resolvedSourceVersion` is the primary source's commit id for git sources, and does
      // not apply to S3 sources.
      if (
        fetched.resolvedSourceVersion &&
        source.type === "CODECOMMIT" &&
        source.sourceIdentifier === job.source.sourceIdentifier
      ) {
        await recordResolvedVersion(rt, job.buildId, fetched.resolvedSourceVersion);
      }
      return fetched;
    },

    async getParameter(name) {
      try {
        return (await getParameterValue(rt.store.db, rt.envelope, { ...scope, name })).value;
      } catch (err) {
        throw new RunnerApiError(
          `Parameter Store parameter ${name} could not be read: ${errorMessage(err)}`,
          { cause: err },
        );
      }
    },
    async getSecret(ref) {
      try {
        return (await getSecretValue(rt.store.db, rt.envelope, { ...scope, ...ref })).value;
      } catch (err) {
        throw new RunnerApiError(
          `Secrets Manager secret ${ref.secretId} could not be read: ${errorMessage(err)}`,
          { cause: err },
        );
      }
    },
    phasesChanged: (job, phases) => reportPhases(rt, job.buildId, phases),
    async appendLogs(job, lines) {
      // The build's log target is fixed when it starts: read it once, not once per batch of lines.
      let target = logTargets.get(job.buildId);
      if (!target) {
        target = loadBuild(rt.store.db, job.buildId).then((row) => (row ? docOf(row).logs : undefined));
        logTargets.set(job.buildId, target);
      }
      const logs = await target;
      if (!logs) return;
      // Lines are kept only where AWS would keep them: CloudWatch Logs disabled means no stream.
      if (logs.cloudWatchLogs?.status === "DISABLED") return;
      await appendLogEvents(rt.store.db, {
        ...scope,
        group: logs.groupName,
        stream: logs.streamName,
        lines,
        now: rt.clock.now(),
      });
    },
    async uploadArtifact(job, target, zipFile) {
      if (target.type !== "S3" || !target.location) {
        throw new RunnerApiError(`artifacts of type ${target.type} cannot be uploaded by this server yet`);
      }
      const uuid = job.buildId.slice(job.buildId.lastIndexOf(":") + 1);
      const key = artifactKey(target, uuid);
      if (target.packaging === "ZIP") {
        const put = await putFile(target.location, key, zipFile);
        return { location: artifactLocation(target.location, key), md5sum: put.etag.replace(/"/g, "") };
      }
      await putZipEntries(rt.s3, { bucket: target.location, prefix: key, zipFile });
      return { location: artifactLocation(target.location, key) };
    },
    submitReports: (job, reports) => submitReports(rt, job, reports),
    async restoreCache(job, zipFile) {
      if (job.cache.type === "S3") {
        const { bucket, key } = s3CacheObject(job);
        let opened: Awaited<ReturnType<typeof rt.s3.getObject>>;
        try {
          opened = await rt.s3.getObject({ bucket, key });
        } catch (err) {
          // No cache object yet: the project's first build, as on AWS.
          if (isServiceError(err) && err.code === "NoSuchKey") return false;
          throw new RunnerApiError(`could not read the cache s3://${bucket}/${key}: ${errorMessage(err)}`, {
            cause: err,
          });
        }
        await pipeline(opened.body, createWriteStream(zipFile, { mode: 0o600 }));
        return true;
      }
      try {
        await copyFile(localCacheFile(rt, job), zipFile);
        return true;
      } catch {
        return false;
      }
    },
    async saveCache(job, zipFile) {
      if (job.cache.type === "S3") {
        const { bucket, key } = s3CacheObject(job);
        await putFile(bucket, key, zipFile);
        return;
      }
      const to = localCacheFile(rt, job);
      await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
      // Replaced whole: a build that reads the cache meanwhile gets the old one or the new one.
      await copyFile(zipFile, `${to}.new`);
      await rename(`${to}.new`, to);
    },
    finish: (job, outcome) => finishBuild(rt, job.buildId, outcome),
  };
}

/**
 * A project's S3 cache: one zip per project under the cache location (`bucket` or `bucket/prefix`),
 * restored before INSTALL and replaced after each build.
 */
function s3CacheObject(job: BuildJob): { bucket: string; key: string } {
  const location = job.cache.location ?? "";
  const slash = location.indexOf("/");
  const bucket = slash < 0 ? location : location.slice(0, slash);
  const prefix = slash < 0 ? "" : location.slice(slash + 1).replace(/\/+$/, "");
  if (!bucket)
    throw new RunnerApiError("the project's S3 cache has no location (<bucket> or <bucket>/<prefix>)");
  return { bucket, key: `${prefix ? `${prefix}/` : ""}${job.projectName}-codebuild-cache.zip` };
}

/** A project's LOCAL cache: one zip under the data directory per account, region and project. */
function localCacheFile(rt: CodeBuildRuntime, job: BuildJob): string {
  return path.join(rt.dataDir, "codebuild-cache", job.accountId, job.region, job.projectName, "cache.zip");
}
