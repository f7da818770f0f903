import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProcessSandbox,
  detectSandbox,
  findOnPath,
  killLeftovers,
  SANDBOX_ID_VARIABLE,
  SandboxOptionError,
  type Sandbox,
  type SandboxSpawnOptions,
} from "./index.js";

const detected = await detectSandbox();
const bubblewrap = detected.sandbox.kind === "bubblewrap" ? detected.sandbox : undefined;
const bash = findOnPath("bash") ?? "/bin/bash";
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

/** Runs a bash script in the sandbox and collects its output. */
async function runScript(sandbox: Sandbox, script: string, options: Partial<SandboxSpawnOptions> = {}) {
  const proc = await sandbox.spawn({
    command: [bash, "-c", script],
    cwd: "/",
    env,
    writablePaths: [],
    network: "none",
    ...options,
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdin.end();
  const exit = await proc.exited;
  return { code: exit.code, stdout: stdout.trim().split("\n"), stderr };
}

/** Running (not zombie) processes whose command line contains `token`. */
function processesWithToken(token: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(token) && !/\) Z /.test(stat);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const token = (): string => String(parseInt(randomBytes(3).toString("hex"), 16));

describe("detectSandbox", () => {
  it("gives the process sandbox, saying so, when asked for it or when bwrap is missing", async () => {
    const asked = await detectSandbox({ preferred: "process" });
    expect(asked.sandbox).toMatchObject({ kind: "process", isolated: false });
    expect(asked.sandbox.description).toMatch(/^No sandbox: /);
    const missing = await detectSandbox({ bwrapPath: "/nonexistent/bwrap" });
    expect(missing.sandbox.kind).toBe("process");
    expect(missing.fallbackReason).toMatch(/bubblewrap cannot run here: .*ENOENT/);
    expect(missing.sandbox.description).toContain(missing.fallbackReason);
  });
});

describe.skipIf(bubblewrap === undefined)(
  bubblewrap ? "bubblewrap sandbox" : `bubblewrap sandbox (skipped: ${detected.fallbackReason})`,
  () => {
    const sandbox = bubblewrap!;
    const users = sandbox.reserveUsers();
    let dataDir: string;
    let own: string;
    let other: string;

    beforeAll(async () => {
      // Outside /tmp: the sandbox's private /tmp would hide a data directory there anyway.
      dataDir = await mkdtemp(join(existsSync("/var/tmp") ? "/var/tmp" : process.cwd(), "pw-sandbox-test-"));
      own = join(dataDir, "builds", "own");
      other = join(dataDir, "builds", "other");
      await mkdir(own, { recursive: true });
      await mkdir(other, { recursive: true });
      await writeFile(join(other, "secret.txt"), "other build's file");
      // As the server lays its data directory out: passable, the build's own directory its own.
      await chmod(dataDir, 0o711);
      await chmod(join(dataDir, "builds"), 0o711);
      await users.adopt(own);
    });
    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it("lets a build write only its own directory, and hides other builds", async () => {
      const targets = [
        "/etc/pw-escape",
        join(process.cwd(), "pw-escape"),
        join(other, "x"),
        join(dataDir, "x"),
      ];
      const script = [
        `for f in ${targets.map((t) => `'${t}'`).join(" ")}; do touch "$f" 2>/dev/null && echo "wrote $f" || echo "denied $f"; done`,
        `cat '${join(other, "secret.txt")}' 2>/dev/null || echo 'other build invisible'`,
        `echo mine > '${join(own, "result.txt")}' && echo 'wrote own'`,
        "mount -o remount,rw / 2>/dev/null && echo remounted || echo 'remount denied'",
      ].join("\n");
      const result = await runScript(sandbox, script, {
        cwd: own,
        writablePaths: [own],
        hiddenPaths: [dataDir],
        users,
      });
      expect(result.stdout).toEqual([
        ...targets.map((t) => `denied ${t}`),
        "other build invisible",
        "wrote own",
        "remount denied",
      ]);
      expect(readFileSync(join(own, "result.txt"), "utf8")).toBe("mine\n");
      expect(existsSync("/etc/pw-escape")).toBe(false);
    });

    it("keeps other builds read-only even when the data directory is not hidden", async () => {
      const result = await runScript(sandbox, `touch '${join(other, "y")}' 2>&1 || echo denied`, {
        writablePaths: [own],
        users,
      });
      expect(result.stdout.at(-1)).toBe("denied");
      expect(existsSync(join(other, "y"))).toBe(false);
    });

    it.skipIf(process.getuid?.() !== 0)(
      "with allowUserSwitch, gives its first process only the capabilities to switch users",
      async () => {
        const script = [
          "grep -E '^Cap(Eff|Amb)' /proc/self/status",
          // The hidden data directory's tmpfs parents of the build's mount are passable by others.
          `stat -c %a '${join(dataDir, "builds")}'`,
          `setpriv --reuid=65534 --regid=65534 --init-groups --inh-caps=-all --bounding-set=-all -- sh -c "id -un; ls '${own}' >/dev/null && echo reached; grep CapEff /proc/self/status"`,
        ].join("\n");
        const result = await runScript(sandbox, script, {
          writablePaths: [own],
          hiddenPaths: [dataDir],
          allowUserSwitch: true,
          users,
        });
        // CAP_SETGID, CAP_SETUID and CAP_SETPCAP are bits 6, 7 and 8.
        expect(result.stdout).toEqual([
          "CapEff:\t00000000000001c0",
          "CapAmb:\t00000000000001c0",
          "755",
          "nobody",
          "reached",
          "CapEff:\t0000000000000000",
        ]);
      },
    );

    it.skipIf(process.getuid?.() !== 0)(
      "runs as root inside but as an unprivileged host user: the host's private files are out of reach",
      async () => {
        const script = [
          "id -u",
          "cat /etc/shadow >/dev/null 2>&1 && echo 'shadow read' || echo 'shadow denied'",
          "echo $(ls -A /root /home)",
          "ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 && { cat /etc/ssh/ssh_host_*_key >/dev/null 2>&1 && echo 'host key read' || echo 'host key denied'; } || echo 'no host key'",
          "test -d /run/postgresql && echo 'host sockets visible' || echo 'no host sockets'",
          `echo made > '${join(own, "made-inside")}'`,
        ].join("\n");
        const result = await runScript(sandbox, script, { writablePaths: [own], users });
        expect(result.stdout[0]).toBe("0");
        expect(result.stdout.slice(1, 3)).toEqual(["shadow denied", "/home: /root:"]);
        expect(result.stdout[3]).not.toBe("host key read");
        expect(result.stdout[4]).toBe("no host sockets");
        // On the host the file belongs to the build's range, not to root.
        const made = await stat(join(own, "made-inside"));
        expect(made.uid).toBe(users.hostUid(0));
        expect(made.uid).toBeGreaterThan(65_535);
      },
    );

    it("gives a private /tmp and its own process namespace", async () => {
      const hostFile = join(tmpdir(), `pw-host-${token()}`);
      await writeFile(hostFile, "host");
      const name = `pw-inside-${token()}`;
      const script = `test -e '${hostFile}' && echo 'host tmp visible'; echo x > /tmp/${name}; echo "pid $$"; kill -0 ${process.pid} 2>/dev/null && echo 'server visible' || echo 'server invisible'`;
      const result = await runScript(sandbox, script);
      await rm(hostFile);
      expect(result.stdout).toEqual(["pid 2", "server invisible"]);
      expect(existsSync(join(tmpdir(), name))).toBe(false);
    });

    describe("network", () => {
      let server: Server;
      let other: Server;
      let port: number;
      let otherPort: number;
      beforeAll(async () => {
        server = createServer((socket) => socket.end("hello\n"));
        other = createServer((socket) => socket.end("private\n"));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
        port = (server.address() as { port: number }).port;
        otherPort = (other.address() as { port: number }).port;
      });
      afterAll(async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => other.close(() => resolve()));
      });

      const connect = (to: number): string =>
        `exec 3<>/dev/tcp/127.0.0.1/${to} 2>/dev/null && head -n1 <&3 || echo 'no connection'`;

      it("none: cannot reach a server on the host's loopback", async () => {
        expect((await runScript(sandbox, connect(port), { network: "none" })).stdout).toEqual([
          "no connection",
        ]);
      });

      it("host: reaches it", async () => {
        expect((await runScript(sandbox, connect(port), { network: "host" })).stdout).toEqual(["hello"]);
      });

      it.skipIf(process.getuid?.() !== 0)(
        "isolated: reaches the forwarded port at its own 127.0.0.1, and no other host service",
        async () => {
          const detected = await detectSandbox({ network: { forwardPorts: [port] } });
          expect(detected.limitations).toEqual([]);
          try {
            const script = [
              connect(port),
              connect(otherPort),
              "awk 'NR > 2' /proc/net/dev | grep -c -v '^ *lo:'",
            ].join("\n");
            const result = await runScript(detected.sandbox, script, { network: "isolated" });
            // The forwarded port answers; the other is refused; an interface besides lo carries traffic out.
            expect(result.stdout).toEqual(["hello", "no connection", "1"]);
          } finally {
            await detected.sandbox.close();
          }
        },
      );
    });

    it("passes extra pipes through to the command, and no other descriptor", async () => {
      const proc = await sandbox.spawn({
        command: [bash, "-c", "echo control >&3; ls /proc/self/fd | sort -n | tr '\\n' ' ' >&3"],
        cwd: "/",
        env,
        writablePaths: [],
        network: "none",
        extraOutputs: 1,
      });
      let received = "";
      proc.extraOutputs[0]?.on("data", (chunk: Buffer) => (received += chunk.toString()));
      await proc.exited;
      // 0-2, the pipe, and the one ls opens to read the directory.
      await expect.poll(() => received).toBe("control\n0 1 2 3 4 ");
    });

    it("refuses a writable directory that does not exist", async () => {
      await expect(
        sandbox.spawn({
          command: ["true"],
          cwd: "/",
          env,
          writablePaths: [join(dataDir, "missing")],
          network: "none",
        }),
      ).rejects.toThrow(SandboxOptionError);
    });

    it("kills the whole namespace, daemons included, with killTree", async () => {
      const id = token();
      // The id comes through the environment so that only the sleeps carry it in their command line.
      const proc = await sandbox.spawn({
        command: [bash, "-c", "setsid sleep 1000.${ID}1 & nohup sleep 1000.${ID}2 & sleep 1000.${ID}3"],
        cwd: "/",
        env: { ...env, ID: id },
        writablePaths: [],
        network: "none",
      });
      await expect.poll(() => processesWithToken(id).length).toBe(3);
      proc.killTree("SIGKILL");
      expect((await proc.exited).code).not.toBe(0);
      await expect.poll(() => processesWithToken(id)).toEqual([]);
    });
  },
);

describe("process sandbox", () => {
  const sandbox = createProcessSandbox({ reason: "testing" });

  it("says in its description that there is no isolation, and why", () => {
    expect(sandbox).toMatchObject({ kind: "process", isolated: false });
    expect(sandbox.description).toMatch(/^No sandbox: .*\(testing\)/);
  });

  it("finds a setsid daemon after its parent has exited, and terminate() ends it", async () => {
    const id = token();
    const proc = await sandbox.spawn({
      command: [bash, "-c", `setsid sleep 1000.$ID & echo "$${SANDBOX_ID_VARIABLE}"`],
      cwd: "/",
      env: { ...env, ID: id },
      writablePaths: [],
      network: "host",
    });
    let stdout = "";
    proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    expect((await proc.exited).code).toBe(0);
    expect(stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => processesWithToken(id).length).toBe(1);
    await proc.terminate(500);
    expect(processesWithToken(id)).toEqual([]);
  });

  it("finds what a dead server's build left running by the build's id", async () => {
    const id = token();
    const buildId = `pw-test-build-${id}`;
    const proc = await sandbox.spawn({
      id: buildId,
      command: [bash, "-c", "setsid sleep 1000.$ID &"],
      cwd: "/",
      env: { ...env, ID: id },
      writablePaths: [],
      network: "host",
    });
    await proc.exited;
    await expect.poll(() => processesWithToken(id).length).toBe(1);
    expect(killLeftovers(buildId)).toBe(1);
    await expect.poll(() => processesWithToken(id)).toEqual([]);
  });

  it("points TMPDIR at tmpDir", async () => {
    const result = await runScript(sandbox, 'echo "$TMPDIR"', { tmpDir: "/var/tmp" });
    expect(result.stdout).toEqual(["/var/tmp"]);
  });
});

describe.each([
  ["process", () => createProcessSandbox({ reason: "testing" })],
  ["bubblewrap", () => bubblewrap],
])("%s sandbox: a short command's output", (kind, make) => {
  it.skipIf(make() === undefined)("waits for a reader that comes after the command has exited", async () => {
    const proc = await make()!.spawn({
      command: ["/bin/sh", "-c", "head -c 50000 /dev/zero | tr '\\0' x; echo done >&2"],
      cwd: "/",
      env,
      writablePaths: [],
      network: "none",
    });
    proc.stdin.end();
    await proc.exited;
    // Node resumes a dead child's unread pipes on the next ticks; a reader arriving later (after an
    // import, say) must still get every byte.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const read = async (stream: NodeJS.ReadableStream) => {
      let text = "";
      for await (const chunk of stream) text += String(chunk);
      return text;
    };
    const [stdout, stderr] = await Promise.all([read(proc.stdout), read(proc.stderr)]);
    expect(stdout.length, kind).toBe(50000);
    expect(stderr).toBe("done\n");
  });
});
