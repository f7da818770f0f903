import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { build, fakeApi, testJob, testSandbox, workRoot } from "./fixtures/fake-api.fixture.js";
import { runBuild } from "./index.js";

describe("secondary sources and cache", () => {
  it("fetches secondary sources into CODEBUILD_SRC_DIR_<identifier>", async () => {
    const r = await build(
      'version: 0.2\nphases:\n  build:\n    commands:\n      - cat "$CODEBUILD_SRC_DIR_lib/lib.txt"\n      - test "$CODEBUILD_SRC_DIR_lib" != "$CODEBUILD_SRC_DIR"\n',
      {
        files: { "lib.txt": "from lib" },
        job: { secondarySources: [{ type: "S3", location: "b/lib.zip", sourceIdentifier: "lib" }] },
      },
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(r.text).toContain("from lib");
  });

  it("restores the cache before INSTALL and saves cache.paths after the build", async () => {
    const { api } = fakeApi({
      "buildspec.yml":
        "version: 0.2\nphases:\n  install:\n    commands:\n      - cat deps/cached.txt\n      - echo new > deps/fresh.txt\ncache:\n  paths:\n    - 'deps/**/*'\n",
    });
    let saved: string[] = [];
    api.restoreCache = async (_job, dir) => {
      await mkdir(join(dir, "deps"), { recursive: true });
      await writeFile(join(dir, "deps/cached.txt"), "restored from cache\n");
      return true;
    };
    api.saveCache = async (_job, dir) => {
      saved = (await readdir(join(dir, "deps"))).sort();
    };
    const lines: string[] = [];
    const appendLogs = api.appendLogs.bind(api);
    api.appendLogs = async (job, batch) => {
      lines.push(...batch.map((l) => l.message));
      await appendLogs(job, batch);
    };
    const root = await workRoot();
    try {
      const outcome = await runBuild(testJob({ cache: { type: "LOCAL" } }), api, {
        signal: new AbortController().signal,
        workRoot: root.dir,
        sandbox: await testSandbox(),
      });
      expect(outcome.status).toBe("SUCCEEDED");
      expect(lines).toContain("restored from cache");
      expect(saved).toEqual(["cached.txt", "fresh.txt"]);
    } finally {
      await root.remove();
    }
  });
});
