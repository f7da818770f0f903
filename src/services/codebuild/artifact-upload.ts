/** Artifacts with packaging NONE: each file of the build's artifact zip becomes an S3 object. */
import { forEachZipEntry } from "../../platform/archive/index.js";
import type { S3Service } from "../s3/index.js";

/**
 * Puts every file entry of `zipFile` as `<prefix>/<entry name>` in `bucket`. Entry names are
 * checked on the way (no `..`, nothing absolute); links and directories have no object of their own.
 */
export async function putZipEntries(
  s3: S3Service,
  options: { bucket: string; prefix: string; zipFile: string },
): Promise<number> {
  let count = 0;
  await forEachZipEntry(options.zipFile, async (entry) => {
    if (entry.type !== "file") return;
    const key = options.prefix ? `${options.prefix}/${entry.name}` : entry.name;
    await s3.putObject({
      bucket: options.bucket,
      key,
      body: { stream: await entry.open(), digests: ["sha256"], verify: () => undefined },
      headers: {},
      metadata: {},
    });
    count++;
  });
  return count;
}
