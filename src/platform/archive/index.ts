export { safeEntryName, UnsafeEntryNameError } from "./names.js";
export { forEachZipEntry, type ZipEntry } from "./zip-read.js";
export { ZipWriter } from "./zip-write.js";
export { forEachTarEntry, readAll, zipToTar, type TarEntry } from "./tar.js";
export { extractZip } from "./extract-zip.js";
