import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ZipWriter } from "../../platform/archive/index.js";
import { build, fakeApi, testJob, testSandbox, workRoot, zipNames } from "./fixtures/fake-api.fixture.js";
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

  it("restores the cache before INSTALL and saves cache.paths after the build, HOME included", async () => {
    const { api } = fakeApi({
      "buildspec.yml": [
        "version: 0.2",
        "phases:",
        "  install:",
        "    commands:",
        "      - cat deps/cached.txt",
        "      - cat /root/.m2/repo.txt",
        "      - echo new > deps/fresh.txt",
        "cache:",
        "  paths:",
        "    - 'deps/**/*'",
        "    - '/root/.m2/**/*'",
        "    - '/etc/**/*'",
      ].join("\n"),
    });
    let saved: string[] = [];
    api.restoreCache = async (_job, zipFile) => {
      // A cache as an earlier build saved it.
      const zip = await ZipWriter.create(zipFile);
      zip.addDirectory(".pipewright-cache-v2");
      await zip.addStream("src/deps/cached.txt", Readable.from([Buffer.from("restored from cache\n")]), {});
      await zip.addStream("abs/root/.m2/repo.txt", Readable.from([Buffer.from("maven repository\n")]), {});
      await zip.close();
      return true;
    };
    api.saveCache = async (_job, zipFile) => {
      saved = await zipNames(zipFile);
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
      expect(lines).toContain("maven repository");
      expect(
        lines.some((l) => l.endsWith("Cache path /etc/**/* is outside the build's directories; not cached")),
      ).toBe(true);
      expect(saved).toEqual(["abs/root/.m2/repo.txt", "src/deps/cached.txt", "src/deps/fresh.txt"]);
    } finally {
      await root.remove();
    }
  });
});
