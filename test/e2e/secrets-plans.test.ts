import {
  CreateSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
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
});
