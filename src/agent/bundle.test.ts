import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAll } from "../platform/archive/index.js";
import { unpackBundle } from "./bundle.js";

/** A zip with exactly these entries, names unchecked (Python's zipfile writes what it is told). */
function pythonZip(file: string, entries: Array<{ name: string; data?: string; mode?: number }>): void {
  const script = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for e in entries:
        info = zipfile.ZipInfo(e["name"])
        info.external_attr = (e.get("mode") or 0o100644) << 16
        z.writestr(info, e.get("data", ""))
`;
  execFileSync("python3", ["-c", script, file, JSON.stringify(entries)]);
}

/** A tar with these headers (tar-stream writes any name and type). */
async function tarOf(
  entries: Array<{
    name: string;
    type?: "file" | "symlink" | "character-device" | "link" | "directory";
    data?: string;
    linkname?: string;
    mode?: number;
  }>,
): Promise<Buffer> {
  const { pack } = await import("tar-stream");
  const tar = pack();
  const bytes = readAll(tar as unknown as Readable);
  for (const e of entries) {
    const type = e.type ?? "file";
    if (type === "file") tar.entry({ name: e.name, mode: e.mode ?? 0o644 }, e.data ?? "");
    else tar.entry({ name: e.name, type, linkname: e.linkname, mode: e.mode ?? 0o755 });
  }
  tar.finalize();
  return bytes;
}

describe("unpackBundle", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pw-bundle-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("unpacks a zip with its modes, and strips a single top directory that holds the appspec", async () => {
    const file = join(dir, "ok.zip");
    pythonZip(file, [
      { name: "app/appspec.yml", data: "version: 0.0\n" },
      { name: "app/scripts/start.sh", data: "#!/bin/sh\n", mode: 0o100755 },
    ]);
    const out = join(dir, "ok");
    await unpackBundle(file, "zip", out);
    expect(readFileSync(join(out, "appspec.yml"), "utf8")).toBe("version: 0.0\n");
    expect(
      execFileSync("stat", ["-c", "%a", join(out, "scripts/start.sh")])
        .toString()
        .trim(),
    ).toBe("755");
  });

  it("refuses zip-slip and absolute entries and leaves nothing behind", async () => {
    for (const [name, why] of [
      ["../../evil.sh", /points outside/],
      ["/etc/cron.d/evil", /absolute path/],
    ] as const) {
      const file = join(dir, "slip.zip");
      pythonZip(file, [{ name: "appspec.yml" }, { name, data: "x" }]);
      const out = join(dir, "slip");
      await expect(unpackBundle(file, "zip", out)).rejects.toThrow(why);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(dir, "evil.sh"))).toBe(false);
    }
  });

  it("refuses a zip whose link points outside the archive, and a device entry", async () => {
    const file = join(dir, "link.zip");
    pythonZip(file, [
      { name: "appspec.yml" },
      { name: "passwd", data: "../../../etc/passwd", mode: 0o120777 },
    ]);
    await expect(unpackBundle(file, "zip", join(dir, "link"))).rejects.toThrow(
      /"passwd" is a symbolic link to "..\/..\/..\/etc\/passwd", outside the archive/,
    );
    expect(existsSync(join(dir, "link"))).toBe(false);
    const dev = join(dir, "dev.zip");
    pythonZip(dev, [{ name: "null", mode: 0o020666 }]);
    await expect(unpackBundle(dev, "zip", join(dir, "dev"))).rejects.toThrow(/cannot be unpacked: .*null/);
  });

  it("keeps links that stay inside the archive", async () => {
    const file = join(dir, "inner.tar");
    writeFileSync(
      file,
      await tarOf([
        { name: "v1/index.html", data: "hi" },
        { name: "current", type: "symlink", linkname: "v1" },
      ]),
    );
    await unpackBundle(file, "tar", join(dir, "inner"));
    expect(readlinkSync(join(dir, "inner/current"))).toBe("v1");
  });

  it("unpacks a tgz and refuses tar entries that climb out, escaping links, devices and hard links", async () => {
    const tgz = join(dir, "ok.tgz");
    writeFileSync(
      tgz,
      gzipSync(
        await tarOf([
          { name: "appspec.yml", data: "a" },
          { name: "bin/run", data: "b", mode: 0o4755 },
        ]),
      ),
    );
    await unpackBundle(tgz, "tgz", join(dir, "tgz"));
    expect(readFileSync(join(dir, "tgz/appspec.yml"), "utf8")).toBe("a");
    // Set-id bits are not carried over from an archive.
    expect(
      execFileSync("stat", ["-c", "%a", join(dir, "tgz/bin/run")])
        .toString()
        .trim(),
    ).toBe("755");

    const cases: Array<[Parameters<typeof tarOf>[0], RegExp]> = [
      [[{ name: "../x", data: "x" }], /points outside the directory/],
      [[{ name: "/abs", data: "x" }], /absolute path/],
      [
        [{ name: "out", type: "symlink", linkname: "/etc" }],
        /"out" is a symbolic link to "\/etc", outside the archive/,
      ],
      [[{ name: "tty", type: "character-device" }], /"tty" is not a file, directory or symbolic link/],
      [
        [
          { name: "a", data: "x" },
          { name: "hard", type: "link", linkname: "/etc/shadow" },
        ],
        /"hard" is not a file, directory or symbolic link/,
      ],
    ];
    for (const [entries, why] of cases) {
      const file = join(dir, "bad.tar");
      writeFileSync(file, await tarOf(entries));
      const out = join(dir, "bad");
      await expect(unpackBundle(file, "tar", out)).rejects.toThrow(why);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("unpacks what `tar -czf - -C dir .` writes: entries under ./ beginning with ./ itself", async () => {
    const src = join(dir, "tree");
    execFileSync("mkdir", ["-p", join(src, "scripts")]);
    writeFileSync(join(src, "appspec.yml"), "version: 0.0\n");
    writeFileSync(join(src, "scripts/start.sh"), "#!/bin/sh\n", { mode: 0o755 });
    const tgz = join(dir, "dot.tgz");
    writeFileSync(tgz, execFileSync("tar", ["-czf", "-", "-C", src, "."]));
    await unpackBundle(tgz, "tgz", join(dir, "dot"));
    expect(readFileSync(join(dir, "dot/appspec.yml"), "utf8")).toBe("version: 0.0\n");
    expect(existsSync(join(dir, "dot/scripts/start.sh"))).toBe(true);
  });

  it("refuses a file that is not an archive of its type", async () => {
    const file = join(dir, "junk.zip");
    writeFileSync(file, "not a zip");
    await expect(unpackBundle(file, "zip", join(dir, "junk"))).rejects.toThrow(
      /the revision's zip bundle cannot be unpacked/,
    );
  });
});
