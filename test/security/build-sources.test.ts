/**
 * What comes into a build — its source zip, its buildspec, a restored cache — and what goes from it
 * into the server's records — test reports — is unpacked and read inside the build's sandbox: an
 * archive entry with `..`, a link in an archive, a buildspec or report that is a link to a host
 * file, a poisoned cache, none reaches the host.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  BatchGetReportsCommand,
  DescribeTestCasesCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForBuild } from "../e2e/codebuild-support.js";
import { buildspecOf, failure, Harness, leaked, snapshot, zipWith } from "./support.js";

const ECHO = "version: 0.2\nphases:\n  build:\n    commands:\n      - ls -la\n";

describe("sources, buildspecs, caches and reports stay within the build", () => {
  let h: Harness;
  let dataDir: string;
  beforeAll(async () => {
    h = await Harness.start();
    dataDir = h.server.dataDir;
  });
  afterAll(async () => {
    await h.stop();
  });

  it("refuses a source zip whose entries climb out (zip-slip), and writes nothing outside", async () => {
    const before = snapshot(dataDir);
    for (const evil of ["../../../../evil.txt", "../../../../../../../tmp/pw-zip-slip", "/etc/pw-zip-slip"]) {
      const r = await h.run({ buildspec: ECHO, source: { "ok.txt": "ok", [evil]: "pwned" } });
      expect(r.build.buildStatus).toBe("FAILED");
      expect(failure(r.build)).toMatchObject({
        phase: "DOWNLOAD_SOURCE",
        message: expect.stringMatching(
          /CLIENT_ERROR: cannot download source: archive entry .*(outside|absolute)/,
        ) as string,
      });
    }
    const after = snapshot(dataDir);
    const added = [...after.keys()].filter(
      (f) => !before.has(f) && !/^(blobs|pipewright\.db|builds)/.test(f),
    );
    expect(added).toEqual([]);
    expect(readFileSync("/etc/hostname", "utf8")).not.toContain("pwned");
  });

  it("unpacks links from a source zip as links, and never writes through one to the host", async () => {
    const passwd = createHash("sha256").update(readFileSync("/etc/passwd")).digest("hex");
    const r = await h.run({
      buildspec: ECHO,
      source: { "etc-link": { link: "/etc" }, "etc-link/passwd": "pwned:x:0:0::/:/bin/sh\n" },
    });
    // Inside the sandbox /etc is read-only: the write through the link fails the download.
    expect(r.build.buildStatus).toBe("FAILED");
    expect(failure(r.build)?.phase).toBe("DOWNLOAD_SOURCE");
    expect(createHash("sha256").update(readFileSync("/etc/passwd")).digest("hex")).toBe(passwd);
  });

  it("reads a buildspec that is a link to a host file as the build would: not at all", async () => {
    for (const target of ["/etc/shadow", path.join(dataDir, "credentials"), "/root/.ssh/id_rsa"]) {
      const r = await h.run({ buildspec: "buildspec.yml", source: { "buildspec.yml": { link: target } } });
      expect(r.build.buildStatus).toBe("FAILED");
      const why = failure(r.build);
      expect(why?.phase).toBe("DOWNLOAD_SOURCE");
      expect(why?.message).toMatch(/YAML_FILE_ERROR/);
      expect(leaked(why!.message + r.log, h.secrets())).toEqual([]);
      expect(why?.message).not.toContain("aws_secret_access_key");
    }
  });

  it("restores a poisoned cache only into the build's own directories", async () => {
    const buildspec = buildspecOf(["cat deps/ok.txt"], ["cache:", "  paths: ['deps/**/*']"]);
    // The first build makes the project; then its cache is replaced by a hostile one.
    const first = await h.run({ buildspec, cache: { type: "LOCAL", modes: ["LOCAL_CUSTOM_CACHE"] } });
    const project = first.build.projectName!;
    const cacheFile = path.join(
      dataDir,
      "codebuild-cache",
      "000000000000",
      "us-east-1",
      project,
      "cache.zip",
    );
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(
      cacheFile,
      await zipWith({
        ".pipewright-cache-v2": "",
        "src/deps/ok.txt": "cache restored",
        "abs/etc/pw-cache-escape": "pwned",
        [`abs/${dataDir.slice(1)}/pw-cache-escape`]: "pwned",
        "src/../../../../pw-cache-escape": "pwned",
      }),
    );
    const before = snapshot(dataDir);
    const started = await h.codebuild.send(new StartBuildCommand({ projectName: project }));
    const build = await waitForBuild(h.codebuild, started.build!.id!);
    const log = await h.logText(build);
    // Entries outside the build are skipped; the unsafe name stops the restore with a warning, and
    // the build goes on with what was restored before it, as AWS goes on without a cache.
    expect(build.buildStatus).toBe("SUCCEEDED");
    expect(log).toContain("cache restored");
    expect(log).toMatch(/Warning: the project's cache could not be restored fully: archive entry/);
    expect(log).not.toContain("pwned");
    const added = [...snapshot(dataDir).keys()].filter(
      (f) => !before.has(f) && f.includes("pw-cache-escape"),
    );
    expect(added).toEqual([]);
  });

  it("parses report files inside the build's view: links to the server's files find nothing", async () => {
    const r = await h.run({
      buildspec: buildspecOf(
        [
          `mkdir reports && ln -s '${path.join(dataDir, "credentials")}' reports/creds.xml`,
          "ln -s /etc/shadow reports/shadow.xml",
          'echo \'<testsuite name="s"><testcase name="real"/></testsuite>\' > reports/real.xml',
        ],
        ["reports:", "  unit:", "    files: ['reports/*.xml']"],
      ),
    });
    expect(r.build.buildStatus).toBe("SUCCEEDED");
    expect(leaked(r.log, h.secrets())).toEqual([]);
    const reports = await h.codebuild.send(
      new BatchGetReportsCommand({ reportArns: r.build.reportArns ?? [] }),
    );
    const arn = reports.reports?.[0]?.arn;
    expect(arn).toBeDefined();
    const cases = await h.codebuild.send(new DescribeTestCasesCommand({ reportArn: arn }));
    expect(cases.testCases?.map((c) => c.name)).toEqual(["real"]);
    expect(leaked(JSON.stringify(cases), h.secrets())).toEqual([]);
  });
});
