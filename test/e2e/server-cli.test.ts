import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import { tempDir } from "../support/stores.js";

describe("pipewright server", () => {
  const cleanups: Array<() => void | Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function start(dataDir: string, extra: string[] = []): CliProcess {
    const p = spawnPipewright(["server", "--port", "0", "--data-dir", dataDir, ...extra]);
    cleanups.push(async () => {
      if (p.child.exitCode === null) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
    });
    return p;
  }

  it("starts healthy, writes credentials for the AWS CLI and stops cleanly on SIGTERM", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const p = start(tmp.dir);
    const [, url] = await p.waitFor(/running at (http:\/\/127\.0\.0\.1:\d+)/);
    await p.waitFor(/sts get-caller-identity/);
    const health = await fetch(`${url}/_/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    // The banner's one-time console link signs a browser in, once.
    const [, link, token] = /^ {2}(http:\/\/\S+\/_\/console\/signin#token=([\w-]+))$/m.exec(p.output()) ?? [];
    expect(link?.startsWith(`${url}/`)).toBe(true);
    const signIn = () =>
      fetch(`${url}/_/console/session`, {
        method: "POST",
        headers: { "x-pipewright-console": "1", "content-type": "application/json" },
        body: JSON.stringify({ signInToken: token }),
      });
    expect((await signIn()).status).toBe(200);
    expect((await signIn()).status).toBe(401);

    const credentialsFile = path.join(tmp.dir, "credentials");
    expect(p.output()).toContain(`pipewright configure --data-dir ${tmp.dir}\n`);
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(tmp.dir, "master.key")).mode & 0o777).toBe(0o600);
    const text = readFileSync(credentialsFile, "utf8");
    expect(text).toMatch(/^\[default\]$/m);
    const accessKeyId = /^aws_access_key_id = (\S+)$/m.exec(text)?.[1];
    const secretAccessKey = /^aws_secret_access_key = (\S+)$/m.exec(text)?.[1];
    expect(accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);

    const sts = new STSClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("000000000000");

    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);

    // A second start keeps the same root key.
    const again = start(tmp.dir);
    await again.waitFor(/running at/);
    expect(readFileSync(credentialsFile, "utf8")).toBe(text);
    again.child.kill("SIGINT");
    expect(await again.exited).toBe(0);
  });

  it("uses a configured account id and region", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const p = start(tmp.dir, ["--account-id", "123456789012", "--region", "eu-west-1"]);
    const [, url] = await p.waitFor(/running at (http:\/\/127\.0\.0\.1:\d+)/);
    const text = readFileSync(path.join(tmp.dir, "credentials"), "utf8");
    const sts = new STSClient({
      endpoint: url,
      region: "eu-west-1",
      credentials: {
        accessKeyId: /aws_access_key_id = (\S+)/.exec(text)![1]!,
        secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)![1]!,
      },
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:root" });
  });

  it("refuses a bad setting with a message that names it", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const p = start(tmp.dir, ["--account-id", "12"]);
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/--account-id: must be 12 digits/);
  });

  it("says in one line, without a stack trace, that a port is taken, naming the setting", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = String((taken.address() as AddressInfo).port);
    for (const args of [
      ["--port", port],
      ["--ssh-port", port],
    ]) {
      const p = start(tmp.dir, args);
      expect(await p.exited).toBe(1);
      const out = p.output().trim();
      expect(out.split("\n")).toHaveLength(1);
      expect(out).toMatch(new RegExp(`port ${port} is (in use by another program|already in use)`));
      expect(out).toContain(args[0]);
      expect(out).not.toMatch(/\n\s+at /);
    }
  });

  it("holds its data directory: a second server is refused, and a crashed one's lock is taken over", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const first = start(tmp.dir);
    await first.waitFor(/running at/);
    const second = start(tmp.dir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(`data directory .* is in use by another Pipewright server \\(pid ${first.child.pid}\\)`),
    );
    expect(second.output()).toContain("--data-dir");
    // kill -9 leaves the lock behind; the next server takes it over.
    first.child.kill("SIGKILL");
    await first.exited;
    const [, firstUrl] = /running at (\S+)/.exec(first.output())!;
    expect(readFileSync(path.join(tmp.dir, "server.pid"), "utf8")).toBe(`${first.child.pid}\n${firstUrl}\n`);
    const third = start(tmp.dir);
    await third.waitFor(/running at/);
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    expect(existsSync(path.join(tmp.dir, "server.pid"))).toBe(false);
  });

  it("names a data directory it cannot use", async () => {
    const p = start("/etc/hostname/data");
    expect(await p.exited).toBe(1);
    expect(p.output().trim()).toMatch(
      /^pipewright: data directory \/etc\/hostname\/data cannot be used \(ENOTDIR.*--data-dir/,
    );
  });
});
