import { describe, expect, it } from "vitest";
import { openTestStore } from "../../../test/support/stores.js";
import { appendLogEvents } from "./append.js";
import { packChunks, unpackChunk } from "./chunks.js";
import { findLogStreamId, readLogEventsAfter } from "./read-after.js";

describe("log chunks", () => {
  it("packs consecutive lines, at most 1000 lines or 256 KiB a chunk, keeping each timestamp", () => {
    const lines = Array.from({ length: 2500 }, (_, i) => ({ timestamp: 5000 - i, message: `line ${i}` }));
    const chunks = packChunks(7, 10, 99, lines);
    expect(chunks.map((c) => [c.first_seq, c.last_seq])).toEqual([
      [10, 1009],
      [1010, 2009],
      [2010, 2509],
    ]);
    expect(chunks[0]).toMatchObject({
      stream_id: 7,
      first_timestamp: 4001,
      last_timestamp: 5000,
      ingestion_time: 99,
    });
    expect(chunks.flatMap(unpackChunk).map((e) => [e.seq, e.timestamp, e.message])).toEqual(
      lines.map((l, i) => [10 + i, l.timestamp, l.message]),
    );
    const big = packChunks(1, 0, 0, [
      { timestamp: 1, message: "x".repeat(200 * 1024) },
      { timestamp: 2, message: "y".repeat(200 * 1024) },
    ]);
    expect(big).toHaveLength(2);
  });

  it("reads any page of a stream of many chunks in order", async () => {
    const { store, cleanup } = await openTestStore("sqlite");
    try {
      const ref = { accountId: "000000000000", region: "us-east-1", group: "/g", stream: "s" };
      let n = 0;
      // Appends of varied sizes make chunks of varied lengths, as a build's log batches do.
      for (const size of [1, 7, 1500, 3, 999, 1001, 2, 64]) {
        const lines = Array.from({ length: size }, () => ({ timestamp: 1000 + n, message: `m${n++}` }));
        await appendLogEvents(store.db, { ...ref, lines });
      }
      const id = (await findLogStreamId(store.db, ref))!;
      for (const [after, limit] of [
        [-1, 5000],
        [0, 10],
        [7, 1],
        [1500, 2000],
        [3575, 10],
        [n - 2, 10],
      ] as const) {
        const got = await readLogEventsAfter(store.db, id, after, limit);
        const want = Array.from(
          { length: Math.max(0, Math.min(limit, n - after - 1)) },
          (_, i) => after + 1 + i,
        );
        expect(got.map((e) => e.seq)).toEqual(want);
        expect(got.map((e) => e.message)).toEqual(want.map((s) => `m${s}`));
      }
    } finally {
      await cleanup();
    }
  });
});
