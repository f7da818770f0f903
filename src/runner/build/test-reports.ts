/**
 * `reports`: JUnit XML and Cucumber JSON files parsed into test cases for `RunnerApi.submitReports`.
 * Other formats are accepted by the buildspec but not parsed yet (the log says so). The files are
 * read inside the build's sandbox and parsed on the host as the untrusted text they are.
 */
import type { XMLParser } from "fast-xml-parser";
import { forEachTarEntry, readAll } from "../../platform/archive/index.js";
import type { Buildspec } from "../../formats/buildspec/index.js";
import type { TestReportSubmission } from "../api.js";
import { selectFiles, WorkspaceError, type Workspace } from "../workspace/index.js";
import { BuildStepError } from "./errors.js";
import { insideBuild } from "./inside-build.js";

type TestCase = TestReportSubmission["testCases"][number];

/** The largest report file parsed; a bigger one is skipped with a log line. */
const MAX_REPORT_FILE_BYTES = 64 * 2 ** 20;

/**
 * Reads every report group's files (inside the build's sandbox); a file that cannot be parsed is
 * logged and skipped. `log` takes container lines.
 */
export async function collectReports(
  buildspec: Buildspec,
  workspace: Workspace,
  log: (line: string) => void,
): Promise<TestReportSubmission[]> {
  const reports: TestReportSubmission[] = [];
  for (const group of buildspec.reports) {
    if (group.fileFormat !== "JUNITXML" && group.fileFormat !== "CUCUMBERJSON") {
      log(`Report group ${group.name}: ${group.fileFormat} files are not parsed yet; skipped`);
      continue;
    }
    const testCases: TestCase[] = [];
    let files: string[] = [];
    try {
      const base = insideBuild(
        workspace.dirs,
        group.baseDirectory ?? ".",
        `reports.${group.name}.base-directory`,
      );
      files = selectFiles(await workspace.list(base, true), group.files);
      if (files.length > 0) {
        const { tar, done } = await workspace.pack(base, files, true);
        await forEachTarEntry(tar, async (entry) => {
          if (entry.type !== "file") return;
          try {
            const text = (await readAll(entry.stream, MAX_REPORT_FILE_BYTES)).toString("utf8");
            const parsed =
              group.fileFormat === "JUNITXML"
                ? await parseJUnit(text, entry.name)
                : parseCucumber(text, entry.name);
            if (parsed.length === 0) {
              log(
                `Warning: report group ${group.name}: ${entry.name} has no test cases ` +
                  `(${group.fileFormat === "JUNITXML" ? "no <testcase> in any <testsuite> or <testsuites>" : "no scenario in any feature"})`,
              );
            }
            testCases.push(...parsed);
          } catch (err) {
            log(`Report group ${group.name}: cannot parse ${entry.name}: ${(err as Error).message}`);
          }
        });
        await done;
      }
    } catch (err) {
      // A group whose base is missing or outside the build yields no test cases; the build goes on.
      if (!(err instanceof WorkspaceError) && !(err instanceof BuildStepError)) throw err;
      log(`Report group ${group.name}: ${err.message}`);
    }
    log(`Report group ${group.name}: ${summary(testCases)} from ${plural(files.length, "file")}`);
    reports.push({ reportGroup: group.name, fileFormat: group.fileFormat, testCases });
  }
  return reports;
}

// Loaded on first use: most builds have no reports, and the parser costs startup time.
let xml: XMLParser | undefined;
async function xmlParser(): Promise<XMLParser> {
  const parser = await import("fast-xml-parser");
  xml ??= new parser.XMLParser({
    ignoreAttributes: false,
    // Attributes apart from children: Node's reporter writes both a failure="…" and a <failure>.
    attributeNamePrefix: "@_",
    isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
  });
  return xml;
}

/** The parts of a JUnit `<testsuite>` we read (attributes and children, as fast-xml-parser gives them). */
interface JUnitSuite {
  "@_name"?: string;
  testsuite?: JUnitSuite[];
  testcase?: Array<{
    "@_name"?: string;
    "@_classname"?: string;
    "@_time"?: string;
    failure?: unknown[];
    error?: unknown[];
    skipped?: unknown[];
  }>;
}

/**
 * Test cases of a JUnit XML file: `<testsuites>` or a single `<testsuite>`, suites nested in
 * suites (Maven Surefire, pytest), and test cases directly under `<testsuites>` (Node's built-in
 * reporter).
 */
export async function parseJUnit(text: string, path: string): Promise<TestCase[]> {
  const doc = (await xmlParser()).parse(text) as { testsuites?: JUnitSuite | ""; testsuite?: JUnitSuite[] };
  if (doc.testsuites === undefined && doc.testsuite === undefined) {
    throw new Error("no <testsuites> or <testsuite> element");
  }
  const suites = typeof doc.testsuites === "object" ? [doc.testsuites] : (doc.testsuite ?? []);
  const cases: TestCase[] = [];
  const visit = (suite: JUnitSuite) => {
    for (const inner of suite.testsuite ?? []) visit(inner);
    for (const tc of suite.testcase ?? []) {
      const failure = tc.failure?.[0] ?? tc.error?.[0];
      const status = tc.failure ? "FAILED" : tc.error ? "ERROR" : tc.skipped ? "SKIPPED" : "SUCCEEDED";
      const message = failure === undefined ? undefined : messageOf(failure);
      cases.push({
        testRawDataPath: path,
        prefix: tc["@_classname"] ?? suite["@_name"],
        name: String(tc["@_name"] ?? ""),
        status,
        durationInNanoSeconds: Math.round(Number(tc["@_time"] ?? 0) * 1e9) || 0,
        ...(message !== undefined && { message }),
      });
    }
  };
  for (const suite of suites) visit(suite);
  return cases;
}

function messageOf(node: unknown): string | undefined {
  if (typeof node === "string") return node;
  if (node && typeof node === "object") {
    const n = node as Record<string, unknown>;
    const parts = [n["@_message"], n["#text"]].filter((p): p is string => typeof p === "string" && p !== "");
    return parts.join("\n") || undefined;
  }
  return undefined;
}

interface CucumberStep {
  result?: { status?: string; duration?: number; error_message?: string };
}
interface CucumberScenario {
  name?: string;
  before?: CucumberStep[];
  steps?: CucumberStep[];
  after?: CucumberStep[];
}

/** Test cases of a Cucumber JSON file: one per scenario, failed when any step failed. */
export function parseCucumber(text: string, path: string): TestCase[] {
  const features = JSON.parse(text) as Array<{ name?: string; elements?: CucumberScenario[] }>;
  if (!Array.isArray(features)) throw new Error("expected a JSON array of features");
  const cases: TestCase[] = [];
  for (const feature of features) {
    for (const scenario of feature.elements ?? []) {
      const steps: CucumberStep[] = [
        ...(scenario.before ?? []),
        ...(scenario.steps ?? []),
        ...(scenario.after ?? []),
      ];
      const statuses = steps.map((s) => String(s.result?.status ?? "undefined"));
      const failed = steps.find((s) => s.result?.status === "failed");
      const status = failed
        ? "FAILED"
        : statuses.every((s) => s === "passed")
          ? "SUCCEEDED"
          : statuses.some((s) => s === "skipped" || s === "pending")
            ? "SKIPPED"
            : "UNKNOWN";
      const duration = steps.reduce((sum, s) => sum + (Number(s.result?.duration) || 0), 0);
      const message = failed?.result?.error_message;
      cases.push({
        testRawDataPath: path,
        prefix: feature.name ?? "",
        name: String(scenario.name ?? ""),
        status,
        durationInNanoSeconds: duration,
        ...(message !== undefined && { message: String(message) }),
      });
    }
  }
  return cases;
}

/** `3 test cases (2 succeeded, 1 failed, 0 skipped)`. */
function summary(cases: TestCase[]): string {
  const count = (...statuses: string[]) => cases.filter((t) => statuses.includes(t.status)).length;
  return (
    `${plural(cases.length, "test case")} (${count("SUCCEEDED")} succeeded, ` +
    `${count("FAILED", "ERROR")} failed, ${count("SKIPPED")} skipped)`
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
