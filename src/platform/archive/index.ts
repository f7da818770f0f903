export { canonicalEntryName, safeEntryName, UnsafeEntryNameError } from "./names.js";
export { forEachZipEntry, type StoredEntry, type ZipEntry } from "./zip-read.js";
export { ZipWriter } from "./zip-write.js";
export {
  checkZip,
  DEFAULT_ZIP_LIMITS,
  UnsafeZipError,
  type CheckedZipEntry,
  type CheckZipOptions,
  type ZipLimits,
} from "./zip-check.js";
export { forEachTarEntry, readAll, zipToTar, type TarEntry } from "./tar.js";
export { extractZip } from "./extract-zip.js";
export { extractTar } from "./extract-tar.js";
