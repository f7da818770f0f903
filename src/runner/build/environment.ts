/**
 * The build's environment, as "Environment variables in build environments" documents it: the
 * `CODEBUILD_*` set and `AWS_REGION` / `AWS_DEFAULT_REGION`, then the user's variables with
 * precedence StartBuild override > project > buildspec.
 */
import { parseSecretsManagerReference, type Buildspec } from "../../formats/buildspec/index.js";
import type { BuildJob, RunnerApi } from "../api.js";
import { BuildStepError, CONTEXT } from "./errors.js";
import type { SecretMasker } from "./masking.js";

/** What {@link resolveEnvironment} needs besides the job. */
export interface EnvironmentInputs {
  /** CODEBUILD_SRC_DIR. */
  srcDir: string;
  /** Secondary source identifier → its directory (CODEBUILD_SRC_DIR_<id>). */
  secondaryDirs: Record<string, string>;
  /** A writable HOME under the build directory. */
  homeDir: string;
  /** What fetchSource reported for the primary source. */
  resolvedSourceVersion: string | undefined;
}

/** The build's environment, and which of its variables hold secrets. */
export interface ResolvedEnvironment {
  env: Record<string, string>;
  /** Variables whose value came from Parameter Store, Secrets Manager or a secret-typed variable. */
  secretNames: Set<string>;
}

/**
 * Resolves every variable, fetching parameter-store and secrets-manager values (which are added to
 * `masker`). A value that cannot be fetched fails the build in DOWNLOAD_SOURCE, as AWS's agent
 * resolves them before INSTALL, with a message naming the parameter or secret.
 */
export async function resolveEnvironment(
  job: BuildJob,
  buildspec: Buildspec,
  api: RunnerApi,
  masker: SecretMasker,
  inputs: EnvironmentInputs,
): Promise<ResolvedEnvironment> {
  const secretNames = new Set<string>();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: inputs.homeDir,
    LANG: process.env.LANG ?? "C.UTF-8",
    AWS_REGION: job.region,
    AWS_DEFAULT_REGION: job.region,
    // The AWS CLI and SDKs inside the build talk to this server; any variable of the build wins.
    ...(job.endpointUrl ? { AWS_ENDPOINT_URL: job.endpointUrl } : {}),
  };
  // Lowest precedence: the buildspec's own variables, then its parameter-store and secrets-manager.
  // A reference that a project or StartBuild variable overrides is not fetched: its value is unused.
  const overridden = new Set(job.environmentVariables.map((v) => v.name));
  Object.assign(env, buildspec.env.variables);
  for (const [name, parameter] of Object.entries(buildspec.env.parameterStore)) {
    if (overridden.has(name)) continue;
    env[name] = await fetchParameter(api, masker, name, parameter);
    secretNames.add(name);
  }
  for (const [name, ref] of Object.entries(buildspec.env.secretsManager)) {
    if (overridden.has(name)) continue;
    env[name] = await fetchSecret(api, masker, name, ref.reference, ref);
    secretNames.add(name);
  }
  // job.environmentVariables already holds StartBuild overrides over project variables.
  for (const variable of job.environmentVariables) {
    switch (variable.type) {
      case "PLAINTEXT":
        env[variable.name] = variable.value;
        secretNames.delete(variable.name);
        break;
      case "PARAMETER_STORE":
        env[variable.name] = await fetchParameter(api, masker, variable.name, variable.value);
        secretNames.add(variable.name);
        break;
      case "SECRETS_MANAGER": {
        const parsed = parseSecretsManagerReference(variable.value);
        if (!parsed.ok) {
          throw new BuildStepError("FAILED", {
            statusCode: CONTEXT.secretsManager,
            message: `environment variable ${variable.name}: secret reference ${variable.value} ${parsed.message}`,
          });
        }
        env[variable.name] = await fetchSecret(api, masker, variable.name, variable.value, parsed.value);
        secretNames.add(variable.name);
        break;
      }
    }
  }
  // The CODEBUILD_ prefix is reserved for CodeBuild, so these win over any user variable.
  Object.assign(env, codebuildVariables(job, inputs));
  return { env, secretNames };
}

/** The documented CODEBUILD_* variables for this build. */
export function codebuildVariables(job: BuildJob, inputs: EnvironmentInputs): Record<string, string> {
  const uuid = job.buildId.slice(job.buildId.lastIndexOf(":") + 1);
  const vars: Record<string, string> = {
    CODEBUILD_BUILD_ID: job.buildId,
    CODEBUILD_BUILD_ARN: job.buildArn,
    CODEBUILD_BUILD_NUMBER: String(job.buildNumber),
    // 1 while the build is succeeding; set to 0 before POST_BUILD when BUILD failed.
    CODEBUILD_BUILD_SUCCEEDING: "1",
    CODEBUILD_INITIATOR: job.initiator,
    CODEBUILD_SRC_DIR: inputs.srcDir,
    CODEBUILD_START_TIME: String(job.startTime),
    CODEBUILD_BUILD_IMAGE: job.image,
    CODEBUILD_PROJECT_ARN: job.projectArn,
    // The log stream is named by the build's uuid.
    CODEBUILD_LOG_PATH: uuid,
  };
  for (const [id, dir] of Object.entries(inputs.secondaryDirs)) vars[`CODEBUILD_SRC_DIR_${id}`] = dir;
  const sourceVersion = job.sourceVersion ?? job.source.sourceVersion;
  if (sourceVersion !== undefined) vars.CODEBUILD_SOURCE_VERSION = sourceVersion;
  const resolved = inputs.resolvedSourceVersion ?? sourceVersion;
  if (resolved !== undefined) vars.CODEBUILD_RESOLVED_SOURCE_VERSION = resolved;
  return vars;
}

async function fetchParameter(
  api: RunnerApi,
  masker: SecretMasker,
  variable: string,
  name: string,
): Promise<string> {
  try {
    const value = await api.getParameter(name);
    masker.add(value);
    return value;
  } catch (err) {
    throw new BuildStepError(
      "FAILED",
      {
        statusCode: CONTEXT.parameterStore,
        message: `variable ${variable}: parameter ${name}: ${reason(err)}`,
      },
      { cause: err },
    );
  }
}

async function fetchSecret(
  api: RunnerApi,
  masker: SecretMasker,
  variable: string,
  written: string,
  ref: { secretId: string; jsonKey?: string; versionStage?: string; versionId?: string },
): Promise<string> {
  try {
    const value = await api.getSecret({
      secretId: ref.secretId,
      ...(ref.jsonKey !== undefined && { jsonKey: ref.jsonKey }),
      ...(ref.versionStage !== undefined && { versionStage: ref.versionStage }),
      ...(ref.versionId !== undefined && { versionId: ref.versionId }),
    });
    masker.add(value);
    return value;
  } catch (err) {
    throw new BuildStepError(
      "FAILED",
      {
        statusCode: CONTEXT.secretsManager,
        message: `variable ${variable}: secret ${written}: ${reason(err)}`,
      },
      { cause: err },
    );
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
