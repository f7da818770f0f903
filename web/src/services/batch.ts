// Helpers shared by the service wrappers.

/** AWS's per-call limit for BatchGetRepositories, BatchGetBuilds and BatchGetDeployments. */
export const BATCH_LIMIT = 25;

export function chunks<T>(items: readonly T[], size = BATCH_LIMIT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
