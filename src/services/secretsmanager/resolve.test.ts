import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { callOperation, TEST_SCOPE } from "../../../test/support/operations.js";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { createEnvelope } from "../../platform/crypto/index.js";
import type { Store } from "../../platform/store/index.js";
import { getSecretValue } from "./resolve.js";
import { createSecretsManager } from "./service.js";
import { jsonServicesOf } from "../kit/index.js";

const envelope = createEnvelope(randomBytes(32));
const scope = TEST_SCOPE;

const service = jsonServicesOf(createSecretsManager({ envelope }))[0]!;
const call = <T = Record<string, unknown>>(store: Store, name: string, input: unknown) =>
  callOperation<T>(service, store, name, input);

describe.each(dialects())("getSecretValue on %s", (dialect) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it("resolves CodeBuild's secret-id:json-key:version-stage:version-id", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    const first = await call<{ ARN: string; VersionId: string }>(t.store, "CreateSecret", {
      Name: "ci/db",
      SecretString: JSON.stringify({ user: "app", password: "p1", port: 5432 }),
    });
    await call(t.store, "PutSecretValue", {
      SecretId: "ci/db",
      SecretString: JSON.stringify({ user: "app", password: "p2" }),
    });
    await call(t.store, "CreateSecret", {
      Name: "ci/bin",
      SecretBinary: Buffer.from([1, 2, 3]).toString("base64"),
    });

    const whole = await getSecretValue(t.store.db, envelope, { ...scope, secretId: "ci/db" });
    expect(whole).toMatchObject({ arn: first.ARN, name: "ci/db", value: '{"user":"app","password":"p2"}' });
    expect(
      await getSecretValue(t.store.db, envelope, { ...scope, secretId: first.ARN, jsonKey: "password" }),
    ).toMatchObject({
      value: "p2",
    });
    const previous = await getSecretValue(t.store.db, envelope, {
      ...scope,
      secretId: "ci/db",
      jsonKey: "port",
      versionStage: "AWSPREVIOUS",
    });
    expect(previous).toMatchObject({ value: "5432", versionId: first.VersionId });
    const byId = await t.store.transaction((trx) =>
      getSecretValue(trx, envelope, {
        ...scope,
        secretId: "ci/db",
        jsonKey: "password",
        versionId: first.VersionId,
      }),
    );
    expect(byId.value).toBe("p1");
    expect((await getSecretValue(t.store.db, envelope, { ...scope, secretId: "ci/bin" })).value).toBe("AQID");
    const described = await call<{ LastAccessedDate?: Date }>(t.store, "DescribeSecret", {
      SecretId: "ci/db",
    });
    expect(described.LastAccessedDate).toBeInstanceOf(Date);
  });

  it("throws AWS's errors, and clear ones for JSON keys", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await call(t.store, "CreateSecret", { Name: "plain", SecretString: "not json" });
    await call(t.store, "CreateSecret", { Name: "json", SecretString: '{"a":"b"}' });
    await call(t.store, "CreateSecret", { Name: "gone", SecretString: "x" });
    await call(t.store, "DeleteSecret", { SecretId: "gone" });
    const get = (secretId: string, jsonKey?: string) =>
      getSecretValue(t.store.db, envelope, { ...scope, secretId, jsonKey });
    await expect(get("missing")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(get("gone")).rejects.toMatchObject({ code: "InvalidRequestException" });
    await expect(get("plain", "a")).rejects.toMatchObject({
      code: "InvalidRequestException",
      message: "Secret plain is not a JSON object, so its key 'a' cannot be read.",
    });
    await expect(get("json", "z")).rejects.toMatchObject({
      code: "ResourceNotFoundException",
      message: expect.stringContaining("'z'"),
    });
  });

  it("makes a scheduled deletion permanent once the recovery window has passed", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await call(t.store, "CreateSecret", { Name: "expiring", SecretString: "x" });
    await call(t.store, "DeleteSecret", { SecretId: "expiring", RecoveryWindowInDays: 7 });
    const eightDays = Date.now() + 8 * 86_400_000;
    await expect(
      getSecretValue(t.store.db, envelope, { ...scope, secretId: "expiring", now: eightDays }),
    ).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    expect(await t.store.db.selectFrom("secretsmanager_secret_versions").selectAll().execute()).toEqual([]);
  });
});
