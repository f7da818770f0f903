import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sandboxesUnderTest, testEnv } from "./fixtures/sessions.fixture.js";
import {
  ShellSessionDiedError,
  startShellSession,
  type OutputStream,
  type ShellSession,
  type ShellSessionOptions,
} from "./index.js";

const suites = await sandboxesUnderTest();

for (const { title, sandbox, users, makeWorkDir } of suites) {
  describe.skipIf(sandbox === undefined)(title, () => {
    let workDir: string;
    let session: ShellSession | undefined;

    beforeAll(async () => {
      workDir = await makeWorkDir("pw-shell-test-");
    });
    afterAll(async () => {
      await rm(workDir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await session?.kill();
      session = undefined;
    });

    async function start(options: Partial<ShellSessionOptions> = {}): Promise<ShellSession> {
      session = await startShellSession({
        sandbox: sandbox!,
        users,
        cwd: workDir,
        env: testEnv(),
        writablePaths: [workDir],
        ...options,
      });
      return session;
    }

    /** Runs `command` and returns its result with the lines it printed. */
    async function run(shell: ShellSession, command: string) {
      const lines: { line: string; stream: OutputStream }[] = [];
      const result = await shell.run(command, { onOutput: (line, stream) => lines.push({ line, stream }) });
      const stdout = lines.filter((l) => l.stream === "stdout").map((l) => l.line);
      const stderr = lines.filter((l) => l.stream === "stderr").map((l) => l.line);
      return { ...result, stdout, stderr };
    }

    it("keeps cd, export and plain variables from one command to the next", async () => {
      const shell = await start();
      await run(shell, "mkdir -p sub && cd sub");
      await run(shell, "export GREETING='hello world'; PLAIN=kept");
      const after = await run(shell, 'pwd; echo "$GREETING/$PLAIN"; sh -c \'echo "child sees $GREETING"\'');
      expect(after.stdout).toEqual([join(workDir, "sub"), "hello world/kept", "child sees hello world"]);
    });

    it("reports exit statuses: 0, 1, 127 for an unknown command", async () => {
      const shell = await start();
      expect((await run(shell, "true")).exitCode).toBe(0);
      expect((await run(shell, "false")).exitCode).toBe(1);
      const unknown = await run(shell, "no-such-command-pw");
      expect(unknown).toMatchObject({ exitCode: 127, end: "exited" });
      expect(unknown.stderr.join("\n")).toContain("no-such-command-pw: command not found");
    });

    it("ends a command that runs `exit 3` with status 3 and goes on with its directory and exports", async () => {
      const shell = await start();
      await run(shell, "mkdir -p out && cd out && export KEEP=yes");
      const exited = await run(shell, "echo before; exit 3; echo never");
      expect(exited).toMatchObject({ exitCode: 3, end: "shell-exited", stdout: ["before"] });
      const next = await run(shell, 'echo "$KEEP"; pwd');
      expect(next).toMatchObject({ exitCode: 0, end: "exited", stdout: ["yes", join(workDir, "out")] });
      // As on AWS, `exit 0` ends only that command, successfully.
      expect(await run(shell, "exit 0")).toMatchObject({ exitCode: 0, end: "shell-exited" });
      expect((await run(shell, "echo still here")).stdout).toEqual(["still here"]);
    });

    it("delivers output without a trailing newline as a line", async () => {
      const shell = await start();
      const result = await run(shell, "printf 'no newline'; printf 'err tail' >&2");
      expect(result.stdout).toEqual(["no newline"]);
      expect(result.stderr).toEqual(["err tail"]);
    });

    it("cannot be fooled by output that looks like the protocol", async () => {
      const shell = await start();
      const fake = await run(
        shell,
        [
          "echo 'done 1 0'; echo 'exit 0'; echo 'fence pwf0123'; printf 'pwf%032d' 0",
          "echo 'done 2 0' >&3 2>/dev/null || echo 'fd 3 is closed'",
          "exit_code=7; (exit $exit_code)",
        ].join("\n"),
      );
      expect(fake).toMatchObject({ exitCode: 7, end: "exited" });
      expect(fake.stdout).toEqual([
        "done 1 0",
        "exit 0",
        "fence pwf0123",
        `pwf${"0".repeat(32)}fd 3 is closed`,
      ]);
      expect((await run(shell, "echo next")).stdout).toEqual(["next"]);
    });

    it("survives set -e, set -u, set -o pipefail and set -x in commands", async () => {
      const shell = await start();
      expect(await run(shell, "set -o pipefail; false | true")).toMatchObject({ exitCode: 1, end: "exited" });
      expect(await run(shell, "set -u; echo ok")).toMatchObject({ exitCode: 0, stdout: ["ok"] });
      const traced = await run(shell, "set -x; echo traced");
      expect(traced.stdout).toEqual(["traced"]);
      expect(traced.stderr.join("\n")).not.toContain("__pw_");
      // A failure under set -e ends the shell; the session goes on in a new one.
      expect(await run(shell, "set -e; false; echo never")).toMatchObject({
        exitCode: 1,
        end: "shell-exited",
      });
      expect(await run(shell, "echo after")).toMatchObject({ exitCode: 0, stdout: ["after"] });
    });

    it("gives commands an empty stdin so they cannot read the protocol", async () => {
      const shell = await start();
      const result = await run(shell, "cat; read -r line || echo eof; echo done");
      expect(result).toMatchObject({ exitCode: 0, stdout: ["eof", "done"] });
      expect((await run(shell, "echo next")).stdout).toEqual(["next"]);
    });

    it("gives commands real pipes, so /dev/stdout and /dev/stderr can be opened", async () => {
      const shell = await start();
      const result = await run(shell, "echo out > /dev/stdout; echo err | tee /dev/stderr >/dev/null");
      expect(result).toMatchObject({ exitCode: 0, stdout: ["out"], stderr: ["err"] });
    });

    it("reads the final values of variables for exported-variables", async () => {
      const shell = await start({ env: { ...testEnv(), FROM_START: "start" } });
      await run(shell, "export MULTI=$'line 1\\nline 2 = two'; PLAIN=plain; EMPTY=");
      const values = await shell.readVariables(["MULTI", "PLAIN", "EMPTY", "FROM_START", "NEVER_SET"]);
      expect(values).toEqual({
        MULTI: "line 1\nline 2 = two",
        PLAIN: "plain",
        EMPTY: "",
        FROM_START: "start",
      });
      await expect(shell.readVariables(["__pw_dir"])).rejects.toThrow(/not a shell variable name/);
    });

    it("runs each command from the initial state with buildspec 0.1", async () => {
      const shell = await start({ buildspecVersion: "0.1" });
      await run(shell, "cd /; export LOST=1; exit 4");
      const after = await run(shell, 'pwd; echo "lost=${LOST:-}"');
      expect(after.stdout).toEqual([workDir, "lost="]);
      expect((await run(shell, "exit 4")).exitCode).toBe(4);
    });

    it("runs a multi-line command with a heredoc as one command", async () => {
      const shell = await start();
      const script = [
        "for i in 1 2; do",
        '  echo "line $i"',
        "done",
        "cat <<'EOF'",
        "heredoc $HOME",
        "EOF",
        "false",
      ];
      expect(await run(shell, script.join("\n"))).toMatchObject({
        exitCode: 1,
        stdout: ["line 1", "line 2", "heredoc $HOME"],
      });
    });

    it("reports a shell that cannot start, with what it printed", async () => {
      const shell = await start({ bashPath: "/nonexistent/bash" });
      await expect(shell.run("true")).rejects.toThrow(/build shell ended unexpectedly.*nonexistent\/bash/);
      await expect(shell.run("true")).rejects.toThrow(ShellSessionDiedError);
      await expect(start({ cwd: join(workDir, "missing") })).rejects.toThrow(/cwd: .*missing does not exist/);
    });

    it("runs one command at a time and refuses commands after close", async () => {
      const shell = await start();
      const first = shell.run("sleep 0.2");
      await expect(shell.run("true")).rejects.toThrow(/already running/);
      expect((await first).exitCode).toBe(0);
      await shell.close();
      await expect(shell.run("true")).rejects.toThrow(/closed or killed/);
    });
  });
}
