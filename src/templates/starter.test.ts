import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBuildspec } from "../formats/index.js";
import { renderTemplateFile, TEMPLATES } from "./catalog.js";
import { loadTemplateFiles } from "./load.js";

/** Each template's starter code, as committed for a project, passes its own buildspec's commands. */
describe("the templates' starter code", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    "%s passes its build's tests, and its hook scripts are valid sh",
    (id, template) => {
      const dir = mkdtempSync(join(tmpdir(), `pw-starter-${id}-`));
      dirs.push(dir);
      const files = loadTemplateFiles(id);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), renderTemplateFile(text, "demo", template));
        if (path.endsWith(".sh")) chmodSync(join(dir, path), 0o755);
      }
      const parsed = parseBuildspec(files["buildspec.yml"]!);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const commands = parsed.buildspec.phases.flatMap((p) => p.commands);
      expect(commands.length).toBeGreaterThan(0);
      execFileSync("sh", ["-ec", commands.join("\n")], { cwd: dir, stdio: "pipe", timeout: 60_000 });
      for (const script of Object.keys(files).filter((p) => p.endsWith(".sh")))
        execFileSync("sh", ["-n", script], { cwd: dir, stdio: "pipe" });
    },
    60_000,
  );
});
