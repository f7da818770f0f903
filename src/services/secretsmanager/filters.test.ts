import { describe, expect, it } from "vitest";
import { compileSecretFilters, impliedNamePrefix, words, type SecretFilter } from "./filters.js";
import type { SecretRow } from "./secret-rows.js";

function secret(
  name: string,
  description: string | null,
  tags: Array<{ Key: string; Value: string }> = [],
): SecretRow {
  return {
    arn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`,
    account_id: "000000000000",
    region: "us-east-1",
    name,
    description,
    kms_key_id: null,
    tags: JSON.stringify(tags),
    created_at: 0,
    last_changed_at: 0,
    last_accessed_at: null,
    deleted_at: null,
    deletion_date: null,
  };
}

const secrets = [
  secret("prod/db", "Primary database password", [{ Key: "env", Value: "prod" }]),
  secret("Prod/api", "API key for payments", [{ Key: "env", Value: "production" }]),
  secret("dev/db", null, [{ Key: "owner", Value: "ci" }]),
];
const names = (filters: SecretFilter[]) => secrets.filter(compileSecretFilters(filters)).map((s) => s.name);

describe("ListSecrets filters", () => {
  it("matches name prefixes case-sensitively", () => {
    expect(names([{ Key: "name", Values: ["prod/"] }])).toEqual(["prod/db"]);
    expect(names([{ Key: "name", Values: ["prod/", "dev"] }])).toEqual(["prod/db", "dev/db"]);
  });

  it("negates a value with !", () => {
    expect(names([{ Key: "name", Values: ["!prod"] }])).toEqual(["Prod/api", "dev/db"]);
  });

  it("matches tag keys and values by prefix and ANDs filters", () => {
    expect(names([{ Key: "tag-value", Values: ["prod"] }])).toEqual(["prod/db", "Prod/api"]);
    expect(
      names([
        { Key: "tag-value", Values: ["prod"] },
        { Key: "name", Values: ["Prod"] },
      ]),
    ).toEqual(["Prod/api"]);
    expect(names([{ Key: "tag-key", Values: ["owner"] }])).toEqual(["dev/db"]);
  });

  it("matches description and all by words, ignoring case", () => {
    expect(names([{ Key: "description", Values: ["PASS"] }])).toEqual(["prod/db"]);
    expect(names([{ Key: "description", Values: ["key payments"] }])).toEqual(["Prod/api"]);
    expect(names([{ Key: "all", Values: ["ci"] }])).toEqual(["dev/db"]);
    expect(names([{ Key: "all", Values: ["DB"] }])).toEqual(["prod/db", "dev/db"]);
  });

  it("splits words at punctuation and capitals", () => {
    expect(words("myAppSecret-prod_v2")).toEqual(["my", "app", "secret", "prod", "v2"]);
  });
});

describe("impliedNamePrefix", () => {
  it("is the common prefix of a name filter's values", () => {
    expect(impliedNamePrefix([{ Key: "name", Values: ["prod/db", "prod/api"] }])).toBe("prod/");
    expect(
      impliedNamePrefix([
        { Key: "tag-key", Values: ["a"] },
        { Key: "name", Values: ["x"] },
      ]),
    ).toBe("x");
  });
  it("is none without a name filter or when a value is negated", () => {
    expect(impliedNamePrefix([{ Key: "description", Values: ["prod"] }])).toBeUndefined();
    expect(impliedNamePrefix([{ Key: "name", Values: ["prod", "!prod/db"] }])).toBeUndefined();
  });
});
