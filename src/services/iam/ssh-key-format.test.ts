import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeSshPublicKey, parseSshPublicKeyBody } from "./ssh-key-format.js";

function pem(type: "rsa" | "ed25519" | "ec", bits = 2048): string {
  const options =
    type === "rsa" ? { modulusLength: bits } : type === "ec" ? { namedCurve: "prime256v1" } : undefined;
  const { publicKey } = generateKeyPairSync(type as "rsa", options as { modulusLength: number });
  return publicKey.export({ type: "spki", format: "pem" }).toString();
}

describe("parseSshPublicKeyBody", () => {
  it("reads PEM and OpenSSH forms of one key to the same key and fingerprint", () => {
    for (const [type, expected] of [
      ["rsa", "ssh-rsa"],
      ["ed25519", "ssh-ed25519"],
      ["ec", "ecdsa-sha2-nistp256"],
    ] as const) {
      const fromPem = parseSshPublicKeyBody(pem(type));
      expect(fromPem.type).toBe(expected);
      expect(fromPem.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      const line = `${fromPem.type} ${fromPem.blob.toString("base64")} someone@somewhere`;
      const fromLine = parseSshPublicKeyBody(`${line}\n`);
      expect(fromLine).toEqual(fromPem);
      const asPem = encodeSshPublicKey({ ...fromLine, body: line }, "PEM");
      expect(parseSshPublicKeyBody(asPem)).toEqual(fromPem);
      expect(encodeSshPublicKey({ ...fromLine, body: asPem }, "SSH")).toBe(line.replace(/ someone.*$/, ""));
    }
  });

  it("names what is wrong with a body it cannot take", () => {
    const cases: Array<[string, string, RegExp]> = [
      ["hello", "UnrecognizedPublicKeyEncoding", /'hello' is not a public key IAM reads: expected one line/],
      ["ssh-dss AAAAB3NzaC1kc3M=", "UnrecognizedPublicKeyEncoding", /DSA/],
      ["ssh-rsa AAAA\nssh-rsa BBBB", "UnrecognizedPublicKeyEncoding", /has 2 lines/],
      [
        "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
        "UnrecognizedPublicKeyEncoding",
        /private key/,
      ],
      ["ssh-rsa not*base64", "InvalidPublicKey", /base64/],
      ["ssh-ed25519 AAAAB3NzaC1yc2E=", "InvalidPublicKey", /not a ssh-ed25519 key/],
      ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "InvalidPublicKey", /malformed/],
      [pem("rsa", 1024), "InvalidPublicKey", /1024 bits; at least 2048/],
    ];
    for (const [body, code, message] of cases) {
      expect(() => parseSshPublicKeyBody(body), body).toThrow(
        expect.objectContaining({ code, message: expect.stringMatching(message) }),
      );
    }
  });
});
