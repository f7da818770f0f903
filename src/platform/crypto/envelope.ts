import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const PREFIX = "pwenc1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Envelope encryption with AES-256-GCM: every value gets its own random data key; the data key is
 * encrypted under the master key. Rotating the master key then re-wraps small data keys only.
 * `context` (for example a parameter's ARN) is bound as additional authenticated data, so a
 * ciphertext copied onto another record does not decrypt.
 */
export interface Envelope {
  encrypt(plaintext: string | Buffer, context: string): string;
  decrypt(ciphertext: string, context: string): Buffer;
  decryptString(ciphertext: string, context: string): string;
}

/** An {@link Envelope} under `masterKey` (32 bytes). */
export function createEnvelope(masterKey: Buffer): Envelope {
  const decrypt = (ciphertext: string, context: string): Buffer => {
    const parts = ciphertext.split(":");
    if (parts.length !== 3 || parts[0] !== PREFIX) throw new Error("not a Pipewright ciphertext");
    const dataKey = open(masterKey, Buffer.from(parts[1]!, "base64"), `key:${context}`);
    return open(dataKey, Buffer.from(parts[2]!, "base64"), context);
  };
  return {
    encrypt(plaintext, context) {
      const dataKey = randomBytes(32);
      const wrappedKey = seal(masterKey, dataKey, `key:${context}`);
      const body = seal(
        dataKey,
        Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, "utf8"),
        context,
      );
      return `${PREFIX}:${wrappedKey.toString("base64")}:${body.toString("base64")}`;
    },
    decrypt,
    decryptString: (ciphertext, context) => decrypt(ciphertext, context).toString("utf8"),
  };
}

function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
