import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { createQueue, isLeaseOwnerGone, isOtherLeaseOwnerDead } from "./index.js";

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

describe("isOtherLeaseOwnerDead", () => {
  it("is never this process, and otherwise as isLeaseOwnerGone", () => {
    expect(isOtherLeaseOwnerDead(`${hostname()}/${process.pid}/abcd1234`)).toBe(false);
    expect(isOtherLeaseOwnerDead(`${hostname()}/${spawnSync("true").pid}/abcd1234`)).toBe(true);
    expect(isOtherLeaseOwnerDead(`${hostname()}/${process.ppid}/abcd1234`)).toBe(false);
    expect(isOtherLeaseOwnerDead(`another-host/999999/abcd1234`)).toBe(false);
  });
});

describe.each(dialects())("leases of dead processes on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  it("are ended by reap, so their jobs run again at once; live owners keep theirs", async () => {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const queue = createQueue({ store: t.store });
    const dead = `${hostname()}/${spawnSync("true").pid}/dead0000`;
    const live = `${hostname()}/${process.ppid}/live0000`;
    await queue.enqueue(t.store.db, { kind: "a", payload: {} });
    await queue.enqueue(t.store.db, { kind: "b", payload: {} });
    expect((await queue.claim({ owner: dead, kinds: ["a"], leaseMs: 60_000 }))?.kind).toBe("a");
    expect((await queue.claim({ owner: live, kinds: ["b"], leaseMs: 60_000 }))?.kind).toBe("b");
    const me = `${hostname()}/${process.pid}/me000000`;
    expect(await queue.claim({ owner: me, kinds: ["a", "b"], leaseMs: 60_000 })).toBeUndefined();

    await queue.reap();
    const again = await queue.claim({ owner: me, kinds: ["a", "b"], leaseMs: 60_000 });
    expect([again?.kind, again?.attempts]).toEqual(["a", 2]);
    expect(await queue.claim({ owner: me, kinds: ["a", "b"], leaseMs: 60_000 })).toBeUndefined();
  });
});
