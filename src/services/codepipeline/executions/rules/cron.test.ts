import { describe, expect, it } from "vitest";
import { CronError, isOpen, localTimeIn, nextOpening, parseCron } from "./cron.js";
import { MATCH_TIMEOUT_MS, safeMatch } from "./safe-match.js";

const utc = localTimeIn("UTC");
const at = (iso: string) => Date.parse(iso);
const open = (expression: string, iso: string, zone = "UTC") =>
  isOpen(parseCron(expression), localTimeIn(zone), at(iso));
const next = (expression: string, iso: string, zone = "UTC") => {
  const found = nextOpening(parseCron(expression), localTimeIn(zone), at(iso));
  return found === undefined ? undefined : new Date(found).toISOString();
};

describe("DeploymentWindow cron expressions", () => {
  it("matches ranges, lists, increments and names in the rule's time zone", () => {
    // Monday 7 January 2030.
    expect(open("* * 9-17 ? * MON-FRI", "2030-01-07T09:30:00Z")).toBe(true);
    expect(open("* * 9-17 ? * MON-FRI", "2030-01-06T09:30:00Z")).toBe(false); // Sunday
    expect(open("* 0/15 * ? * *", "2030-01-07T09:45:00Z")).toBe(true);
    expect(open("* 0/15 * ? * *", "2030-01-07T09:46:00Z")).toBe(false);
    expect(open("0 * 10,14 ? JAN,JUL *", "2030-01-07T14:00:00Z")).toBe(true);
    expect(open("* * 10-11 ? * 2", "2030-01-07T09:30:00Z", "Europe/Paris")).toBe(true); // 10:30 in Paris
    expect(open("* * * ? * * 2031", "2030-01-07T09:30:00Z")).toBe(false);
  });

  it("knows L, L-n, W, nL and n#k", () => {
    expect(open("* * * L * ?", "2030-02-28T12:00:00Z")).toBe(true);
    expect(open("* * * L-1 * ?", "2030-01-30T12:00:00Z")).toBe(true);
    // 1 June 2030 is a Saturday: 1W is Monday the 3rd.
    expect(open("* * * 1W * ?", "2030-06-03T12:00:00Z")).toBe(true);
    expect(open("* * * 1W * ?", "2030-06-01T12:00:00Z")).toBe(false);
    expect(open("* * * ? * 6L", "2030-01-25T12:00:00Z")).toBe(true); // last Friday of January
    expect(open("* * * ? * 6L", "2030-01-18T12:00:00Z")).toBe(false);
    expect(open("* * * ? * MON#2", "2030-01-14T12:00:00Z")).toBe(true);
    expect(open("* * * ? * MON#2", "2030-01-07T12:00:00Z")).toBe(false);
  });

  it("finds the next opening, skipping days and hours that cannot match", () => {
    expect(next("* * 10-11 ? * MON-FRI", "2030-01-05T08:00:00Z")).toBe("2030-01-07T10:00:00.000Z");
    expect(next("* 30 22 ? * *", "2030-01-07T22:31:00Z", "Asia/Kolkata")).toBe("2030-01-08T17:00:00.000Z");
    expect(next("* * * 29 FEB ? *", "2030-03-01T00:00:00Z")).toBe("2032-02-29T00:00:00.000Z");
    expect(next("* * * ? * * 2199", "2030-01-01T00:00:00Z")).toBeUndefined();
  });

  it("says which field is wrong", () => {
    const error = (expression: string) => {
      try {
        parseCron(expression);
      } catch (e) {
        expect(e).toBeInstanceOf(CronError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(error("* * *")).toBe(
      "it has 3 fields; it needs 6 or 7: seconds minutes hours day-of-month month day-of-week [year].",
    );
    expect(error("* 61 * ? * *")).toBe('minutes has "61"; values go from 0 to 59.');
    expect(error("* * * ? FOO *")).toBe('month has "FOO", which is not a number or a name.');
    expect(error("5 * * ? * *")).toBe('seconds must be "*" (or 0), got "5".');
    expect(error(`* * * ? * ${"1,".repeat(200)}1`)).toBe("the expression is longer than 256 characters.");
    expect(() => localTimeIn("Mars/Olympus")).toThrow(/not an IANA time zone/);
    expect(utc(at("2030-01-07T09:30:00Z"))).toMatchObject({ weekday: 2, hour: 9, minute: 30 });
  });
});

describe("MATCHES on hostile patterns", () => {
  it("matches whole values, and bounds catastrophic backtracking by time", () => {
    expect(safeMatch("release-[0-9]+", "release-12")).toEqual({ kind: "matched" });
    expect(safeMatch("release", "pre-release-1")).toEqual({ kind: "unmatched" });
    expect(safeMatch("(", "x")).toMatchObject({ kind: "invalid" });
    expect(safeMatch("(a+)+$", `${"a".repeat(50)}!`)).toEqual({
      kind: "invalid",
      message: `the pattern took longer than ${MATCH_TIMEOUT_MS} ms to match (it backtracks catastrophically); simplify it.`,
    });
    // Run to its end, that match would outlast the test's own timeout by ages: it was interrupted.
    expect(safeMatch("a".repeat(1001), "a")).toMatchObject({ kind: "invalid" });
  });
});
