import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAppSpec } from "../formats/index.js";
import { install, globMatches } from "./install.js";
import { RootPath } from "./root-path.js";

describe("install", () => {
  let dir: string;
  let archive: string;
  let rootDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pw-install-"));
    archive = join(dir, "archive");
    rootDir = join(dir, "root");
    mkdirSync(join(archive, "site/css"), { recursive: true });
    mkdirSync(rootDir);
    writeFileSync(join(archive, "site/index.html"), "v1");
    writeFileSync(join(archive, "site/css/a.css"), "css");
    writeFileSync(join(archive, "app.conf"), "conf");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const spec = (extra = "") =>
    parseAppSpec(
      `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /var/www\n  - source: app.conf\n    destination: /etc/app\n${extra}`,
    );
  const run = async (appSpec = spec(), overrideBehavior?: "DISALLOW" | "OVERWRITE" | "RETAIN") =>
    install({
      spec: appSpec,
      archiveDir: archive,
      root: await RootPath.of(rootDir),
      instructionsDir: join(rootDir, "opt/codedeploy-agent/deployment-root/deployment-instructions"),
      deploymentGroupId: "group-1",
      ...(overrideBehavior ? { overrideBehavior } : {}),
    });

  it("copies directories' contents and single files under the root, making missing directories", async () => {
    const files = await run();
    expect(files.sort()).toEqual(["/etc/app/app.conf", "/var/www/css/a.css", "/var/www/index.html"]);
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("v1");
    expect(readFileSync(join(rootDir, "etc/app/app.conf"), "utf8")).toBe("conf");
  });

  it("removes the previous revision's files first, so a second deployment does not collide with the first", async () => {
    await run();
    rmSync(join(archive, "site/css"), { recursive: true });
    writeFileSync(join(archive, "site/index.html"), "v2");
    await run();
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("v2");
    // css/ was made by the first revision only: its file and its directory are gone.
    expect(existsSync(join(rootDir, "var/www/css"))).toBe(false);
  });

  it("DISALLOW (the default) fails naming the file that is in the way", async () => {
    mkdirSync(join(rootDir, "var/www"), { recursive: true });
    writeFileSync(join(rootDir, "var/www/index.html"), "someone else's");
    await expect(run()).rejects.toThrow(
      "files[0] (source site, destination /var/www): the deployment failed because a specified file already exists at this location: /var/www/index.html",
    );
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("someone else's");
  });

  it("OVERWRITE replaces and RETAIN keeps; the appspec's setting wins over the deployment's", async () => {
    mkdirSync(join(rootDir, "var/www"), { recursive: true });
    writeFileSync(join(rootDir, "var/www/index.html"), "old");
    await run(spec(), "RETAIN");
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("old");
    rmSync(join(rootDir, "opt"), { recursive: true });
    rmSync(join(rootDir, "var/www/css"), { recursive: true });
    rmSync(join(rootDir, "etc"), { recursive: true });
    await run(spec("file_exists_behavior: OVERWRITE\n"), "RETAIN");
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("v1");
  });

  it("refuses a destination that leads out of the root through a symbolic link", async () => {
    const outside = join(dir, "outside");
    mkdirSync(outside);
    mkdirSync(join(rootDir, "var"), { recursive: true });
    symlinkSync(outside, join(rootDir, "var/www"));
    await expect(run()).rejects.toThrow(
      /files\[0\] \(source site, destination \/var\/www\): \/var\/www .*outside the agent's root/,
    );
    expect(existsSync(join(outside, "index.html"))).toBe(false);
  });

  it("follows a link at the destination that stays inside the root", async () => {
    mkdirSync(join(rootDir, "srv/www"), { recursive: true });
    mkdirSync(join(rootDir, "var"), { recursive: true });
    symlinkSync("../srv/www", join(rootDir, "var/www"));
    await run();
    expect(readFileSync(join(rootDir, "srv/www/index.html"), "utf8")).toBe("v1");
  });

  it("OVERWRITE replaces a link at a file's place instead of writing through it", async () => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    mkdirSync(join(rootDir, "etc/app"), { recursive: true });
    symlinkSync(victim, join(rootDir, "etc/app/app.conf"));
    await run(spec("file_exists_behavior: OVERWRITE\n"));
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(lstatSync(join(rootDir, "etc/app/app.conf")).isSymbolicLink()).toBe(false);
  });

  it("applies permissions to what it installed, by pattern and type", async () => {
    writeFileSync(join(archive, "site/run.sh"), "#!/bin/sh\n");
    await run(
      spec(
        `permissions:\n  - object: /var/www\n    pattern: "*.sh"\n    mode: 750\n    type: [file]\n  - object: /var/www\n    pattern: "**"\n    except: ["*.sh"]\n    mode: 640\n    type: [file]\n`,
      ),
    );
    const mode = (p: string) => lstatSync(join(rootDir, p)).mode & 0o777;
    expect(mode("var/www/run.sh")).toBe(0o750);
    expect(mode("var/www/index.html")).toBe(0o640);
    expect(mode("var/www/css/a.css")).toBe(0o640);
  });

  it("fails naming the permissions entry whose owner does not exist", async () => {
    await expect(
      run(spec(`permissions:\n  - object: /var/www\n    owner: no-such-user-pw\n`)),
    ).rejects.toThrow(
      "permissions[0] (object /var/www): owner no-such-user-pw is not a user on this instance",
    );
  });
});

describe("globMatches", () => {
  it("matches AWS-style patterns", () => {
    expect(globMatches("**", "a/b/c")).toBe(true);
    expect(globMatches("*.sh", "dir/run.sh")).toBe(true);
    expect(globMatches("*.sh", "dir/run.shx")).toBe(false);
    expect(globMatches("bin/*", "bin/x")).toBe(true);
    expect(globMatches("bin/*", "bin/x/y")).toBe(false);
    expect(globMatches("a.(b)", "a.(b)")).toBe(true);
  });
});
