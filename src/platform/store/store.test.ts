import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { afterCommit } from "./after-commit.js";

describe.each(dialects())("store on %s", (dialect) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it("migrates an empty database and commits a transaction", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await t.store.transaction(async (trx) => {
      await trx
        .insertInto("iam_users")
        .values({
          user_id: "u1",
          account_id: "000000000000",
          user_name: "root",
          path: "/",
          arn: "arn:aws:iam::000000000000:root",
          is_root: 1,
          created_at: 1_700_000_000_123,
        })
        .execute();
    });
    const row = await t.store.db.selectFrom("iam_users").selectAll().executeTakeFirstOrThrow();
    expect(row.created_at).toBe(1_700_000_000_123);
    expect(typeof row.created_at).toBe("number");
  });

  it("rolls a transaction back when it throws", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await expect(
      t.store.transaction(async (trx) => {
        await trx
          .insertInto("iam_users")
          .values({
            user_id: "u2",
            account_id: "000000000000",
            user_name: "x",
            path: "/",
            arn: "a",
            is_root: 0,
            created_at: 1,
          })
          .execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await t.store.db.selectFrom("iam_users").selectAll().execute();
    expect(rows).toHaveLength(0);
  });

  it("runs what afterCommit registered once the transaction has committed, once, and not after a rollback", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    const seen: string[] = [];
    const count = async () =>
      Number(
        (
          await t.store.db
            .selectFrom("iam_users")
            .select((e) => e.fn.countAll().as("n"))
            .executeTakeFirst()
        )?.n,
      );
    const wake = () => seen.push("wake");
    const insert = (trx: typeof t.store.db, id: string) =>
      trx
        .insertInto("iam_users")
        .values({
          user_id: id,
          account_id: "0",
          user_name: id,
          path: "/",
          arn: id,
          is_root: 0,
          created_at: 1,
        })
        .execute();
    await t.store.transaction(async (trx) => {
      await insert(trx, "a");
      afterCommit(trx, wake);
      afterCommit(trx, wake);
      afterCommit(trx, () => void count().then((n) => seen.push(`rows ${n}`)));
      expect(seen).toEqual([]);
    });
    expect(seen[0]).toBe("wake");
    await expect.poll(() => seen).toEqual(["wake", "rows 1"]);

    await expect(
      t.store.transaction(async (trx) => {
        afterCommit(trx, () => seen.push("rolled back"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    afterCommit(t.store.db, () => seen.push("outside"));
    expect(seen).toEqual(["wake", "rows 1", "outside"]);
  });
});
