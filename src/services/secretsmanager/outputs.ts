import { stagesOf, type SecretRow, type VersionRow } from "./secret-rows.js";

/** Version id → staging labels, for the versions that have any (the others are deprecated). */
export function versionsToStages(versions: readonly VersionRow[]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const v of versions) {
    const stages = stagesOf(v);
    if (stages.length > 0) map[v.version_id] = stages;
  }
  return map;
}

/** The secret's metadata as DescribeSecret and ListSecrets show it (never its value). */
export function secretMetadata(secret: SecretRow) {
  const tags = JSON.parse(secret.tags) as Array<{ Key: string; Value: string }>;
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== null ? { Description: secret.description } : {}),
    ...(secret.kms_key_id ? { KmsKeyId: secret.kms_key_id } : {}),
    LastChangedDate: new Date(secret.last_changed_at),
    ...(secret.last_accessed_at !== null ? { LastAccessedDate: new Date(secret.last_accessed_at) } : {}),
    ...(secret.deleted_at !== null ? { DeletedDate: new Date(secret.deleted_at) } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
    CreatedDate: new Date(secret.created_at),
  };
}
