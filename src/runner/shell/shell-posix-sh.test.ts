import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sandboxesUnderTest, testEnv } from "./fixtures/sessions.fixture.js";
import { startShellSession, type OutputStream, type ShellSession } from "./index.js";

const suites = await sandboxesUnderTest();

/** `shell: "sh"` runs commands in /bin/sh with the protocol bash sessions have. */
for (const { title, sandbox, users, makeWorkDir } of suites) {
  describe.skipIf(sandbox === undefined)(`POSIX sh in the ${title}`, () => {
    let workDir: string;
    let session: ShellSession | undefined;

    beforeAll(async () => {
      workDir = await makeWorkDir("pw-shell-sh-");
    });
    afterAll(async () => {
      await rm(workDir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await session?.kill();
      session = undefined;
    });

    async function start(env: Record<string, string> = {}): Promise<ShellSession> {
      session = await startShellSession({
        sandbox: sandbox!,
        users,
        cwd: workDir,
        env: { ...testEnv(), ...env },
        writablePaths: [workDir],
        shell: "sh",
      });
      return session;
    }

    async function run(shell: ShellSession, command: string, timeoutMs?: number) {
      const lines: { line: string; stream: OutputStream }[] = [];
      const result = await shell.run(command, {
        timeoutMs,
        onOutput: (line, stream) => lines.push({ line, stream }),
      });
      const stdout = lines.filter((l) => l.stream === "stdout").map((l) => l.line);
      const stderr = lines.filter((l) => l.stream === "stderr").map((l) => l.line);
      return { ...result, stdout, stderr };
    }

    it("runs commands in /bin/sh, where a bashism fails", async () => {
      const shell = await start();
      expect((await run(shell, 'echo "$0"')).stdout).toEqual(["/bin/sh"]);
      const bashism = await run(shell, "[[ 1 == 1 ]] && echo bash");
      expect(bashism.exitCode).not.toBe(0);
      expect(bashism.stdout).toEqual([]);
      expect((await run(shell, "echo next")).stdout).toEqual(["next"]);
    });

    it("keeps cd, export and plain variables, and reports statuses", async () => {
      const shell = await start();
      await run(shell, "mkdir -p sub && cd sub; export GREETING='hello world'; PLAIN=kept");
      const after = await run(shell, 'pwd; echo "$GREETING/$PLAIN"');
      expect(after).toMatchObject({ exitCode: 0, stdout: [join(workDir, "sub"), "hello world/kept"] });
      expect((await run(shell, "false")).exitCode).toBe(1);
      expect((await run(shell, "no-such-command-pw")).exitCode).toBe(127);
    });

    it("goes on after exit and set -e with the exported variables and directory, unsets included", async () => {
      const shell = await start({ FROM_START: "start" });
      await run(shell, 'mkdir -p out && cd out; export MULTI="it\'s\nexport FAKE=1"; unset FROM_START');
      expect(await run(shell, "exit 3")).toMatchObject({ exitCode: 3, end: "shell-exited" });
      const next = await run(shell, 'pwd; printf "%s|" "$MULTI" "${FROM_START-unset}" "${FAKE-unset}"');
      expect(next.stdout).toEqual([join(workDir, "out"), "it's", "export FAKE=1|unset|unset|"]);
      expect(await run(shell, "set -e; false; echo never")).toMatchObject({
        exitCode: 1,
        end: "shell-exited",
      });
      expect((await run(shell, "pwd")).stdout).toEqual([join(workDir, "out")]);
    });

    it("reads variables, keeps the protocol private and gives commands real pipes", async () => {
      const shell = await start();
      await run(shell, "printf() { echo fake; }; export MULTI='line 1\nline 2 = two'; PLAIN=plain; EMPTY=");
      expect(await shell.readVariables(["MULTI", "PLAIN", "EMPTY", "NEVER_SET"])).toEqual({
        MULTI: "line 1\nline 2 = two",
        PLAIN: "plain",
        EMPTY: "",
      });
      const fake = await run(shell, "echo 'done 9 0'; echo 'done 9 0' >&3 2>/dev/null || echo closed; cat");
      expect(fake).toMatchObject({ exitCode: 0, stdout: ["done 9 0", "closed"] });
      const pipes = await run(shell, "echo out > /dev/stdout; echo err | tee /dev/stderr >/dev/null");
      expect(pipes).toMatchObject({ exitCode: 0, stdout: ["out"], stderr: ["err"] });
    });

    it("times out a command", async () => {
      const shell = await start();
      expect(await run(shell, "sleep 60", 300)).toMatchObject({ exitCode: 124, end: "timed-out" });
    });
  });
}
