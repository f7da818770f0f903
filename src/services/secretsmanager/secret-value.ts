import { z } from "zod";
import { newUuid, systemClock } from "../../core/index.js";
import type { Envelope } from "../../platform/crypto/index.js";
import type { Database, Kysely } from "../../platform/store/index.js";
import { operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { markedForDeletion, secretNotFound, smError } from "./errors.js";
import {
  accessDay,
  findSecret,
  listVersions,
  purgeExpired,
  stagesOf,
  type Scope,
  type SecretRow,
  type VersionRow,
} from "./secret-rows.js";
import { SecretId, valueMembers } from "./shapes.js";
import { CURRENT } from "./stages.js";
import { openSecret, valueFields, valueFromInput, type SecretValue } from "./values.js";
import { addVersion, findRetry } from "./versions.js";
import { awsList, awsString } from "../kit/index.js";

/** Which version of which secret to read. */
export interface VersionSelector {
  secretId: string;
  versionId?: string | undefined;
  /** Default AWSCURRENT when no versionId is given. */
  versionStage?: string | undefined;
}

/** A live secret that exists: ResourceNotFoundException, or InvalidRequestException when deleted. */
export async function requireLiveSecret(
  db: Kysely<Database>,
  scope: Scope,
  secretId: string,
): Promise<SecretRow> {
  const secret = await findSecret(db, scope, secretId);
  if (!secret) throw secretNotFound();
  if (secret.deleted_at !== null) throw markedForDeletion();
  return secret;
}

/**
 * Reads a version's value, as GetSecretValue does, and records the access (to the day) on the
 * secret and the version.
 */
export async function readSecretValue(
  db: Kysely<Database>,
  envelope: Envelope,
  scope: Scope,
  selector: VersionSelector,
  now: number,
): Promise<{ secret: SecretRow; version: VersionRow; value: SecretValue }> {
  await purgeExpired(db, scope, now);
  const secret = await requireLiveSecret(db, scope, selector.secretId);
  const version = pickVersion(await listVersions(db, [secret.arn]), selector);
  // Accesses are kept to the day, so most reads write nothing and never queue behind writers.
  const day = accessDay(now);
  if (secret.last_accessed_at !== day) {
    await db
      .updateTable("secretsmanager_secrets")
      .set({ last_accessed_at: day })
      .where("arn", "=", secret.arn)
      .execute();
  }
  if (version.last_accessed_at !== day) {
    await db
      .updateTable("secretsmanager_secret_versions")
      .set({ last_accessed_at: day })
      .where("secret_arn", "=", secret.arn)
      .where("version_id", "=", version.version_id)
      .execute();
  }
  return { secret, version, value: openSecret(envelope, version) };
}

function pickVersion(versions: readonly VersionRow[], selector: VersionSelector): VersionRow {
  if (selector.versionId !== undefined) {
    const version = versions.find((v) => v.version_id === selector.versionId);
    if (!version) {
      throw smError(
        "ResourceNotFoundException",
        `Secrets Manager can't find the specified secret value for VersionId: ${selector.versionId}`,
      );
    }
    if (selector.versionStage !== undefined && !stagesOf(version).includes(selector.versionStage)) {
      throw smError(
        "InvalidRequestException",
        "You provided a VersionStage that is not associated to the provided VersionId.",
      );
    }
    return version;
  }
  const stage = selector.versionStage ?? CURRENT;
  const version = versions.find((v) => stagesOf(v).includes(stage));
  if (!version) {
    throw smError(
      "ResourceNotFoundException",
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
  return version;
}

/** Secrets Manager GetSecretValue: the value of the AWSCURRENT version, or of the one asked for. */
export function getSecretValue(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "GetSecretValue",
    input: z.object({
      SecretId,
      VersionId: awsString(32, 64).optional(),
      VersionStage: awsString(1, 256).optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const { secret, version, value } = await readSecretValue(
        ctx.trx,
        deps.envelope,
        scope,
        { secretId: input.SecretId, versionId: input.VersionId, versionStage: input.VersionStage },
        clock.now(),
      );
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.version_id,
        ...valueFields(value),
        VersionStages: stagesOf(version),
        CreatedDate: new Date(version.created_at),
      };
    },
  });
}

/** Secrets Manager PutSecretValue: a new version, by default becoming AWSCURRENT. */
export function putSecretValue(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "PutSecretValue",
    input: z.object({
      SecretId,
      VersionStages: awsList(awsString(1, 256), 1, 20).optional(),
      RotationToken: z.string().optional(),
      ...valueMembers,
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const now = clock.now();
      const value = valueFromInput(input);
      if (!value) {
        throw smError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
      }
      await purgeExpired(ctx.trx, scope, now);
      const secret = await requireLiveSecret(ctx.trx, scope, input.SecretId);
      const versionId = input.ClientRequestToken ?? newUuid();
      const retried = findRetry(deps.envelope, await listVersions(ctx.trx, [secret.arn]), versionId, value);
      if (retried) {
        return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: stagesOf(retried) };
      }
      const stages = input.VersionStages ?? [CURRENT];
      await addVersion(ctx.trx, deps.envelope, secret, { id: versionId, value, stages }, now);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: versionId,
        VersionStages: [...new Set(stages)],
      };
    },
  });
}
