import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { acquireSubscription, ensureSubscription } from "./subscriptions.js";

// A subscriber's lease held by a process of this machine that died is taken at once; a live
// holder's is respected until it runs out.
describe.each(dialects())("subscriber leases on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  it("takes a dead process's lease now and leaves a live one's alone", async () => {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const db = t.store.db;
    const now = Date.now();
    const dead = `${hostname()}/${spawnSync("true").pid}/dead0000`;
    const live = `${hostname()}/${process.ppid}/live0000`;
    for (const name of ["held-by-dead", "held-by-live"]) await ensureSubscription(db, name, 7, now);
    expect(await acquireSubscription(db, "held-by-dead", dead, now, 60_000)).toEqual({
      cursor: 7,
      attempts: 0,
    });
    expect(await acquireSubscription(db, "held-by-live", live, now, 60_000)).toBeDefined();

    const me = `${hostname()}/${process.pid}/me000000`;
    expect(await acquireSubscription(db, "held-by-dead", me, now + 1, 60_000)).toEqual({
      cursor: 7,
      attempts: 0,
    });
    expect(await acquireSubscription(db, "held-by-live", me, now + 1, 60_000)).toBeUndefined();
    const owners = await db
      .selectFrom("event_subscriptions")
      .select(["name", "lease_owner"])
      .orderBy("name")
      .execute();
    expect(owners).toEqual([
      { name: "held-by-dead", lease_owner: me },
      { name: "held-by-live", lease_owner: live },
    ]);
  });
});
