/**
 * Artifacts are collected inside the build's sandbox: nothing a buildspec names — a base directory
 * climbing out, a link to the data directory, a path with `..`, a directory swapped for a link while
 * the upload runs — makes the server read or write outside the build.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildspecOf, failure, Harness, leaked } from "./support.js";

describe("artifacts stay within the build", () => {
  let h: Harness;
  let dataDir: string;
  beforeAll(async () => {
    h = await Harness.start();
    dataDir = h.server.dataDir;
  });
  afterAll(async () => {
    await h.stop();
  });

  it("refuses a base-directory that climbs out of the build, relative or absolute", async () => {
    // The data directory is under /tmp in tests, which inside the sandbox is the build's own /tmp:
    // there it finds nothing; elsewhere it is outside the build. Either way nothing leaves.
    for (const base of ["../../..", "../../../..", "/etc", dataDir]) {
      const r = await h.run({
        buildspec: buildspecOf(
          ["echo hi > out.txt"],
          [
            "artifacts:",
            `  base-directory: '${base}'`,
            "  files: [credentials, master.key, pipewright.db, '**/*']",
          ],
        ),
        artifacts: "ZIP",
      });
      expect(r.build.buildStatus).toBe("FAILED");
      expect(failure(r.build)).toMatchObject({
        phase: "UPLOAD_ARTIFACTS",
        message: expect.stringMatching(
          base.startsWith("/tmp/")
            ? /CLIENT_ERROR: no matching artifact paths found/
            : /CLIENT_ERROR: artifacts.base-directory .* is outside the build's directories/,
        ) as string,
      });
      expect(r.artifact).toEqual({});
      expect(leaked(r.log, h.secrets())).toEqual([]);
    }
  });

  it("follows no link out of the build: a link to the data directory finds it empty", async () => {
    for (const enableSymlinks of ["yes", "no"]) {
      const r = await h.run({
        buildspec: buildspecOf(
          [
            `ln -s '${dataDir}' leakdir`,
            `ln -s '${path.join(dataDir, "master.key")}' key`,
            "echo mine > mine.txt",
          ],
          [
            "artifacts:",
            "  files: ['leakdir/**/*', 'key', 'mine.txt']",
            `  enable-symlinks: ${enableSymlinks}`,
          ],
        ),
        artifacts: "ZIP",
      });
      const everything = JSON.stringify(r.artifact) + r.log;
      expect(leaked(everything, h.secrets())).toEqual([]);
      expect(r.build.buildStatus).toBe("SUCCEEDED");
      expect(r.artifact["mine.txt"]).toBe("mine\n");
      // Kept as links they are only their targets' names; followed, the data directory is empty.
      expect(Object.keys(r.artifact).filter((k) => k.startsWith("leakdir/"))).toEqual([]);
    }
  });

  it("never writes on the host where a path with .. points", async () => {
    const r = await h.run({
      buildspec: buildspecOf(
        ["echo x > x.txt"],
        [
          "artifacts:",
          "  files: ['../../../../../etc/hostname', '../../../../../../../../tmp/pw-escape', x.txt]",
          "  discard-paths: yes",
        ],
      ),
      artifacts: "NONE",
    });
    expect(r.build.buildStatus).toBe("SUCCEEDED");
    expect(r.artifact).toEqual({ "x.txt": "x\n" });
    expect(existsSync(path.join(dataDir, "etc"))).toBe(false);
    expect(existsSync("/tmp/pw-escape")).toBe(false);
  });

  it("wins no race: a directory swapped for a link to the data directory while artifacts are packed", async () => {
    const r = await h.run({
      buildspec: buildspecOf(
        [
          "mkdir -p d && for i in $(seq 1 200); do echo $i > d/f$i; done",
          // In the background, until the build ends: d becomes a link to the data directory and back.
          `(while :; do mv d d.real; ln -s '${dataDir}' d; rm d; mv d.real d; done) >/dev/null 2>&1 &`,
        ],
        ["artifacts:", "  files: ['d/**/*']"],
      ),
      artifacts: "ZIP",
    });
    expect(leaked(JSON.stringify(r.artifact) + r.log, h.secrets())).toEqual([]);
    for (const name of Object.keys(r.artifact)) expect(name).toMatch(/^d(\.real)?\/f\d+$/);
    // The server is still here and still builds.
    expect(
      (await h.run({ buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - true\n" })).build
        .buildStatus,
    ).toBe("SUCCEEDED");
  });

  it("survives a file that changes size while it is packed, and names with newlines", async () => {
    const r = await h.run({
      buildspec: buildspecOf(
        [
          "(while :; do echo line >> growing.log; sleep 0.001; done) >/dev/null 2>&1 &",
          "sleep 0.5",
          "printf 'two\\nlines' > \"$(printf 'odd\\nname')\"",
        ],
        ["artifacts:", "  files: ['growing.log', 'odd*']"],
      ),
      artifacts: "ZIP",
    });
    expect(r.build.buildStatus).toBe("SUCCEEDED");
    expect(r.artifact["odd\nname"]).toBe("two\nlines");
    expect(Object.keys(r.artifact)).toContain("growing.log");
  });

  it("cannot hard-link the host's private files into its artifacts", async () => {
    const r = await h.run({
      buildspec: buildspecOf(
        [
          "ln /etc/shadow shadow 2>/dev/null || echo 'no link to shadow'",
          `ln '${path.join(dataDir, "master.key")}' key 2>/dev/null || echo 'no link to the key'`,
          "echo ok > ok.txt",
        ],
        ["artifacts:", "  files: ['*']"],
      ),
      artifacts: "ZIP",
    });
    expect(r.log).toContain("no link to shadow");
    expect(r.log).toContain("no link to the key");
    expect(leaked(JSON.stringify(r.artifact), h.secrets())).toEqual([]);
    expect(Object.keys(r.artifact)).toEqual(["ok.txt"]);
  });
});
