import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import type { Store } from "../../platform/store/index.js";
import { appendLogEvents } from "./append.js";
import { watchLogStream } from "./notifier.js";
import { findLogStreamId, readLogEventsAfter } from "./read-after.js";

const ref = { accountId: "000000000000", region: "us-east-1", group: "/aws/codebuild/p", stream: "s1" };

describe.each(dialects())("reading a stream after a line on %s", (dialect) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  afterEach(async () => {
    await cleanup();
  });

  it("pages through lines in order from any sequence number, and wakes watchers on append", async () => {
    ({ store, cleanup } = await openTestStore(dialect));
    expect(await findLogStreamId(store.db, ref)).toBeUndefined();
    let wakes = 0;
    const stop = watchLogStream(ref, () => wakes++);
    const lines = ["a", "b", "c", "d", "e"].map((message, i) => ({ timestamp: 1000 + i, message }));
    await appendLogEvents(store.db, { ...ref, lines: lines.slice(0, 3) });
    await appendLogEvents(store.db, { ...ref, lines: lines.slice(3) });
    await appendLogEvents(store.db, { ...ref, stream: "other", lines: [{ timestamp: 1, message: "x" }] });
    stop();
    await appendLogEvents(store.db, { ...ref, lines: [{ timestamp: 2000, message: "f" }] });
    expect(wakes).toBe(2);

    const id = (await findLogStreamId(store.db, ref))!;
    expect(await readLogEventsAfter(store.db, id, -1, 2)).toEqual([
      { seq: 0, timestamp: 1000, message: "a" },
      { seq: 1, timestamp: 1001, message: "b" },
    ]);
    const rest = await readLogEventsAfter(store.db, id, 1, 100);
    expect(rest.map((e) => e.message)).toEqual(["c", "d", "e", "f"]);
    expect(await readLogEventsAfter(store.db, id, 5, 100)).toEqual([]);
  });
});
