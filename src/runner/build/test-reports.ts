/**
 * `reports`: JUnit XML and Cucumber JSON files parsed into test cases for `RunnerApi.submitReports`.
 * Other formats are accepted by the buildspec but not parsed yet (the log says so).
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { XMLParser } from "fast-xml-parser";
import type { Buildspec } from "../../formats/buildspec/index.js";
import type { TestReportSubmission } from "../api.js";
import { collectFiles } from "./collect-files.js";

type TestCase = TestReportSubmission["testCases"][number];

/** Reads every report group's files; a file that cannot be parsed is logged and skipped. */
export async function collectReports(
  buildspec: Buildspec,
  srcDir: string,
  log: (line: string) => void,
): Promise<TestReportSubmission[]> {
  const reports: TestReportSubmission[] = [];
  for (const group of buildspec.reports) {
    const base = resolve(srcDir, group.baseDirectory ?? ".");
    const files = await collectFiles(base, group.files);
    if (group.fileFormat !== "JUNITXML" && group.fileFormat !== "CUCUMBERJSON") {
      log(`[Container] Report group ${group.name}: ${group.fileFormat} files are not parsed yet; skipped`);
      continue;
    }
    const testCases: TestCase[] = [];
    for (const file of files) {
      try {
        const text = await readFile(join(base, file), "utf8");
        const parsed =
          group.fileFormat === "JUNITXML" ? await parseJUnit(text, file) : parseCucumber(text, file);
        testCases.push(...parsed);
      } catch (err) {
        log(`[Container] Report group ${group.name}: cannot parse ${file}: ${(err as Error).message}`);
      }
    }
    log(`[Container] Report group ${group.name}: ${testCases.length} test cases from ${files.length} files`);
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
    attributeNamePrefix: "",
    isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
  });
  return xml;
}

/** The parts of a JUnit `<testsuite>` we read (attributes and children, as fast-xml-parser gives them). */
interface JUnitSuite {
  name?: string;
  testsuite?: JUnitSuite[];
  testcase?: Array<{
    name?: string;
    classname?: string;
    time?: string;
    failure?: unknown[];
    error?: unknown[];
    skipped?: unknown[];
  }>;
}

/** Test cases of a JUnit XML file (`<testsuites>` or a single `<testsuite>`). */
export async function parseJUnit(text: string, path: string): Promise<TestCase[]> {
  const doc = (await xmlParser()).parse(text) as { testsuites?: JUnitSuite | ""; testsuite?: JUnitSuite[] };
  if (doc.testsuites === undefined && doc.testsuite === undefined) {
    throw new Error("no <testsuites> or <testsuite> element");
  }
  const suites = (typeof doc.testsuites === "object" ? doc.testsuites.testsuite : doc.testsuite) ?? [];
  const cases: TestCase[] = [];
  const visit = (suite: JUnitSuite) => {
    for (const inner of suite.testsuite ?? []) visit(inner);
    for (const tc of suite.testcase ?? []) {
      const failure = tc.failure?.[0] ?? tc.error?.[0];
      const status = tc.failure ? "FAILED" : tc.error ? "ERROR" : tc.skipped ? "SKIPPED" : "SUCCEEDED";
      const message = failure === undefined ? undefined : messageOf(failure);
      cases.push({
        testRawDataPath: path,
        prefix: tc.classname ?? suite.name,
        name: String(tc.name ?? ""),
        status,
        durationInNanoSeconds: Math.round(Number(tc.time ?? 0) * 1e9) || 0,
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
    const parts = [n.message, n["#text"]].filter((p): p is string => typeof p === "string" && p !== "");
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
