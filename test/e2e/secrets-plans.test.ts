import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
  type Filter,
  type SecretListEntry,
  type SortByType,
  type SortOrderType,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePageToken } from "../../src/services/kit/index.js";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";

describe.each(dialects())("Secrets Manager listings on %s read one page from an index", (dialect) => {
  const recorder = recordQueries();
  let server: TestServer;
  let sm: SecretsManagerClient;
  let arn: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: recorder.onQuery } });
    sm = new SecretsManagerClient(server.clientConfig);
    arn = (await sm.send(new CreateSecretCommand({ Name: "plans/one", SecretString: "v1" }))).ARN!;
    for (let i = 2; i <= 5; i++) {
      await sm.send(new PutSecretValueCommand({ SecretId: "plans/one", SecretString: `v${i}` }));
    }
    // Secrets that differ in every sort key, with ties on the day-granular access date.
    for (const name of ["list/b", "list/a", "other/c", "list/d", "other/e", "list/f"]) {
      await sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: name,
          Description: `secret ${name}`,
          Tags: name.startsWith("list/") ? [{ Key: "team", Value: "core" }] : [],
        }),
      );
    }
    await sm.send(new GetSecretValueCommand({ SecretId: "list/a" }));
    await sm.send(new GetSecretValueCommand({ SecretId: "other/c" }));
    await sm.send(new UpdateSecretCommand({ SecretId: "list/b", Description: "changed" }));
    await sm.send(new DeleteSecretCommand({ SecretId: "other/e", RecoveryWindowInDays: 7 }));
  });
  afterAll(async () => {
    sm?.destroy();
    await server?.stop();
  });

  /** Runs `send` as `operation` and expects at least one statement, none of them a scan. */
  async function expectIndexed(operation: string, send: () => Promise<unknown>): Promise<void> {
    const queries = await recorder.during(operation, send);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  async function versionIds(IncludeDeprecated: boolean, MaxResults?: number): Promise<string[]> {
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(
        new ListSecretVersionIdsCommand({ SecretId: "plans/one", IncludeDeprecated, MaxResults, NextToken }),
      );
      ids.push(...(page.Versions ?? []).map((v) => v.VersionId!));
      NextToken = page.NextToken;
    } while (NextToken);
    return ids;
  }

  it.each([true, false])(
    "ListSecretVersionIds (deprecated included: %s), first page and next",
    async (all) => {
      let token: string | undefined;
      await expectIndexed("ListSecretVersionIds", async () => {
        const page = await sm.send(
          new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: all, MaxResults: 1 }),
        );
        token = page.NextToken;
      });
      expect(token).toBeDefined();
      await expectIndexed("ListSecretVersionIds", () =>
        sm.send(
          new ListSecretVersionIdsCommand({
            SecretId: arn,
            IncludeDeprecated: all,
            MaxResults: 1,
            NextToken: token,
          }),
        ),
      );
    },
  );

  it("ListSecretVersionIds pages walk the whole listing, oldest first", async () => {
    const all = await versionIds(true);
    expect(all).toHaveLength(5);
    expect(await versionIds(true, 2)).toEqual(all);
    // Only AWSCURRENT and AWSPREVIOUS keep labels: the newest two.
    expect(await versionIds(false, 1)).toEqual(all.slice(3));
  });

  it("refuses an offset token with InvalidNextTokenException", async () => {
    await expect(
      sm.send(
        new ListSecretVersionIdsCommand({
          SecretId: arn,
          NextToken: encodePageToken(`ListSecretVersionIds/${arn}`, 1),
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });

  const SORTS: SortByType[] = ["created-date", "last-accessed-date", "last-changed-date", "name"];
  const ORDERS: SortOrderType[] = ["asc", "desc"];
  const cases = SORTS.flatMap((SortBy) => ORDERS.map((SortOrder) => ({ SortBy, SortOrder })));

  interface Listing {
    SortBy?: SortByType;
    SortOrder?: SortOrderType;
    Filters?: Filter[];
    IncludePlannedDeletion?: boolean;
  }

  /** Every page of a listing, `MaxResults` at a time. */
  async function secrets(listing: Listing, MaxResults?: number): Promise<SecretListEntry[]> {
    const all: SecretListEntry[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ ...listing, MaxResults, NextToken }));
      all.push(...(page.SecretList ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return all;
  }

  /** The sort key of an entry as ListSecrets orders by it (no access date sorts as 0). */
  function keyOf(entry: SecretListEntry, by: SortByType): string | number {
    switch (by) {
      case "name":
        return entry.Name!;
      case "created-date":
        return entry.CreatedDate!.getTime();
      case "last-changed-date":
        return entry.LastChangedDate!.getTime();
      case "last-accessed-date":
        return entry.LastAccessedDate?.getTime() ?? 0;
    }
  }

  /** `entries` in ListSecrets order: the sort key in the given direction, ties by ARN ascending. */
  function sorted(entries: SecretListEntry[], by: SortByType, order: SortOrderType): string[] {
    const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    const sign = order === "asc" ? 1 : -1;
    return [...entries]
      .sort((a, b) => sign * cmp(keyOf(a, by), keyOf(b, by)) || cmp(a.ARN!, b.ARN!))
      .map((e) => e.Name!);
  }

  it.each(cases)("ListSecrets by $SortBy $SortOrder, first page and next", async (listing) => {
    let token: string | undefined;
    await expectIndexed("ListSecrets", async () => {
      token = (await sm.send(new ListSecretsCommand({ ...listing, MaxResults: 2 }))).NextToken;
    });
    expect(token).toBeDefined();
    await expectIndexed("ListSecrets", () =>
      sm.send(new ListSecretsCommand({ ...listing, MaxResults: 2, NextToken: token })),
    );
  });

  it.each(cases)("ListSecrets pages by $SortBy $SortOrder walk the single-page listing", async (listing) => {
    const whole = await sm.send(new ListSecretsCommand(listing));
    expect(whole.NextToken).toBeUndefined();
    const all = whole.SecretList ?? [];
    expect(all.map((e) => e.Name).sort()).toEqual(
      ["list/a", "list/b", "list/d", "list/f", "other/c", "plans/one"].sort(),
    );
    expect(all.map((e) => e.Name)).toEqual(sorted(all, listing.SortBy, listing.SortOrder));
    expect(Object.keys(all.find((e) => e.Name === "plans/one")!.SecretVersionsToStages!)).toHaveLength(2);
    expect(await secrets(listing, 2)).toEqual(all);
  });

  it("ListSecrets includes planned deletions only when asked, in order", async () => {
    const listing = { SortBy: "name", SortOrder: "asc", IncludePlannedDeletion: true } as const;
    const all = await secrets(listing);
    expect(all.map((e) => e.Name)).toEqual([
      "list/a",
      "list/b",
      "list/d",
      "list/f",
      "other/c",
      "other/e",
      "plans/one",
    ]);
    expect(await secrets(listing, 2)).toEqual(all);
    await expectIndexed("ListSecrets", () => sm.send(new ListSecretsCommand({ ...listing, MaxResults: 2 })));
  });

  const filtered: Array<{ title: string; listing: Listing; names: string[] }> = [
    {
      title: "a name prefix by name",
      listing: { SortBy: "name", SortOrder: "asc", Filters: [{ Key: "name", Values: ["list/"] }] },
      names: ["list/a", "list/b", "list/d", "list/f"],
    },
    {
      title: "a name prefix by name, descending",
      listing: { SortBy: "name", SortOrder: "desc", Filters: [{ Key: "name", Values: ["list/"] }] },
      names: ["list/f", "list/d", "list/b", "list/a"],
    },
    {
      title: "a negated name prefix by creation",
      listing: { SortBy: "created-date", SortOrder: "asc", Filters: [{ Key: "name", Values: ["!list/"] }] },
      names: ["plans/one", "other/c"],
    },
    {
      title: "a tag key and a description word",
      listing: {
        SortBy: "created-date",
        SortOrder: "asc",
        Filters: [
          { Key: "tag-key", Values: ["team"] },
          { Key: "description", Values: ["secret"] },
        ],
      },
      names: ["list/a", "list/d", "list/f"],
    },
  ];

  it.each(filtered)("ListSecrets with $title reads one page and walks the whole listing", async (c) => {
    const all = await secrets(c.listing);
    expect(all.map((e) => e.Name)).toEqual(c.names);
    expect(await secrets(c.listing, 1)).toEqual(all);
    let token: string | undefined;
    await expectIndexed("ListSecrets", async () => {
      token = (await sm.send(new ListSecretsCommand({ ...c.listing, MaxResults: 1 }))).NextToken;
    });
    await expectIndexed("ListSecrets", () =>
      sm.send(new ListSecretsCommand({ ...c.listing, MaxResults: 1, NextToken: token })),
    );
  });

  it.each(["ListSecrets", "ListSecrets/created-date/desc"])(
    "ListSecrets refuses an offset token of %s with InvalidNextTokenException",
    async (listing) => {
      await expect(
        sm.send(new ListSecretsCommand({ NextToken: encodePageToken(listing, 2) })),
      ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
    },
  );

  it("ListSecrets refuses a token of another order", async () => {
    const first = await sm.send(new ListSecretsCommand({ SortBy: "name", MaxResults: 1 }));
    await expect(
      sm.send(new ListSecretsCommand({ SortBy: "created-date", NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });

  it("a filtered ListSecrets examines at most 1,000 secrets per request", async () => {
    // 1,100 secrets created before every other, only the last of them tagged; removed afterwards.
    const region = arn.split(":")[3]!;
    const rows = Array.from({ length: 1100 }, (_, i) => ({
      arn: `arn:aws:secretsmanager:${region}:000000000000:secret:bulk/${String(i).padStart(4, "0")}-AbCdEf`,
      account_id: "000000000000",
      region,
      name: `bulk/${String(i).padStart(4, "0")}`,
      description: null,
      kms_key_id: null,
      tags: i === 1099 ? JSON.stringify([{ Key: "wanted", Value: "yes" }]) : "[]",
      created_at: 1_000_000 + i,
      last_changed_at: 1_000_000 + i,
      last_accessed_at: null,
      deleted_at: null,
      deletion_date: null,
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await server.store.db
        .insertInto("secretsmanager_secrets")
        .values(rows.slice(i, i + 100))
        .execute();
    }
    try {
      const listing: Listing = {
        SortBy: "created-date",
        SortOrder: "asc",
        Filters: [{ Key: "tag-key", Values: ["wanted"] }],
      };
      const first = await sm.send(new ListSecretsCommand({ ...listing, MaxResults: 10 }));
      expect(first.SecretList).toEqual([]);
      expect(first.NextToken).toBeDefined();
      const second = await sm.send(
        new ListSecretsCommand({ ...listing, MaxResults: 10, NextToken: first.NextToken }),
      );
      expect(second.SecretList?.map((e) => e.Name)).toEqual(["bulk/1099"]);
      expect(second.NextToken).toBeUndefined();
    } finally {
      await server.store.db.deleteFrom("secretsmanager_secrets").where("name", "like", "bulk/%").execute();
    }
  });
});
