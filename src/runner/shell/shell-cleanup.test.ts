import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesWithToken, sandboxesUnderTest, testEnv, uniqueToken } from "./fixtures/sessions.fixture.js";
import { startShellSession, type ShellSession } from "./index.js";

const suites = await sandboxesUnderTest();

/**
 * Limit for a session whose command would sleep 1000 s to end. Speed is for benchmarks to measure;
 * these tests only prove that kill() and a timeout do not wait for the command, and leave room for a
 * loaded machine.
 */
const PROMPTLY_MS = 20_000;

/** Daemons a build might leave behind, each with a unique token in its command line. */
function daemons(token: string): string {
  return [
    `sleep 1000.${token}1 &`,
    `nohup sleep 1000.${token}2 >/dev/null 2>&1 &`,
    `setsid sleep 1000.${token}3 &`,
    `(setsid bash -c 'sleep 1000.${token}4' &)`,
    "echo started",
  ].join("\n");
}

for (const { title, sandbox, users, makeWorkDir } of suites) {
  describe.skipIf(sandbox === undefined)(title, () => {
    let workDir: string;

    beforeAll(async () => {
      workDir = await makeWorkDir("pw-shell-cleanup-");
    });
    afterAll(async () => {
      await rm(workDir, { recursive: true, force: true });
    });

    function start(): Promise<ShellSession> {
      return startShellSession({
        sandbox: sandbox!,
        users,
        cwd: workDir,
        env: testEnv(),
        writablePaths: [workDir],
      });
    }

    it("leaves no process behind after close(), not even setsid and nohup daemons", async () => {
      const token = uniqueToken();
      const shell = await start();
      expect(await shell.run(daemons(token))).toMatchObject({ exitCode: 0 });
      await expect.poll(() => processesWithToken(token).length, { timeout: 10_000 }).toBe(4);
      // Daemons keep running between commands, as a build's dockerd would.
      expect((await shell.run("sleep 0.1")).exitCode).toBe(0);
      expect(processesWithToken(token)).toHaveLength(4);
      await shell.close();
      expect(processesWithToken(token)).toEqual([]);
    });

    it("kills the whole tree promptly with kill(), also while a command runs", async () => {
      const token = uniqueToken();
      const shell = await start();
      await shell.run(daemons(token));
      const running = shell.run(`trap '' TERM; sleep 1000.${token}5`);
      await expect.poll(() => processesWithToken(token).length, { timeout: 10_000 }).toBe(5);
      const started = Date.now();
      await shell.kill();
      const elapsed = Date.now() - started;
      expect(await running).toEqual({ exitCode: 137, end: "killed" });
      expect(processesWithToken(token)).toEqual([]);
      expect(elapsed).toBeLessThan(PROMPTLY_MS);
    });

    it("ends a command at its timeout, killing the tree, and reports it as timed out", async () => {
      const token = uniqueToken();
      const shell = await start();
      await shell.run(daemons(token));
      const lines: string[] = [];
      const started = Date.now();
      const result = await shell.run(`echo waiting; trap '' TERM; sleep 1000.${token}5`, {
        timeoutMs: 300,
        onOutput: (line) => lines.push(line),
      });
      expect(result).toEqual({ exitCode: 124, end: "timed-out" });
      expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
      expect(lines).toEqual(["waiting"]);
      expect(processesWithToken(token)).toEqual([]);
      await expect(shell.run("true")).rejects.toThrow(/closed or killed/);
    });

    it("keeps daemons of a command that ran `exit` and restarts the shell beside them", async () => {
      const token = uniqueToken();
      const shell = await start();
      await shell.run(`sleep 1000.${token}1 & exit 0`);
      expect((await shell.run("echo alive")).exitCode).toBe(0);
      // The daemon is started in the background: wait until it has exec'd sleep.
      await expect.poll(() => processesWithToken(token), { timeout: 10_000 }).toHaveLength(1);
      await shell.close();
      expect(processesWithToken(token)).toEqual([]);
    });
  });
}
