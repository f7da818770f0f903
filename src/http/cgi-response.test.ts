import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { CgiHeadError, readCgiHead } from "./cgi-response.js";

describe("readCgiHead", () => {
  it("reads the status and headers and leaves the body, split anywhere, to the next reader", async () => {
    const out = new PassThrough();
    const head = readCgiHead(out);
    out.write("Status: 404 Not Found\r\nContent-Type: text/pl");
    out.write("ain\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT\r\n\r\nbody ");
    expect(await head).toEqual({
      status: 404,
      headers: [
        ["Content-Type", "text/plain"],
        ["Expires", "Fri, 01 Jan 1980 00:00:00 GMT"],
      ],
    });
    out.end("and more\n");
    expect(await text(out)).toBe("body and more\n");
  });

  it("takes 200 when there is no Status, and bare LF line ends", async () => {
    const out = new PassThrough();
    const head = readCgiHead(out);
    out.end("Content-Type: application/x-git-upload-pack-advertisement\n\n001e# service");
    expect(await head).toEqual({
      status: 200,
      headers: [["Content-Type", "application/x-git-upload-pack-advertisement"]],
    });
    expect(await text(out)).toBe("001e# service");
  });

  it("is undefined for a program that printed nothing, and an error for one that stopped mid-header", async () => {
    const empty = new PassThrough();
    const none = readCgiHead(empty);
    empty.end();
    expect(await none).toBeUndefined();

    const cut = new PassThrough();
    const half = readCgiHead(cut);
    cut.end("Content-Type: text/plain\r\n");
    await expect(half).rejects.toBeInstanceOf(CgiHeadError);

    const long = new PassThrough();
    const tooLong = readCgiHead(long, 16);
    long.write("X-Long: " + "a".repeat(32));
    await expect(tooLong).rejects.toThrow(/longer than 16 bytes/);
  });
});
