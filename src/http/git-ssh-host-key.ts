import { createHash } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";

/** The SSH server's host key. */
export interface HostKey {
  /** The private key in OpenSSH format, as ssh2's Server takes it. */
  privateKey: string;
  /** `SHA256:…`, as `ssh` shows it when it first meets the server (`ssh-keygen -lf <file>.pub`). */
  fingerprint: string;
  /** The file it is kept in. */
  file: string;
}

/** Where the host key lives in the data directory; `<file>.pub` beside it holds its public half. */
export const HOST_KEY_FILE = "ssh_host_ed25519_key";

/**
 * The server's ed25519 host key from `<dataDir>/ssh_host_ed25519_key` (mode 0600), made on the
 * first start with node:crypto (through ssh2's key generator, which writes OpenSSH's own private
 * key format, the one its Server reads): the same key across restarts, so clients' known_hosts
 * entries stay valid.
 */
export function loadOrCreateHostKey(dataDir: string): HostKey {
  const file = path.join(dataDir, HOST_KEY_FILE);
  let privateKey: string;
  try {
    privateKey = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const pair = generateReadableKeyPair();
    try {
      // `wx`: two servers starting on one data directory must not overwrite each other's key.
      writeFileSync(file, pair.private, { mode: 0o600, flag: "wx" });
      writeFileSync(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
      privateKey = pair.private;
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== "EEXIST") throw writeErr;
      privateKey = readFileSync(file, "utf8");
    }
  }
  chmodSync(file, 0o600);
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new Error(
      `${file}: not an SSH private key ssh2 can read (${parsed.message}); move it away to make a new one`,
    );
  }
  const digest = createHash("sha256").update(parsed.getPublicSSH()).digest("base64").replace(/=+$/, "");
  return { privateKey, fingerprint: `SHA256:${digest}`, file };
}

/**
 * A new ed25519 key pair in OpenSSH format. ssh2's generator now and then (about 3 in 1,000 here)
 * writes a private key its own parser rejects as malformed; such a key is thrown away and another
 * made, so a first start never fails on it.
 */
function generateReadableKeyPair(): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment: "pipewright host key" });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) || attempt >= 20) return pair;
  }
}
