/**
 * A template's files from disk: `templates/<id>/` at the package's root, next to `dist/` (and to
 * `src/` when run from the sources), shipped with the package.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TemplateFiles } from "./catalog.js";

/** The directory holding one folder per template. */
export const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

/** Every file under `templates/<id>/`, by its path inside it (with `/`). */
export function loadTemplateFiles(id: string, dir = TEMPLATES_DIR): TemplateFiles {
  const root = path.join(dir, id);
  const files: TemplateFiles = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(root, sub), { withFileTypes: true })) {
      const relative = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "__pycache__" && entry.name !== "node_modules") walk(relative);
      } else if (entry.isFile()) {
        files[relative] = readFileSync(path.join(root, relative), "utf8");
      }
    }
  };
  walk("");
  return files;
}
