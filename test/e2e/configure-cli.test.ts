import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import { hasAwsCli, AWS_CLI } from "../support/server.js";
import { execFileSync } from "node:child_process";
import { tempDir } from "../support/stores.js";

/** `pipewright configure`: a profile of the AWS CLI's own files, for every terminal. */
describe("pipewright configure", () => {
  const tmp = tempDir("pw-configure-");
  const data = path.join(tmp.dir, "data");
  const home = path.join(tmp.dir, "home");
  let server: CliProcess;
  let url: string;
  beforeAll(async () => {
    mkdirSync(home);
    server = spawnPipewright(["server", "--port", "0", "--data-dir", data]);
    url = (await server.waitFor(/running at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await server.waitFor(/UseHttpPath/);
  });
  afterAll(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    tmp.remove();
  });

  async function configure(args: string[], env: NodeJS.ProcessEnv = {}) {
    const p = spawnPipewright(["configure", ...args], { HOME: home, ...env });
    return { code: await p.exited, output: p.output() };
  }

  it("writes the server's key, region and endpoint as a profile, keeping what the files held", async () => {
    mkdirSync(path.join(home, ".aws"));
    const mine = "[default]\naws_access_key_id = AKIAMYOWNREALKEY\naws_secret_access_key = mine\n";
    writeFileSync(path.join(home, ".aws", "credentials"), mine);
    writeFileSync(
      path.join(home, ".aws", "config"),
      "[profile pipewright]\noutput = json\nregion = eu-west-3\n",
    );

    const first = await configure(["--data-dir", data]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`Wrote profile pipewright: the root user of ${url} (region us-east-1)`);
    expect(first.output).toContain("Checked: the server answers as arn:aws:iam::000000000000:root.");
    const credentials = readFileSync(path.join(home, ".aws", "credentials"), "utf8");
    expect(credentials.startsWith(mine)).toBe(true);
    const key = readFileSync(path.join(data, "credentials"), "utf8").match(/aws_access_key_id = (\S+)/)![1];
    expect(credentials).toContain(`[pipewright]\naws_access_key_id = ${key}\n`);
    expect(readFileSync(path.join(home, ".aws", "config"), "utf8")).toBe(
      `[profile pipewright]\noutput = json\nregion = us-east-1\nendpoint_url = ${url}\n`,
    );

    // Again: the same profile is updated in place, not added twice.
    expect((await configure(["--data-dir", data])).code).toBe(0);
    expect(readFileSync(path.join(home, ".aws", "credentials"), "utf8")).toBe(credentials);
  });

  it("writes new files private to the user, where AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE say", async () => {
    const dir = path.join(tmp.dir, "elsewhere", "aws");
    const env = {
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "creds"),
      AWS_CONFIG_FILE: path.join(dir, "conf"),
      PIPEWRIGHT_DATA_DIR: data,
    };
    const result = await configure(["--profile", "local-dev"], env);
    expect(result.code, result.output).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(env.AWS_SHARED_CREDENTIALS_FILE).mode & 0o777).toBe(0o600);
    expect(readFileSync(env.AWS_CONFIG_FILE, "utf8")).toContain("[profile local-dev]\n");
    if (hasAwsCli()) {
      const out = execFileSync(
        AWS_CLI,
        ["--endpoint-url", url, "sts", "get-caller-identity", "--output", "text"],
        {
          env: { PATH: process.env.PATH, HOME: home, AWS_PROFILE: "local-dev", ...env },
          encoding: "utf8",
        },
      );
      expect(out).toContain("arn:aws:iam::000000000000:root");
    }
  });

  it("refuses names and URLs that would write other lines into the files", async () => {
    const before = readFileSync(path.join(home, ".aws", "credentials"), "utf8");
    for (const [args, message] of [
      [["--profile", "x]\n[default"], "--profile must be letters, digits"],
      [["--profile", ""], "--profile must be letters, digits"],
      [["--endpoint-url", "http://h:1\naws_access_key_id = AKIAEVIL"], "--endpoint-url must be"],
      [["--endpoint-url", "file:///etc/passwd"], "--endpoint-url must be an http:// or https:// URL"],
      [["--endpoint-url", "not a url"], "--endpoint-url must be a URL"],
    ] as const) {
      const result = await configure(["--data-dir", data, ...args]);
      expect(result.code, result.output).toBe(1);
      expect(result.output).toContain(message);
      expect(result.output).not.toMatch(/\n\s+at /); // one line, no stack trace
    }
    expect(readFileSync(path.join(home, ".aws", "credentials"), "utf8")).toBe(before);
  });

  it("says where it looked when there is no server's key, and when no server runs there", async () => {
    const missing = await configure(["--data-dir", path.join(tmp.dir, "nothing")]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain(`no server key in ${path.join(tmp.dir, "nothing", "credentials")}`);
    expect(missing.output).toContain("pass --data-dir");

    // A copy of the data directory's key, with no server holding it: the default endpoint, said so.
    const copy = path.join(tmp.dir, "copy");
    mkdirSync(copy);
    writeFileSync(path.join(copy, "credentials"), readFileSync(path.join(data, "credentials")));
    const idle = await configure(["--data-dir", copy, "--profile", "idle"]);
    expect(idle.code, idle.output).toBe(0);
    expect(idle.output).toContain(`No server is running on ${copy} now; assumed http://127.0.0.1:4280`);
  });
});
