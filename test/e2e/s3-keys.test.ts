import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { expectCleanBlobDir, s3Request } from "./s3-support.js";

describe("S3 keys that look like paths", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    expect((await s3Request(server, { method: "PUT", path: "/wire" })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("keeps traversal-looking keys as plain keys: nothing is read or written outside the blob store", async () => {
    const keys = [
      "../../etc/passwd",
      "%2e%2e%2f",
      "..%5c..%5cwin.ini",
      "..\\..\\boot.ini",
      "/abs/path",
      "a/./../../b",
      "./.",
    ];
    // Encoded the way SDKs encode keys: everything but unreserved characters and "/".
    const keyPath = (key: string) =>
      `/wire/${encodeURIComponent(key)
        .replace(/%2F/g, "/")
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
    for (const key of keys) {
      const put = await s3Request(server, { method: "PUT", path: keyPath(key), body: `key ${key}` });
      expect(put.status, key).toBe(200);
    }
    for (const key of keys) expect((await s3Request(server, { path: keyPath(key) })).text).toBe(`key ${key}`);
    const listing = await s3Request(server, { path: "/wire", query: { "list-type": "2" } });
    for (const key of keys) expect(listing.text).toContain(`<Key>${key.replace(/&/g, "&amp;")}</Key>`);
    const nul = await s3Request(server, { method: "PUT", path: "/wire/nul%00key", body: "x" });
    expect([nul.status, nul.code]).toEqual([400, "InvalidArgument"]);
    const long = await s3Request(server, { method: "PUT", path: `/wire/${"k".repeat(1025)}`, body: "x" });
    expect(long.code).toBe("KeyTooLongError");
    expect(
      readdirSync(server.dataDir).filter(
        (f) =>
          !/^(blobs|builds|credentials|master\.key|pipewright\.db.*|server\.pid|ssh_host_ed25519_key(\.pub)?)$/.test(
            f,
          ),
      ),
    ).toEqual([]);
    await expectCleanBlobDir(server);
  });
});
