/**
 * A build is root in its sandbox and nobody on the host: the host's private files, home directories
 * and the server's data are out of its reach; its network is its own (outbound, and of the host's
 * loopback only the server's API port); and whatever it runs, the server and other builds go on.
 */
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { StopBuildCommand } from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand, PutFileCommand } from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForBuild } from "../e2e/codebuild-support.js";
import { tempDir } from "../support/stores.js";
import { buildspecOf, Harness, leaked } from "./support.js";

const asRoot = process.getuid?.() === 0;

/** A buildspec running `commands` in its build phase. */
const phases = (...commands: string[]) => buildspecOf(commands);

describe.skipIf(!asRoot)("the build's host", () => {
  let h: Harness;
  let dataDir: string;
  let service: Server;
  let servicePort: number;
  beforeAll(async () => {
    h = await Harness.start();
    dataDir = h.server.dataDir;
    // A developer's service on the host's loopback.
    service = createServer((socket) => socket.end("private service\n"));
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    servicePort = (service.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => service.close(() => resolve()));
    await h.stop();
  });

  it("is root inside, but cannot read what only the host's root may, nor anyone's home", async () => {
    const r = await h.run({
      buildspec: phases(
        'echo "uid=$(id -u)"',
        "cat /etc/shadow >/dev/null 2>&1 && echo 'read shadow' || echo 'no shadow'",
        'echo "root:[$(ls -A /root | grep -v .gitconfig)] home:[$(ls -A /home)] run:[$(ls -A /run)]"',
        `cat '${path.join(dataDir, "master.key")}' 2>/dev/null || echo 'no master key'`,
        `ls -A '${dataDir}' | wc -l | sed 's/^/data entries: /'`,
        'for k in /etc/ssh/ssh_host_*_key; do test -e "$k" || continue; cat "$k" >/dev/null 2>&1 && echo "read $k"; done; echo keys checked',
        "cat /proc/self/oom_score_adj | sed 's/^/oom: /'",
      ),
    });
    expect(r.build.buildStatus, r.log).toBe("SUCCEEDED");
    expect(r.log).toContain("uid=0");
    expect(r.log).toContain("no shadow");
    expect(r.log).toContain("root:[] home:[] run:[]");
    expect(r.log).toContain("no master key");
    expect(r.log).toContain("data entries: 0");
    expect(r.log).not.toMatch(/read \/etc\/ssh/);
    expect(r.log).toContain("oom: 1000");
    expect(leaked(r.log, h.secrets())).toEqual([]);
  });

  it("owns its files on the host as an unprivileged id, and the data directory keeps to itself", async () => {
    const { id } = await h.start({ buildspec: phases("echo mine > marker", "sleep 60") });
    const uuid = id.slice(id.indexOf(":") + 1);
    const marker = path.join(dataDir, "builds", uuid, "src", "marker");
    await expect
      .poll(() => statSync(marker, { throwIfNoEntry: false })?.uid, { timeout: 30_000 })
      .toBeGreaterThan(65_535);
    await h.codebuild.send(new StopBuildCommand({ id }));
    expect((await waitForBuild(h.codebuild, id)).buildStatus).toBe("STOPPED");
    // The data directory can be passed (builds live under it) but not listed; everything in it but
    // builds/ is the server's alone.
    expect(statSync(dataDir).mode & 0o777).toBe(0o711);
    for (const name of readdirSync(dataDir)) {
      const mode = statSync(path.join(dataDir, name)).mode & 0o777;
      if (name === "builds") expect(mode).toBe(0o711);
      else expect({ name, groupAndOthers: mode & 0o077 }).toEqual({ name, groupAndOthers: 0 });
    }
  });

  it("has a network of its own: the server's API, but not the host's other loopback services", async () => {
    const r = await h.run({
      buildspec: phases(
        `(exec 3<>/dev/tcp/127.0.0.1/${servicePort} && cat <&3) 2>/dev/null || echo 'service unreachable'`,
        `(exec 3<>/dev/tcp/127.0.0.1/${h.server.ssh!.port}) 2>/dev/null && echo 'ssh reachable' || echo 'ssh unreachable'`,
        'port=${AWS_ENDPOINT_URL##*:}; exec 3<>/dev/tcp/127.0.0.1/$port; printf "GET /_/health HTTP/1.0\\r\\n\\r\\n" >&3; tail -n1 <&3; echo',
        'echo "endpoint=$AWS_ENDPOINT_URL"',
      ),
    });
    expect(r.build.buildStatus).toBe("SUCCEEDED");
    expect(r.log).toContain("service unreachable");
    expect(r.log).toContain("ssh unreachable");
    expect(r.log).toContain('{"status":"ok"}');
    expect(r.log).toContain(`endpoint=${h.server.url}`);
    expect(r.log).not.toContain("private service");
  });

  it("uses the AWS CLI and git's credential helper against the server from inside", async () => {
    const codecommit = new CodeCommitClient(h.server.clientConfig);
    await codecommit.send(new CreateRepositoryCommand({ repositoryName: "inside" }));
    await codecommit.send(
      new PutFileCommand({
        repositoryName: "inside",
        branchName: "main",
        filePath: "hello.txt",
        fileContent: Buffer.from("hello from the server\n"),
      }),
    );
    codecommit.destroy();
    const credentials = h.server.clientConfig.credentials;
    const r = await h.run({
      buildspec: [
        "version: 0.2",
        "env:",
        "  git-credential-helper: yes",
        "phases:",
        "  build:",
        "    commands:",
        // Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL, hence --endpoint-url.
        '      - /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL" sts get-caller-identity --query Account --output text',
        '      - git clone -q "$AWS_ENDPOINT_URL/v1/repos/inside" cloned && cat cloned/hello.txt',
      ].join("\n"),
      environmentVariables: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
    expect(r.build.buildStatus, r.log).toBe("SUCCEEDED");
    expect(r.log).toContain(h.server.config.accountId);
    expect(r.log).toContain("hello from the server");
  });

  it("with vpcConfig, gets the host's network, private services included", async () => {
    const r = await h.run({
      buildspec: phases(`exec 3<>/dev/tcp/127.0.0.1/${servicePort} && cat <&3`),
      vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
    });
    expect(r.build.buildStatus).toBe("SUCCEEDED");
    expect(r.log).toContain("private service");
    expect(r.build.vpcConfig?.vpcId).toBe("vpc-1");
  });

  it("cannot exhaust the host's processes: a build spawning without end is capped, and others carry on", async () => {
    const bomb = await h.start({
      buildspec: phases(
        'echo "limit $(ulimit -u)"',
        "for i in $(seq 1 100000); do sleep 1000 & done 2>/dev/null; echo spawned",
        "sleep 600",
      ),
    });
    // While it runs, another build starts, runs and succeeds, and the API answers.
    await new Promise((r) => setTimeout(r, 3000));
    const other = await h.run({ buildspec: phases("echo fine") });
    expect(other.build.buildStatus).toBe("SUCCEEDED");
    expect(other.log).toContain("fine");
    await h.codebuild.send(new StopBuildCommand({ id: bomb.id }));
    const stopped = await waitForBuild(h.codebuild, bomb.id);
    expect(stopped.buildStatus).toBe("STOPPED");
    expect(await h.logText(stopped)).toContain("limit 4096");
  });

  it("runs builds from a data directory inside a closed one (a checkout in root's home), hidden from them", async () => {
    const closed = tempDir("pipewright-closed-");
    chmodSync(closed.dir, 0o700);
    const other = await Harness.start({ config: { dataDir: path.join(closed.dir, "data") } });
    try {
      const r = await other.run({
        buildspec: phases('echo "system builds: [$(ls -A /var/lib/pipewright 2>/dev/null)]"', "pwd"),
      });
      expect(r.build.buildStatus, r.log).toBe("SUCCEEDED");
      // The builds ran under /var/lib/pipewright, which the build sees empty.
      expect(r.log).toContain("system builds: []");
      expect(readdirSync("/var/lib/pipewright").some((n) => n.startsWith("builds-"))).toBe(true);
    } finally {
      await other.stop();
      closed.remove();
    }
  });

  it("leaves no network process behind: a build's pasta goes with it, and the ready one with the server", async () => {
    const other = await Harness.start();
    const port = String(other.server.port);
    const pastas = () => processesWith(["--tcp-ns", port]);
    try {
      for (let i = 0; i < 3; i++) {
        expect((await other.run({ buildspec: phases("true") })).build.buildStatus).toBe("SUCCEEDED");
      }
      // Only the namespace kept ready for the next build.
      await expect.poll(() => pastas().length, { timeout: 5000 }).toBeLessThanOrEqual(1);
    } finally {
      await other.stop();
    }
    await expect.poll(() => pastas().length, { timeout: 5000 }).toBe(0);
  });
});

/** Pids of processes whose argument list contains `args` in a row. */
function processesWith(args: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = argv.indexOf(args[0]!);
      if (at >= 0 && args.every((a, i) => argv[at + i] === a)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
