import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import ssh2 from "ssh2";
import { ServiceError } from "../../core/index.js";

/** An uploaded SSH public key, understood. */
export interface SshPublicKey {
  /** The SSH algorithm name: `ssh-rsa`, `ssh-ed25519` or `ecdsa-sha2-nistp256/384/521`. */
  type: string;
  /** The key in SSH wire format, as a client offers it when it authenticates. */
  blob: Buffer;
  /** MD5 of the wire-format key, colon-separated hex (`ssh-keygen -l -E md5` without its `MD5:`). */
  fingerprint: string;
}

/** The key types accepted. */
const KEY_TYPES = new Set([
  "ssh-rsa",
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
]);

/** IAM: "The minimum bit-length of the public key is 2048 bits." */
const MIN_RSA_BITS = 2048;

const EXPECTED =
  "expected one line in OpenSSH format ('ssh-rsa AAAA… comment' or 'ssh-ed25519 AAAA… comment', " +
  "as in the .pub file ssh-keygen writes) or a PEM block ('-----BEGIN PUBLIC KEY-----')";

function unrecognized(message: string): ServiceError {
  return new ServiceError("UnrecognizedPublicKeyEncoding", message);
}

function invalid(message: string, cause?: unknown): ServiceError {
  return new ServiceError("InvalidPublicKey", message, { cause });
}

/**
 * Reads an `SSHPublicKeyBody`. IAM documents: "The public key must be encoded in ssh-rsa format or
 * PEM format. The minimum bit-length of the public key is 2048 bits." Ed25519 and ECDSA keys are
 * accepted as well (modern OpenSSH makes ed25519 by default). A body in no format read here is
 * `UnrecognizedPublicKeyEncoding`; one in a known format whose key is malformed or too short is
 * `InvalidPublicKey`.
 */
export function parseSshPublicKeyBody(body: string): SshPublicKey {
  const text = body.trim();
  if (text.startsWith("-----BEGIN")) return parsePem(text);
  const lines = text.split(/\r?\n/);
  if (lines.length > 1) {
    throw unrecognized(`SSHPublicKeyBody has ${lines.length} lines; ${EXPECTED}`);
  }
  const [type = "", b64 = ""] = text.split(/\s+/);
  if (type === "ssh-dss") {
    throw unrecognized("SSHPublicKeyBody is a DSA (ssh-dss) key, which is not accepted; use RSA or ed25519");
  }
  if (!KEY_TYPES.has(type)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw unrecognized(`SSHPublicKeyBody '${shown}' is not a public key IAM reads: ${EXPECTED}`);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw invalid(`SSHPublicKeyBody: the ${type} key's second field must be the key in base64`);
  }
  const blob = Buffer.from(b64, "base64");
  const inner = blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1") : "";
  if (inner !== type) {
    throw invalid(`SSHPublicKeyBody: the key says it is ${type} but its base64 data is not a ${type} key`);
  }
  checkKey(type, keyObjectOf(type, blob));
  return { type, blob, fingerprint: md5Fingerprint(blob) };
}

/** The key as a node:crypto public key (ssh2 reads the wire format). */
export function keyObjectOf(type: string, blob: Buffer): KeyObject {
  const parsed = ssh2.utils.parseKey(`${type} ${blob.toString("base64")}`);
  if (parsed instanceof Error) {
    throw invalid(`SSHPublicKeyBody: the ${type} key is malformed (${parsed.message})`);
  }
  try {
    return createPublicKey(parsed.getPublicPEM());
  } catch (err) {
    throw invalid(`SSHPublicKeyBody: the ${type} key is malformed`, err);
  }
}

function checkKey(type: string, key: KeyObject): void {
  if (type !== "ssh-rsa") return;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw invalid(
      `SSHPublicKeyBody: the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required (ssh-keygen -t rsa -b 4096)`,
    );
  }
}

function parsePem(text: string): SshPublicKey {
  if (/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw unrecognized(
      "SSHPublicKeyBody is a private key; upload the public key (the .pub file), never the private one",
    );
  }
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    throw unrecognized(`SSHPublicKeyBody starts a PEM block that is not a public key; ${EXPECTED}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: "pem" });
  } catch (err) {
    throw invalid("SSHPublicKeyBody: the PEM public key is malformed", err);
  }
  const { type, blob } = sshWireFormat(key);
  checkKey(type, key);
  return { type, blob, fingerprint: md5Fingerprint(blob) };
}

/** The SSH wire format of a node:crypto public key. */
function sshWireFormat(key: KeyObject): { type: string; blob: Buffer } {
  const jwk: JsonWebKey = key.export({ format: "jwk" });
  const b = (s: string | undefined) => Buffer.from(s ?? "", "base64url");
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { type: "ssh-rsa", blob: sshStrings("ssh-rsa", mpint(b(jwk.e)), mpint(b(jwk.n))) };
    case "ed25519":
      return { type: "ssh-ed25519", blob: sshStrings("ssh-ed25519", b(jwk.x)) };
    case "ec": {
      const curve = { "P-256": "nistp256", "P-384": "nistp384", "P-521": "nistp521" }[jwk.crv ?? ""];
      if (curve) {
        const point = Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]);
        const type = `ecdsa-sha2-${curve}`;
        return { type, blob: sshStrings(type, curve, point) };
      }
      break;
    }
  }
  throw unrecognized(
    `SSHPublicKeyBody is a ${key.asymmetricKeyType ?? "unknown"} key in PEM; RSA, ed25519 and ECDSA (P-256/384/521) keys are accepted`,
  );
}

/** SSH's `string` fields, each a 4-byte length and the bytes. */
function sshStrings(...fields: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    const bytes = typeof f === "string" ? Buffer.from(f, "latin1") : f;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, bytes);
  }
  return Buffer.concat(parts);
}

/** SSH's `mpint` body: big-endian, no leading zeros, one zero byte when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/** IAM's Fingerprint: "The MD5 message digest of the SSH public key", as colon-separated hex. */
export function md5Fingerprint(blob: Buffer): string {
  return createHash("md5")
    .update(blob)
    .digest("hex")
    .replace(/(..)(?!$)/g, "$1:");
}

/**
 * The key in the encoding GetSSHPublicKey asks for: `SSH` gives the OpenSSH one-line form (the body
 * as uploaded when it was one), `PEM` a `-----BEGIN PUBLIC KEY-----` block.
 */
export function encodeSshPublicKey(
  stored: { type: string; blob: Buffer; body: string },
  encoding: "SSH" | "PEM",
): string {
  const uploadedAsPem = stored.body.startsWith("-----BEGIN");
  if (encoding === "SSH") {
    return uploadedAsPem ? `${stored.type} ${stored.blob.toString("base64")}` : stored.body;
  }
  if (uploadedAsPem) return stored.body;
  return String(keyObjectOf(stored.type, stored.blob).export({ type: "spki", format: "pem" })).trim();
}
