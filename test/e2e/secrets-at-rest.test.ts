import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;

/** Every spelling of `bytes` a careless store might leave: raw, hex either case, base64 at any alignment. */
function spellings(bytes: Buffer): Buffer[] {
  const out = [bytes, Buffer.from(bytes.toString("hex")), Buffer.from(bytes.toString("hex").toUpperCase())];
  for (let shift = 0; shift < 3; shift++) {
    // Inside a longer base64 text the value's characters depend on where it starts; drop the edges
    // that depend on its neighbours and keep the part that is the same wherever it sits.
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    const start = shift === 0 ? 0 : Math.ceil((shift * 4) / 3) + 1;
    out.push(Buffer.from(b64.slice(start, b64.length - 4)));
  }
  return out;
}

/** The files under `dir`, recursively, with their contents. */
function readTree(dir: string): Array<{ file: string; data: Buffer }> {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    return statSync(file).isDirectory() ? readTree(file) : [{ file, data: readFileSync(file) }];
  });
}

describe.each(dialects)("secret values at rest on %s", (dialect) => {
  let server: TestServer;
  const plainValue = `plain-string-${randomUUID()}`;
  const secureValues = [`secure-string-v1-${randomUUID()}`, `secure-string-v2-${randomUUID()}`];
  const secretStrings = [`{"password":"secret-string-${randomUUID()}"}`, `secret-string-v2-${randomUUID()}`];
  const secretBinary = randomBytes(48);
  const secrets = [...secureValues, ...secretStrings].map((s) => Buffer.from(s)).concat([secretBinary]);

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    const ssm = new SSMClient(server.clientConfig);
    const sm = new SecretsManagerClient(server.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: "/rest/plain", Value: plainValue, Type: "String" }));
    await ssm.send(
      new PutParameterCommand({ Name: "/rest/secure", Value: secureValues[0], Type: "SecureString" }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: "/rest/secure", Value: secureValues[1], Overwrite: true }),
    );
    await sm.send(new CreateSecretCommand({ Name: "rest/string", SecretString: secretStrings[0] }));
    await sm.send(new PutSecretValueCommand({ SecretId: "rest/string", SecretString: secretStrings[1] }));
    await sm.send(new CreateSecretCommand({ Name: "rest/binary", SecretBinary: secretBinary }));
    // The values are really there: the server gives them back.
    const secure = await ssm.send(new GetParameterCommand({ Name: "/rest/secure:1", WithDecryption: true }));
    expect(secure.Parameter!.Value).toBe(secureValues[0]);
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: "rest/string", VersionStage: "AWSPREVIOUS" }),
    );
    expect(previous.SecretString).toBe(secretStrings[0]);
    const binary = await sm.send(new GetSecretValueCommand({ SecretId: "rest/binary" }));
    expect(Buffer.from(binary.SecretBinary!).equals(secretBinary)).toBe(true);
    ssm.destroy();
    sm.destroy();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("stores no secret value in any column of the database, only the plain String", async () => {
    const dump = Buffer.from(
      JSON.stringify([
        await server.store.db.selectFrom("ssm_parameters").selectAll().execute(),
        await server.store.db.selectFrom("ssm_parameter_versions").selectAll().execute(),
        await server.store.db.selectFrom("secretsmanager_secrets").selectAll().execute(),
        await server.store.db.selectFrom("secretsmanager_secret_versions").selectAll().execute(),
      ]),
    );
    expect(dump.includes(plainValue)).toBe(true);
    for (const secret of secrets) {
      for (const spelling of spellings(secret)) expect(dump.includes(spelling)).toBe(false);
    }
  });

  it.runIf(dialect === "sqlite")("leaves no secret value in any file of the data directory", async () => {
    const scan = () => {
      const files = readTree(server.dataDir);
      expect(files.map((f) => path.basename(f.file))).toEqual(
        expect.arrayContaining(["pipewright.db", "master.key"]),
      );
      // The search can fail: it finds the value that is stored in clear.
      expect(files.some((f) => f.data.includes(plainValue))).toBe(true);
      for (const { file, data } of files) {
        for (const secret of secrets) {
          for (const spelling of spellings(secret)) {
            expect(data.includes(spelling), `${path.basename(file)} holds a secret`).toBe(false);
          }
        }
      }
    };
    // While running (the values sit in the -wal file) and after a checkpoint folds them into the database.
    scan();
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(server.store.db);
    scan();
  });
});
