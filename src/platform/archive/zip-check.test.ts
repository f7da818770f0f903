import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalEntryName, UnsafeEntryNameError } from "./names.js";
import { readAll } from "./tar.js";
import { checkZip, UnsafeZipError } from "./zip-check.js";
import { ZipWriter } from "./zip-write.js";

describe("zips written as streams and checked whole", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pw-zipcheck-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A zip made with ZipWriter.toStream, entries added while the output is being read. */
  const streamedZip = async (): Promise<Buffer> => {
    const { writer, output } = await ZipWriter.toStream();
    const bytes = readAll(output);
    writer.addDirectory("site");
    await writer.addStream("site/index.html", Readable.from([Buffer.from("<p>hi</p>")]), { mode: 0o644 });
    await writer.addStream("run.sh", Readable.from([Buffer.from("#!/bin/sh\n")]), { mode: 0o755, size: 10 });
    writer.addSymlink("latest", "site");
    await writer.close();
    return bytes;
  };

  it("streams a zip whose entries check out, links accepted when asked", async () => {
    const file = path.join(dir, "ok.zip");
    writeFileSync(file, await streamedZip());
    expect(await checkZip(file, { symlinks: "allow", verifyData: true })).toEqual([
      { name: "site", type: "directory", size: 0, mode: expect.any(Number) as number },
      { name: "site/index.html", type: "file", size: 9, mode: 0o644 },
      { name: "run.sh", type: "file", size: 10, mode: 0o755 },
      { name: "latest", type: "symlink", size: 4, mode: 0o777 },
    ]);
    await expect(checkZip(file)).rejects.toThrow(
      new UnsafeZipError("latest", "is a symbolic link, which is not accepted here"),
    );
  });

  it("fails the stream's reader when an entry delivers fewer bytes than it declared", async () => {
    const { writer, output } = await ZipWriter.toStream();
    const bytes = readAll(output);
    const added = writer.addStream("short.txt", Readable.from([Buffer.from("abc")]), { size: 10 });
    await expect(Promise.all([bytes, added, writer.close()])).rejects.toThrow();
  });

  it("keeps canonical names and refuses the rest, naming the rule", () => {
    expect(canonicalEntryName("a/b.txt")).toBe("a/b.txt");
    expect(canonicalEntryName("dir/")).toBe("dir");
    for (const [name, reason] of [
      ["a//b", "has an empty path segment (//)"],
      ["./a", "has a '.' path segment"],
      ["a/../b", "points outside"],
      ["/a", "is an absolute path"],
      ["C:x", "is an absolute path"],
      ["a\\b", "contains a backslash"],
      ["a\u007fb", "contains a control character (U+007F)"],
      ["", "is empty"],
    ] as const) {
      expect(() => canonicalEntryName(name)).toThrow(UnsafeEntryNameError);
      expect(() => canonicalEntryName(name)).toThrow(reason);
    }
  });
});
