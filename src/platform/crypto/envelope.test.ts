import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEnvelope } from "./envelope.js";

describe("envelope encryption", () => {
  const envelope = createEnvelope(randomBytes(32));

  it("round-trips and never contains the plaintext", () => {
    const ct = envelope.encrypt("hunter2-secret-value", "arn:ctx");
    expect(ct).not.toContain("hunter2");
    expect(Buffer.from(ct.split(":")[2]!, "base64").toString("latin1")).not.toContain("hunter2");
    expect(envelope.decryptString(ct, "arn:ctx")).toBe("hunter2-secret-value");
  });

  it("refuses a ciphertext moved to another context", () => {
    const ct = envelope.encrypt("v", "arn:a");
    expect(() => envelope.decrypt(ct, "arn:b")).toThrow();
  });

  it("refuses another master key", () => {
    const ct = envelope.encrypt("v", "c");
    expect(() => createEnvelope(randomBytes(32)).decrypt(ct, "c")).toThrow();
  });
});
