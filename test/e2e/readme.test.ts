/**
 * The README's commands, run as written: every ```sh and ```js block is taken from README.md itself
 * (so the two cannot drift) and run against a fresh server started with `bash scripts/start.sh`,
 * each block in a new `bash` — a new terminal — with only what the README's setup leaves behind
 * (a HOME with `~/.aws`, `~/.gitconfig`, `~/.ssh`, and `pipewright` on the PATH) and the exports of
 * the block the README says every terminal needs. Run once per AWS CLI v2 on the machine.
 *
 * A comment before a block tells the test what the prose says around it:
 *   <!-- readme-test: skip — why -->          not run (the reason is required)
 *   <!-- readme-test: in the clone -->         run in the repository's root
 *   <!-- readme-test: in a project with … -->  run in a directory with a buildspec.yml and ci/buildspec.yml
 *   <!-- readme-test: every terminal -->       its `export` lines apply to every later block
 *
 * What is not the README's: the server's ports are random (the blocks' 127.0.0.1:4280 and 2222 are
 * rewritten to them); `npm link` links into a prefix of the test's own (NPM_CONFIG_PREFIX), not the
 * machine's; ssh is pointed at the test's HOME (it reads the passwd home, not $HOME); and a git
 * identity and an SSH key are made first, as a user has them.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/stores.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The `readme-test:` comment right before it, if any. */
  directive?: string;
}

/** The fenced blocks of a Markdown text, each with the `<!-- readme-test: … -->` line before it. */
export function readmeBlocks(text: string): ReadmeBlock[] {
  const lines = text.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const close = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (close < 0) throw new Error(`README.md:${i + 1}: a code block that never closes`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const directive = /^<!-- readme-test: (.+?) -->$/.exec(lines[before] ?? "")?.[1];
    blocks.push({
      line: i + 1,
      lang: open[1]!,
      code: lines.slice(i + 1, close).join("\n"),
      ...(directive ? { directive } : {}),
    });
    i = close;
  }
  return blocks;
}

/** Each AWS CLI v2 on the machine (Debian's, one from AWS's installer, and any named), by version. */
function awsClis(): { path: string; version: string }[] {
  const found = new Map<string, { path: string; version: string }>();
  // PIPEWRIGHT_TEST_AWS_CLIS: more CLIs to try, separated by ':' (one installed elsewhere).
  const extra = (process.env.PIPEWRIGHT_TEST_AWS_CLIS ?? "").split(":").filter(Boolean);
  for (const candidate of ["/usr/bin/aws", "/usr/local/bin/aws", ...extra]) {
    if (!existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
      if (version.startsWith("aws-cli/2.")) found.set(realpathSync(candidate), { path: candidate, version });
    } catch {
      // Not a working CLI: nothing to test with.
    }
  }
  return [...found.values()];
}

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const blocks = readmeBlocks(readme);
const clis = awsClis();
// `npm link` links the built package: only when the test command built it (`PIPEWRIGHT_TEST_BIN=dist`).
const built = process.env.PIPEWRIGHT_TEST_BIN === "dist";

describe("README.md's command blocks", () => {
  it("are all either run here or skipped with a reason", () => {
    const known =
      /^(skip — .{10,}|in the clone|in a project with buildspec\.yml and ci\/buildspec\.yml|every terminal)$/;
    for (const block of blocks) {
      const where = `README.md:${block.line}`;
      if (block.directive !== undefined) expect(block.directive, where).toMatch(known);
      if (!block.directive?.startsWith("skip"))
        expect(["sh", "js"], `${where}: language`).toContain(block.lang);
    }
    expect(blocks.filter((b) => !b.directive?.startsWith("skip")).length).toBeGreaterThan(8);
  });
});

describe.skipIf(!built || clis.length === 0)("README.md, pasted into new terminals", () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  for (const cli of clis) {
    it(`works as written with ${cli.version.split(" ")[0]} (${cli.path})`, { timeout: 300_000 }, async () => {
      const tmp = tempDir("pw-readme-");
      cleanups.push(tmp.remove);
      const dir = (name: string) => {
        const d = path.join(tmp.dir, name);
        mkdirSync(d, { recursive: true });
        return d;
      };
      const [home, work, data, npmPrefix, bin, project] = [
        "home",
        "work",
        "data",
        "npm",
        "bin",
        "project",
      ].map(dir);
      execFileSync("ln", ["-s", cli.path, path.join(bin!, "aws")]);

      // What a user has before the README: a git identity and an SSH key; and a project to build.
      const userEnv = { HOME: home!, PATH: "/usr/local/bin:/usr/bin:/bin" };
      execFileSync("git", ["config", "--global", "user.name", "Readme Reader"], { env: userEnv });
      execFileSync("git", ["config", "--global", "user.email", "reader@example.com"], { env: userEnv });
      mkdirSync(path.join(home!, ".ssh"), { mode: 0o700 });
      execFileSync("ssh-keygen", [
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-f",
        path.join(home!, ".ssh", "id_ed25519"),
      ]);
      writeFileSync(
        path.join(project!, "buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo built > out.txt\nartifacts:\n  files:\n    - out.txt\n",
      );
      mkdirSync(path.join(project!, "ci"));
      writeFileSync(
        path.join(project!, "ci", "buildspec.yml"),
        'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "stage=$STAGE" > stage.txt\nartifacts:\n  files:\n    - stage.txt\n',
      );

      // Terminal 1: the README's start command (its extra arguments go to the server).
      const server = spawn(
        "bash",
        ["scripts/start.sh", "--port", "0", "--ssh-port", "0", "--data-dir", data!],
        {
          cwd: ROOT,
          env: { ...process.env, PIPEWRIGHT_LOG_LEVEL: "warn" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let banner = "";
      server.stdout.on("data", (d: Buffer) => (banner += d.toString()));
      server.stderr.on("data", (d: Buffer) => (banner += d.toString()));
      const stopped = new Promise((resolve) => server.once("exit", resolve));
      cleanups.unshift(() => server.kill("SIGKILL"));
      for (let i = 0; !/^Git over HTTP/m.test(banner); i++) {
        if (i > 600 || server.exitCode !== null) throw new Error(`the server did not start:\n${banner}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
      const sshPort = /git ssh: +ssh:\/\/127\.0\.0\.1:(\d+)/.exec(banner)![1]!;
      expect(banner).toContain(`pipewright configure --data-dir ${data}\n`);

      const env: Record<string, string> = {
        HOME: home!,
        PATH: `${bin}:${npmPrefix}/bin:${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        LANG: "C.UTF-8",
        NPM_CONFIG_PREFIX: npmPrefix!,
        PIPEWRIGHT_DATA_DIR: data!,
        GIT_SSH_COMMAND: `ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=${home}/.ssh/known_hosts -i ${home}/.ssh/id_ed25519`,
      };
      const outputs: { block: ReadmeBlock; output: string }[] = [];
      for (const block of blocks) {
        if (block.directive?.startsWith("skip")) continue;
        const code = block.code
          .replaceAll("127.0.0.1:4280", url.slice("http://".length))
          .replaceAll("-p 2222 ", `-p ${sshPort} `)
          .replaceAll("127.0.0.1:2222/", `127.0.0.1:${sshPort}/`);
        const cwd =
          block.directive === "in the clone"
            ? ROOT
            : block.directive?.startsWith("in a project")
              ? project!
              : work!;
        const output = await run(block, code, cwd, env);
        outputs.push({ block, output });
        if (block.directive === "every terminal") {
          for (const [, name, value] of code.matchAll(/^export (\w+)=(\S+)$/gm)) env[name!] = value!;
        }
      }
      const all = outputs.map((o) => o.output).join("\n");

      // What the blocks were for, checked from outside them.
      expect(readFileSync(path.join(home!, ".aws", "config"), "utf8")).toContain(`endpoint_url = ${url}`);
      expect(env.AWS_PROFILE).toBe("pipewright");
      expect(all).toContain('"Arn": "arn:aws:iam::000000000000:root"');
      expect(all).toContain('"Value": "s3cret"'); // the CLI's get-parameter
      expect(all).toMatch(/^s3cret$/m); // the JavaScript SDK's
      expect(readFileSync(path.join(project!, ".pipewright-artifacts", "out.txt"), "utf8")).toBe("built\n");
      expect(readFileSync(path.join(project!, "out", "stage.txt"), "utf8")).toBe("stage=test\n");
      expect(existsSync(path.join(project!, "out.txt")), "pipewright build builds a copy").toBe(false);
      expect(all).toContain('"SUCCEEDED"'); // batch-get-builds
      // The build given the key through Secrets Manager called this server from inside.
      expect(all).toMatch(
        /"Arn": "arn:aws:iam::000000000000:root"[\s\S]*Phase complete: BUILD State: SUCCEEDED/,
      );
      const log = execFileSync("git", ["-C", path.join(work!, "app"), "log", "--format=%s", "main"], {
        encoding: "utf8",
      });
      // Merged by fast-forward, then the pipeline's buildspec on top.
      expect(log.split("\n").slice(0, 3)).toEqual(["Build the site", "More", "First commit"]);
      // The pipeline built that commit, was approved, and deployed the page.
      expect(all).toContain("<h1>hello\nmore</h1>");
      expect(readFileSync(path.join(work!, "app-over-ssh", "README.md"), "utf8")).toBe("hello\n");

      // A terminal without the AWS_PROFILE export, elsewhere: git's helper and pipewright's own
      // commands still find the profile.
      const bare = Object.fromEntries(Object.entries(env).filter(([name]) => name !== "AWS_PROFILE"));
      execFileSync("git", ["-C", path.join(work!, "app"), "fetch", "origin"], { env: bare });
      const lastBuild = execFileSync(
        "aws",
        [
          "--endpoint-url",
          url,
          "--profile",
          "pipewright",
          "codebuild",
          "list-builds",
          "--query",
          "ids[0]",
          "--output",
          "text",
        ],
        { env: bare, encoding: "utf8" },
      ).trim();
      const logs = execFileSync("pipewright", ["logs", "build", lastBuild], {
        env: bare,
        cwd: "/",
        encoding: "utf8",
      });
      expect(logs).toContain("Phase complete: BUILD State: SUCCEEDED");

      server.kill("SIGTERM");
      await stopped;
    });
  }
});

/** Runs one block as a new terminal would: a new bash (or node, for ```js) with `env` only. */
async function run(
  block: ReadmeBlock,
  code: string,
  cwd: string,
  env: Record<string, string>,
): Promise<string> {
  // A new terminal's commands read nothing from it: stdin is closed, so nothing can wait on it.
  const [cmd, args] =
    block.lang === "js"
      ? [process.execPath, ["--input-type=module", "-e", code]]
      : ["bash", ["-e", "-o", "pipefail", "-c", code]];
  const child = spawn(cmd, args, {
    cwd: block.lang === "js" ? ROOT : cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  if (status !== 0) {
    throw new Error(
      `README.md:${block.line}: the block exited ${status} in ${cwd}:\n${code}\n--- output ---\n${output}`,
    );
  }
  return output;
}
