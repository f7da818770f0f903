/**
 * JUnit XML as the common producers write it: Node's built-in reporter and pytest, run for real;
 * jest-junit, Maven Surefire and gotestsum from samples of their output (the tools are not here).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseJUnit } from "./test-reports.js";

const run = promisify(execFile);
const fixtures = path.join(import.meta.dirname, "fixtures", "reports");

/** name → status of each test case. */
async function statuses(xml: string): Promise<Record<string, string>> {
  const cases = await parseJUnit(xml, "report.xml");
  return Object.fromEntries(cases.map((c) => [c.name, c.status]));
}

const pytestInstalled = await run("python3", ["-m", "pytest", "--version"]).then(
  () => true,
  () => false,
);

describe("JUnit reports of common producers", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pw-reports-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Node's built-in reporter: test cases directly under <testsuites>", async () => {
    writeFileSync(
      path.join(dir, "cart.test.mjs"),
      [
        'import test from "node:test";',
        'test("adds", () => {});',
        'test("discounts", () => { throw new Error("want 90"); });',
        'test("empties", { skip: "not yet" }, () => {});',
      ].join("\n"),
    );
    const out = path.join(dir, "node.xml");
    await run(
      process.execPath,
      ["--test", "--test-reporter=junit", `--test-reporter-destination=${out}`, "cart.test.mjs"],
      { cwd: dir },
    ).catch(() => undefined); // a failing test makes node exit 1
    const cases = await parseJUnit(readFileSync(out, "utf8"), "node.xml");
    expect(Object.fromEntries(cases.map((c) => [c.name, c.status]))).toEqual({
      adds: "SUCCEEDED",
      discounts: "FAILED",
      empties: "SKIPPED",
    });
    expect(cases.find((c) => c.name === "discounts")?.message).toContain("want 90");
  });

  it.runIf(pytestInstalled)("pytest --junitxml", async () => {
    writeFileSync(
      path.join(dir, "test_cart.py"),
      [
        "import pytest",
        "def test_adds(): assert 1 + 1 == 2",
        "def test_discounts(): assert 100 == 90",
        "@pytest.mark.skip(reason='not yet')",
        "def test_empties(): pass",
        "def test_errors(): raise RuntimeError('boom')",
      ].join("\n"),
    );
    const out = path.join(dir, "pytest.xml");
    await run(
      "python3",
      ["-m", "pytest", "-q", "-p", "no:cacheprovider", `--junitxml=${out}`, "test_cart.py"],
      {
        cwd: dir,
      },
    ).catch(() => undefined);
    expect(await statuses(readFileSync(out, "utf8"))).toEqual({
      test_adds: "SUCCEEDED",
      test_discounts: "FAILED",
      test_empties: "SKIPPED",
      test_errors: "FAILED",
    });
  });

  it("jest-junit, Maven Surefire and gotestsum samples", async () => {
    const read = (name: string) => readFileSync(path.join(fixtures, name), "utf8");
    expect(await statuses(read("jest-junit.xml"))).toEqual({
      "cart adds an item": "SUCCEEDED",
      "cart applies a discount": "FAILED",
      "cart empties": "SKIPPED",
    });
    expect(await statuses(read("surefire.xml"))).toEqual({
      adds: "SUCCEEDED",
      divides: "FAILED",
      parses: "ERROR",
    });
    const surefire = await parseJUnit(read("surefire.xml"), "surefire.xml");
    expect(surefire.find((c) => c.name === "divides")?.message).toContain("expected: <2> but was: <3>");
    expect(surefire[0]?.prefix).toBe("com.example.CalculatorTest");
    expect(await statuses(read("gotestsum.xml"))).toEqual({
      TestAdd: "SUCCEEDED",
      TestDiscount: "FAILED",
      TestEmpty: "SKIPPED",
    });
  });

  it("an empty report is no test cases (the build log warns), not an error", async () => {
    expect(await parseJUnit('<?xml version="1.0"?><testsuites></testsuites>', "empty.xml")).toEqual([]);
  });
});
