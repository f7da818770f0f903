import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { isLeaseOwnerGone } from "./index.js";

describe("isLeaseOwnerGone", () => {
  it("calls a finished process of this machine gone, and this process too", () => {
    const child = spawnSync("true");
    expect(isLeaseOwnerGone(`${hostname()}/${child.pid}/abcd1234`)).toBe(true);
    expect(isLeaseOwnerGone(`${hostname()}/${process.pid}/abcd1234`)).toBe(true);
  });

  it("respects a live process, another machine and owners of another form", () => {
    expect(isLeaseOwnerGone(`${hostname()}/${process.ppid}/abcd1234`)).toBe(false);
    expect(isLeaseOwnerGone(`another-host/${process.ppid}/abcd1234`)).toBe(false);
    expect(isLeaseOwnerGone("test-owner")).toBe(false);
  });
});
