import { rm } from "node:fs/promises";
import yauzl from "yauzl";
import { describe, expect, it } from "vitest";
import { build } from "./fixtures/fake-api.fixture.js";

const FILES = {
  "dist/app.js": "app",
  "dist/lib/util.js": "util",
  "dist/lib/util.js.map": "map",
  "dist/.hidden": "dot",
  "README.md": "readme",
};

function spec(artifacts: string): string {
  return `version: 0.2\nphases:\n  build:\n    commands:\n      - echo built > dist/built.txt\nartifacts:\n${artifacts}`;
}

async function zipEntries(file: string): Promise<string[]> {
  const names = await new Promise<string[]>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: false, autoClose: true }, (err, zip) => {
      if (err) return reject(err);
      const found: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => found.push(entry.fileName));
      zip.on("end", () => resolve(found));
      zip.on("error", reject);
    });
  });
  await rm(file, { force: true });
  return names.sort();
}

describe("artifacts", () => {
  it("collects **/* under base-directory with exclude-paths into a directory (packaging NONE)", async () => {
    const r = await build(
      spec("  base-directory: dist\n  files:\n    - '**/*'\n  exclude-paths:\n    - '**/*.map'\n"),
      {
        files: FILES,
        job: { artifacts: { type: "S3", location: "bucket", name: "out", packaging: "NONE" } },
      },
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(r.uploads).toEqual([
      { name: "out", packaging: "NONE", files: [".hidden", "app.js", "built.txt", "lib/util.js"] },
    ]);
    expect(r.outcome.artifacts).toMatchObject({ location: "fake://out" });
  });

  it("zips with discard-paths (packaging ZIP)", async () => {
    const r = await build(spec("  files:\n    - dist/**/*.js\n    - README.md\n  discard-paths: yes\n"), {
      files: FILES,
      job: { artifacts: { type: "S3", location: "bucket", name: "out.zip", packaging: "ZIP" } },
    });
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(await zipEntries(r.uploads[0]!.zipFile!)).toEqual(["README.md", "app.js", "util.js"]);
  });

  it("fails UPLOAD_ARTIFACTS with CLIENT_ERROR when the globs match nothing", async () => {
    const r = await build(spec("  files:\n    - 'nothing/**/*'\n"), {
      files: FILES,
      job: { artifacts: { type: "S3", location: "bucket", name: "out", packaging: "NONE" } },
    });
    expect(r.outcome.status).toBe("FAILED");
    expect(r.outcome.phases.find((p) => p.phaseType === "UPLOAD_ARTIFACTS")).toMatchObject({
      phaseStatus: "FAILED",
      contexts: [{ statusCode: "CLIENT_ERROR", message: "no matching artifact paths found" }],
    });
  });

  it("uploads secondary artifacts by identifier", async () => {
    const r = await build(
      spec(
        "  files:\n    - README.md\n  secondary-artifacts:\n    docs:\n      files:\n        - README.md\n      name: docs-out\n",
      ),
      {
        files: FILES,
        job: {
          secondaryArtifacts: [
            { type: "S3", location: "bucket", artifactIdentifier: "docs", packaging: "NONE", name: "docs" },
          ],
        },
      },
    );
    expect(r.outcome.secondaryArtifacts).toEqual([{ location: "fake://docs", artifactIdentifier: "docs" }]);
  });
});

describe("reports", () => {
  it("parses JUnit XML into test cases", async () => {
    const junit = `<?xml version="1.0"?>
<testsuites><testsuite name="suite">
  <testcase classname="math" name="adds" time="0.5"/>
  <testcase classname="math" name="divides" time="0.25"><failure message="divide by zero">trace</failure></testcase>
  <testcase classname="math" name="later"><skipped/></testcase>
</testsuite></testsuites>`;
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\nreports:\n  unit:\n    files:\n      - 'reports/*.xml'\n",
      { files: { "reports/junit.xml": junit } },
    );
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]).toMatchObject({ reportGroup: "unit", fileFormat: "JUNITXML" });
    expect(r.reports[0]!.testCases).toEqual([
      {
        testRawDataPath: "reports/junit.xml",
        prefix: "math",
        name: "adds",
        status: "SUCCEEDED",
        durationInNanoSeconds: 5e8,
      },
      {
        testRawDataPath: "reports/junit.xml",
        prefix: "math",
        name: "divides",
        status: "FAILED",
        durationInNanoSeconds: 2.5e8,
        message: "divide by zero\ntrace",
      },
      {
        testRawDataPath: "reports/junit.xml",
        prefix: "math",
        name: "later",
        status: "SKIPPED",
        durationInNanoSeconds: 0,
      },
    ]);
  });

  it("parses Cucumber JSON scenarios", async () => {
    const cucumber = JSON.stringify([
      {
        name: "Login",
        elements: [
          { name: "ok", steps: [{ result: { status: "passed", duration: 10 } }] },
          { name: "bad", steps: [{ result: { status: "failed", duration: 5, error_message: "boom" } }] },
        ],
      },
    ]);
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\nreports:\n  bdd:\n    file-format: CUCUMBERJSON\n    files:\n      - cucumber.json\n",
      { files: { "cucumber.json": cucumber } },
    );
    expect(r.reports[0]!.testCases.map((t) => [t.name, t.status, t.message])).toEqual([
      ["ok", "SUCCEEDED", undefined],
      ["bad", "FAILED", "boom"],
    ]);
  });
});
