// The build project form's state, how it becomes CreateProject/UpdateProject's input, and which
// field an error from the server is about.
import { AwsError } from "../../api";
import type { EnvironmentVariable, Project, ProjectInput } from "../../services/codebuild";

export const DEFAULT_IMAGE = "aws/codebuild/standard:7.0";

export interface ProjectFormState {
  name: string;
  description: string;
  sourceType: string;
  /** The source location: a repository's cloneUrlHttp for CODECOMMIT, `<bucket>/<key>` for S3. */
  location: string;
  sourceVersion: string;
  image: string;
  computeType: string;
  environmentType: string;
  privilegedMode: boolean;
  environmentVariables: EnvironmentVariable[];
  serviceRole: string;
  buildspecMode: "file" | "inline";
  buildspecPath: string;
  buildspecInline: string;
  artifactsType: string;
  artifactsLocation: string;
  artifactsPath: string;
  artifactsName: string;
  artifactsPackaging: "NONE" | "ZIP";
  timeout: string;
  queuedTimeout: string;
  cloudWatchLogs: boolean;
  groupName: string;
  streamName: string;
}

export const INLINE_SKELETON = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo Build started\n";

export function emptyForm(accountId: string | undefined): ProjectFormState {
  return {
    name: "",
    description: "",
    sourceType: "CODECOMMIT",
    location: "",
    sourceVersion: "",
    image: DEFAULT_IMAGE,
    computeType: "BUILD_GENERAL1_SMALL",
    environmentType: "LINUX_CONTAINER",
    privilegedMode: false,
    environmentVariables: [],
    serviceRole: accountId ? `arn:aws:iam::${accountId}:role/codebuild` : "",
    buildspecMode: "file",
    buildspecPath: "",
    buildspecInline: INLINE_SKELETON,
    artifactsType: "NO_ARTIFACTS",
    artifactsLocation: "",
    artifactsPath: "",
    artifactsName: "",
    artifactsPackaging: "NONE",
    timeout: "60",
    queuedTimeout: "480",
    cloudWatchLogs: true,
    groupName: "",
    streamName: "",
  };
}

/** An inline buildspec is YAML with "version:" in it; anything else names a file in the source. */
export function isInlineBuildspec(spec: string): boolean {
  return /\n/.test(spec) || /^\s*version\s*:/m.test(spec);
}

export function formOf(project: Project): ProjectFormState {
  const spec = project.source?.buildspec ?? "";
  const inline = spec !== "" && isInlineBuildspec(spec);
  const logs = project.logsConfig?.cloudWatchLogs;
  return {
    ...emptyForm(undefined),
    name: project.name,
    description: project.description ?? "",
    sourceType: project.source?.type ?? "NO_SOURCE",
    location: project.source?.location ?? "",
    sourceVersion: project.sourceVersion ?? "",
    image: project.environment?.image ?? "",
    computeType: project.environment?.computeType ?? "BUILD_GENERAL1_SMALL",
    environmentType: project.environment?.type ?? "LINUX_CONTAINER",
    privilegedMode: project.environment?.privilegedMode ?? false,
    environmentVariables: (project.environment?.environmentVariables ?? []).map((v) => ({
      name: v.name,
      value: v.value,
      type: v.type ?? "PLAINTEXT",
    })),
    serviceRole: project.serviceRole ?? "",
    buildspecMode: inline ? "inline" : "file",
    buildspecPath: inline ? "" : spec,
    buildspecInline: inline ? spec : INLINE_SKELETON,
    artifactsType: project.artifacts?.type ?? "NO_ARTIFACTS",
    artifactsLocation: project.artifacts?.location ?? "",
    artifactsPath: project.artifacts?.path ?? "",
    artifactsName: project.artifacts?.name ?? "",
    artifactsPackaging: project.artifacts?.packaging ?? "NONE",
    timeout: String(project.timeoutInMinutes ?? 60),
    queuedTimeout: String(project.queuedTimeoutInMinutes ?? 480),
    cloudWatchLogs: logs?.status !== "DISABLED",
    groupName: logs?.groupName ?? "",
    streamName: logs?.streamName ?? "",
  };
}

/** A whole number typed in a field; anything else goes to the server as typed, for its message. */
function minutes(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : (trimmed as unknown as number);
}

/** CreateProject/UpdateProject's input, with AWS's shapes: members left empty are not sent. */
export function inputOf(form: ProjectFormState): ProjectInput {
  const hasLocation = form.sourceType === "CODECOMMIT" || form.sourceType === "S3";
  const buildspec = form.buildspecMode === "inline" ? form.buildspecInline : form.buildspecPath.trim();
  const s3 = form.artifactsType === "S3";
  const timeout = minutes(form.timeout);
  const queued = minutes(form.queuedTimeout);
  return {
    name: form.name,
    ...(form.description !== "" && { description: form.description }),
    source: {
      type: form.sourceType,
      ...(hasLocation && { location: form.location }),
      ...(buildspec !== "" && { buildspec }),
    },
    ...(form.sourceVersion.trim() !== "" && { sourceVersion: form.sourceVersion.trim() }),
    artifacts: {
      type: form.artifactsType,
      ...(s3 && { location: form.artifactsLocation }),
      ...(s3 && form.artifactsPath !== "" && { path: form.artifactsPath }),
      ...(s3 && form.artifactsName !== "" && { name: form.artifactsName }),
      ...(s3 && { packaging: form.artifactsPackaging }),
    },
    environment: {
      type: form.environmentType,
      image: form.image,
      computeType: form.computeType,
      environmentVariables: form.environmentVariables.map((v) => ({
        name: v.name,
        value: v.value,
        type: v.type ?? "PLAINTEXT",
      })),
      privilegedMode: form.privilegedMode,
    },
    serviceRole: form.serviceRole,
    ...(timeout !== undefined && { timeoutInMinutes: timeout }),
    ...(queued !== undefined && { queuedTimeoutInMinutes: queued }),
    logsConfig: {
      cloudWatchLogs: form.cloudWatchLogs
        ? {
            status: "ENABLED",
            ...(form.groupName !== "" && { groupName: form.groupName }),
            ...(form.streamName !== "" && { streamName: form.streamName }),
          }
        : { status: "DISABLED" },
    },
  };
}

/** The fields an error can be shown at, named by their path in the AWS input. */
export const FIELDS = [
  "name",
  "description",
  "source.type",
  "source.location",
  "source.buildspec",
  "sourceVersion",
  "environment.image",
  "environment.computeType",
  "environment.type",
  "environment.environmentVariables",
  "environment.privilegedMode",
  "serviceRole",
  "artifacts.type",
  "artifacts.location",
  "artifacts.path",
  "artifacts.name",
  "artifacts.packaging",
  "timeoutInMinutes",
  "queuedTimeoutInMinutes",
  "logsConfig",
] as const;
export type Field = (typeof FIELDS)[number];

export interface FieldErrors {
  fields: Partial<Record<Field, string>>;
  /** What no field owns, for the form-wide alert. */
  form?: string;
}

/** The field a path such as `environment.environmentVariables.0.name` is in: its longest known prefix. */
function fieldOfPath(path: string): Field | undefined {
  let best: Field | undefined;
  for (const field of FIELDS) {
    if ((path === field || path.startsWith(`${field}.`)) && (!best || field.length > best.length))
      best = field;
  }
  return best;
}

/** The server's own checks, worded without a path (src/services/codebuild/project-spec.ts). */
const MESSAGE_FIELDS: [RegExp, Field][] = [
  [/^Invalid source: buildspec/i, "source.buildspec"],
  [/^Invalid source( location)?:/i, "source.location"],
  [/^Source type /i, "source.type"],
  [/^Invalid artifacts: location/i, "artifacts.location"],
  [/^Invalid artifacts:/i, "artifacts.type"],
];

/** Each part of AWS's message at the field it names; the rest for the whole form. */
export function fieldErrors(error: Error | null | undefined): FieldErrors {
  if (!error) return { fields: {} };
  if (!(error instanceof AwsError)) return { fields: {}, form: error.message };
  if (error.code === "ResourceAlreadyExistsException") return { fields: { name: error.message } };
  const message = error.message;
  const quoted = [...message.matchAll(/Value at '([^']+)' failed to satisfy constraint: ([^;]*)/g)];
  if (quoted.length > 0) {
    const fields: FieldErrors["fields"] = {};
    const rest: string[] = [];
    for (const [part, path] of quoted) {
      const field = fieldOfPath(path!);
      const text = quoted.length === 1 ? message : part;
      if (field) fields[field] = fields[field] ? `${fields[field]}; ${text}` : text;
      else rest.push(text);
    }
    return { fields, ...(rest.length > 0 && { form: rest.join("; ") }) };
  }
  for (const [pattern, field] of MESSAGE_FIELDS) {
    if (pattern.test(message)) return { fields: { [field]: message } };
  }
  return { fields: {}, form: message };
}

/** The checks the AWS console makes before sending: required fields only. */
export function requiredErrors(form: ProjectFormState, creating: boolean): FieldErrors["fields"] {
  const errors: FieldErrors["fields"] = {};
  if (creating && form.name.trim() === "") errors.name = "Enter a project name.";
  if (form.sourceType === "CODECOMMIT" && form.location === "")
    errors["source.location"] = "Choose a repository.";
  if (form.sourceType === "S3" && form.location.trim() === "")
    errors["source.location"] = "Enter the bucket and key of the source zip.";
  if (form.image.trim() === "") errors["environment.image"] = "Enter an image.";
  if (form.serviceRole.trim() === "") errors.serviceRole = "Enter a service role.";
  if (form.buildspecMode === "inline" && form.buildspecInline.trim() === "")
    errors["source.buildspec"] = "Enter the build commands.";
  if (form.artifactsType === "S3" && form.artifactsLocation.trim() === "")
    errors["artifacts.location"] = "Enter a bucket name.";
  return errors;
}
