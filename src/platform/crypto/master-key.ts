import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Length of the master key: AES-256. */
export const MASTER_KEY_BYTES = 32;

/**
 * The master key: from `base64Key` when given (`PIPEWRIGHT_MASTER_KEY`), else `<dataDir>/master.key`,
 * created with mode 0600 on first use. A key of the wrong length is an error, never truncated.
 */
export function loadMasterKey(dataDir: string, base64Key?: string): Buffer {
  if (base64Key) return checkKey(Buffer.from(base64Key, "base64"), "PIPEWRIGHT_MASTER_KEY");
  const file = path.join(dataDir, "master.key");
  if (existsSync(file)) return checkKey(Buffer.from(readFileSync(file, "utf8").trim(), "base64"), file);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(MASTER_KEY_BYTES);
  // wx: never overwrite a key another process wrote a moment ago; losing it loses every secret.
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

function checkKey(key: Buffer, source: string): Buffer {
  if (key.length !== MASTER_KEY_BYTES) {
    throw new Error(
      `${source}: the master key must be ${MASTER_KEY_BYTES} bytes in base64 (44 characters), got ${key.length} bytes`,
    );
  }
  return key;
}
