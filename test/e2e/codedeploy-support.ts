import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A gzipped tar bundle of `files` (path → content; `.sh` files are made executable), as `tar -C dir .` writes it. */
export function tgzOf(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "pw-bundle-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), content);
      if (path.endsWith(".sh")) chmodSync(join(dir, path), 0o755);
    }
    return execFileSync("tar", ["-czf", "-", "-C", dir, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
