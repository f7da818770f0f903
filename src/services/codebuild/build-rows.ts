import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";
import type { BuildPhase, BuildStatus, EnvironmentVariable } from "../../runner/api.js";
import type {
  LogsConfig,
  ProjectArtifacts,
  ProjectCache,
  ProjectEnvironment,
  ProjectSource,
  VpcConfig,
} from "./shapes.js";

/** What a build row's `doc` column holds: everything BatchGetBuilds returns besides the columns. */
export interface BuildDoc {
  arn: string;
  projectArn: string;
  sourceVersion?: string;
  resolvedSourceVersion?: string;
  phases: BuildPhase[];
  source: ProjectSource;
  secondarySources: ProjectSource[];
  secondarySourceVersions: Array<{ sourceIdentifier: string; sourceVersion: string }>;
  /** Where artifacts go, as the project and StartBuild's override say. */
  artifactsTarget: ProjectArtifacts;
  secondaryArtifactsTargets: ProjectArtifacts[];
  /** Where they went (`BuildArtifacts`); set when the build starts and completed by the runner. */
  artifacts: { location?: string; sha256sum?: string; md5sum?: string; artifactIdentifier?: string };
  secondaryArtifacts: Array<{
    location?: string;
    sha256sum?: string;
    md5sum?: string;
    artifactIdentifier?: string;
  }>;
  cache: ProjectCache;
  environment: ProjectEnvironment & { environmentVariables: EnvironmentVariable[] };
  serviceRole: string;
  logs: { groupName: string; streamName: string; deepLink: string; cloudWatchLogsArn: string } & LogsConfig;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  /** The project's VpcConfig: the build gets the host's network. */
  vpcConfig?: VpcConfig;
  initiator: string;
  encryptionKey: string;
  exportedEnvironmentVariables: Array<{ name: string; value: string }>;
  reportArns: string[];
  /**
   * A build without a project, run for a pipeline's Commands action: RetryBuild cannot repeat it
   * (retrying the pipeline's stage does).
   */
  inline?: { pipelineName: string };
  /** The StartBuild request this build came from, so RetryBuild can repeat it. */
  request: Record<string, unknown>;
  /** Queue job ids: the build job, and the queued-timeout timer. */
  jobId: number;
  timerJobId?: number;
}

/** A build row. */
export type BuildRow = Selectable<Database["codebuild_builds"]>;

/** Where a build is in this server's lifecycle. */
export type BuildState = "queued" | "running" | "done";

/** The build row by id, or undefined. */
export async function findBuild(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  id: string,
): Promise<BuildRow | undefined> {
  // BatchGetBuilds and StopBuild accept a build ARN as well as `project:uuid`.
  const m = /^arn:[^:]+:codebuild:[^:]*:[^:]*:build\/(.+)$/.exec(id);
  return db
    .selectFrom("codebuild_builds")
    .selectAll()
    .where("id", "=", m ? m[1]! : id)
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .executeTakeFirst();
}

/** The build row by id in any account, for the runner side. */
export async function loadBuild(db: Kysely<Database>, id: string): Promise<BuildRow | undefined> {
  return db.selectFrom("codebuild_builds").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The doc of a row. */
export function docOf(row: BuildRow): BuildDoc {
  return JSON.parse(row.doc) as BuildDoc;
}

/** Columns of a build that change together. */
export interface BuildUpdate {
  status?: BuildStatus;
  state?: BuildState;
  doc: BuildDoc;
  endTime?: number;
  stopRequested?: boolean;
}

/** Writes a build's changing columns; `current_phase` follows the phases. */
export async function writeBuild(db: Kysely<Database>, id: string, update: BuildUpdate): Promise<void> {
  await db
    .updateTable("codebuild_builds")
    .set({
      doc: JSON.stringify(update.doc),
      current_phase: currentPhase(update.doc.phases),
      ...(update.status ? { status: update.status } : {}),
      ...(update.state ? { state: update.state } : {}),
      ...(update.endTime !== undefined ? { end_time: update.endTime } : {}),
      ...(update.stopRequested ? { stop_requested: 1 } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** AWS's `currentPhase`: the last phase reached. */
export function currentPhase(phases: readonly BuildPhase[]): string {
  return phases[phases.length - 1]?.phaseType ?? "SUBMITTED";
}

/** The `Build` shape BatchGetBuilds, StartBuild and StopBuild return. */
export function buildOutput(row: BuildRow): Record<string, unknown> {
  const doc = docOf(row);
  // AWS's `Build`, member by member: what the row keeps for this server's own use (the StartBuild
  // request, job ids, artifact targets, the project's ARN) never reaches a response.
  return {
    id: row.id,
    arn: doc.arn,
    buildNumber: row.build_number,
    startTime: new Date(row.start_time),
    ...(row.end_time !== null ? { endTime: new Date(row.end_time) } : {}),
    currentPhase: row.current_phase,
    buildStatus: row.status,
    ...(doc.sourceVersion !== undefined ? { sourceVersion: doc.sourceVersion } : {}),
    ...(doc.resolvedSourceVersion !== undefined ? { resolvedSourceVersion: doc.resolvedSourceVersion } : {}),
    projectName: row.project_name,
    phases: doc.phases.map((p) => ({
      phaseType: p.phaseType,
      ...(p.phaseStatus && p.phaseStatus !== "IN_PROGRESS" ? { phaseStatus: p.phaseStatus } : {}),
      startTime: new Date(p.startTime),
      ...(p.endTime !== undefined ? { endTime: new Date(p.endTime) } : {}),
      ...(p.durationInSeconds !== undefined ? { durationInSeconds: p.durationInSeconds } : {}),
      ...(p.contexts.length ? { contexts: p.contexts } : {}),
    })),
    source: doc.source,
    secondarySources: doc.secondarySources,
    secondarySourceVersions: doc.secondarySourceVersions,
    artifacts: doc.artifacts,
    secondaryArtifacts: doc.secondaryArtifacts,
    cache: doc.cache,
    environment: doc.environment,
    serviceRole: doc.serviceRole,
    logs: doc.logs,
    timeoutInMinutes: doc.timeoutInMinutes,
    queuedTimeoutInMinutes: doc.queuedTimeoutInMinutes,
    buildComplete: row.state === "done",
    initiator: doc.initiator,
    ...(doc.vpcConfig !== undefined ? { vpcConfig: doc.vpcConfig } : {}),
    encryptionKey: doc.encryptionKey,
    exportedEnvironmentVariables: doc.exportedEnvironmentVariables,
    reportArns: doc.reportArns,
  };
}

/** Ends a phase at `at`, with AWS's whole-second duration. */
export function endPhase(
  phase: BuildPhase,
  status: BuildPhase["phaseStatus"],
  at: number,
  contexts = phase.contexts,
): BuildPhase {
  return {
    ...phase,
    phaseStatus: status,
    endTime: at,
    durationInSeconds: Math.max(0, Math.round((at - phase.startTime) / 1000)),
    contexts,
  };
}

/** Phases the control plane owns: the runner reports the rest. */
const CONTROL_PHASES = new Set(["SUBMITTED", "QUEUED"]);

/**
 * The control plane's SUBMITTED and QUEUED phases followed by the runner's phases (whatever it
 * reported of those two is ignored: they happened before it had the build).
 */
export function mergePhases(current: readonly BuildPhase[], reported: readonly BuildPhase[]): BuildPhase[] {
  return [
    ...current.filter((p) => CONTROL_PHASES.has(p.phaseType)),
    ...reported.filter((p) => !CONTROL_PHASES.has(p.phaseType)),
  ];
}
