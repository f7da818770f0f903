import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { callOperation, TEST_SCOPE } from "../../../test/support/operations.js";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { createEnvelope } from "../../platform/crypto/index.js";
import type { Store } from "../../platform/store/index.js";
import { getParameterValue } from "./resolve.js";
import { createSsm } from "./service.js";
import { jsonServicesOf } from "../kit/index.js";

const envelope = createEnvelope(randomBytes(32));
const scope = TEST_SCOPE;

const service = jsonServicesOf(createSsm({ envelope }))[0]!;
const call = (store: Store, name: string, input: unknown): Promise<unknown> =>
  callOperation(service, store, name, input);

describe.each(dialects())("getParameterValue on %s", (dialect) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it("resolves names, selectors and ARNs for CodeBuild, decrypting by default", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await call(t.store, "PutParameter", {
      Name: "/build/token",
      Value: "first-token-value",
      Type: "SecureString",
    });
    await call(t.store, "PutParameter", {
      Name: "/build/token",
      Value: "second-token-value",
      Overwrite: true,
    });
    await call(t.store, "PutParameter", { Name: "/build/list", Value: "a,b", Type: "StringList" });

    const current = await getParameterValue(t.store.db, envelope, { ...scope, name: "/build/token" });
    expect(current).toEqual({
      name: "/build/token",
      arn: "arn:aws:ssm:us-east-1:000000000000:parameter/build/token",
      type: "SecureString",
      version: 2,
      value: "second-token-value",
    });
    const first = await getParameterValue(t.store.db, envelope, { ...scope, name: `${current.arn}:1` });
    expect(first.value).toBe("first-token-value");
    const sealed = await getParameterValue(t.store.db, envelope, {
      ...scope,
      name: "/build/token",
      withDecryption: false,
    });
    expect(sealed.value).not.toContain("second-token-value");
    const list = await t.store.transaction((trx) =>
      getParameterValue(trx, envelope, { ...scope, name: "/build/list" }),
    );
    expect(list).toMatchObject({ type: "StringList", value: "a,b" });
  });

  it("throws AWS's errors for names that match nothing", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    await call(t.store, "PutParameter", { Name: "p", Value: "v", Type: "String" });
    await expect(
      getParameterValue(t.store.db, envelope, { ...scope, name: "/missing" }),
    ).rejects.toMatchObject({
      code: "ParameterNotFound",
    });
    await expect(getParameterValue(t.store.db, envelope, { ...scope, name: "p:2" })).rejects.toMatchObject({
      code: "ParameterVersionNotFound",
    });
    await expect(
      getParameterValue(t.store.db, envelope, { accountId: "111111111111", region: "us-east-1", name: "p" }),
    ).rejects.toMatchObject({ code: "ParameterNotFound" });
  });
});
