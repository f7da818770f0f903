import { chmod, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findOnPath } from "../../platform/sandbox/index.js";
import {
  processesLeftAfter,
  processesWithToken,
  sandboxesUnderTest,
  testEnv,
  uniqueToken,
} from "./fixtures/sessions.fixture.js";
import { startShellSession, type OutputStream, type ShellSession, type ShellUser } from "./index.js";

const suites = await sandboxesUnderTest();
const ROOT: ShellUser = { name: "root", uid: 0, gid: 0 };
const NOBODY: ShellUser = { name: "nobody", uid: 65534, gid: 65534 };
// Switching users takes a root server and setpriv, as in CI.
const canSwitch = process.getuid?.() === 0 && findOnPath("setpriv") !== undefined;

for (const { title, sandbox, users, makeWorkDir } of suites) {
  for (const shellKind of ["bash", "sh"] as const) {
    describe.skipIf(sandbox === undefined || !canSwitch)(`users in the ${title} (${shellKind})`, () => {
      let workDir: string;
      let session: ShellSession | undefined;

      beforeAll(async () => {
        // Under /tmp, whose ancestors every user can pass through.
        workDir = await makeWorkDir("pw-shell-users-");
        await chmod(workDir, 0o777);
      });
      afterAll(async () => {
        await rm(workDir, { recursive: true, force: true });
      });
      afterEach(async () => {
        await session?.kill();
        session = undefined;
      });

      async function start(user: ShellUser): Promise<ShellSession> {
        session = await startShellSession({
          sandbox: sandbox!,
          users,
          cwd: workDir,
          env: testEnv(),
          writablePaths: [workDir],
          shell: shellKind,
          user,
        });
        return session;
      }

      async function run(shell: ShellSession, command: string) {
        const lines: { line: string; stream: OutputStream }[] = [];
        const result = await shell.run(command, { onOutput: (line, stream) => lines.push({ line, stream }) });
        const stdout = lines.filter((l) => l.stream === "stdout").map((l) => l.line);
        const stderr = lines.filter((l) => l.stream === "stderr").map((l) => l.line);
        return { ...result, stdout, stderr };
      }

      it("runs commands as the user, with no capabilities, and switches with cd and exports kept", async () => {
        const shell = await start(ROOT);
        const asRoot = await run(
          shell,
          "id -un; grep CapEff /proc/self/status; mkdir -p d; chmod 777 d; cd d",
        );
        expect(asRoot.stdout).toEqual(["root", "CapEff:\t0000000000000000"]);
        await run(shell, "export KEPT='a b'; PLAIN=lost");
        await shell.switchUser(NOBODY);
        expect(shell.user).toEqual(NOBODY);
        const asNobody = await run(
          shell,
          'id -un; pwd; echo "$KEPT|${PLAIN-}"; touch mine && stat -c %U mine; echo out > /dev/stdout',
        );
        expect(asNobody).toMatchObject({
          exitCode: 0,
          stdout: ["nobody", join(workDir, "d"), "a b|", "nobody", "out"],
        });
        expect((await run(shell, "touch /etc/pw-denied")).exitCode).not.toBe(0);
        expect(await run(shell, "exit 4")).toMatchObject({ exitCode: 4, end: "shell-exited" });
        expect((await run(shell, "id -un")).stdout).toEqual(["nobody"]);
        await run(shell, "export FROM_NOBODY=1; cd ..");
        expect(await shell.readVariables(["FROM_NOBODY"])).toEqual({ FROM_NOBODY: "1" });
        await shell.switchUser(ROOT);
        expect((await run(shell, 'id -un; pwd; echo "$FROM_NOBODY"')).stdout).toEqual(["root", workDir, "1"]);
      });

      it("leaves no process of the user behind after close()", async () => {
        const token = uniqueToken();
        const shell = await start(NOBODY);
        expect(await run(shell, `nohup sleep 1000.${token} >/dev/null 2>&1 & echo started`)).toMatchObject({
          exitCode: 0,
          stdout: ["started"],
        });
        await expect.poll(() => processesWithToken(token).length).toBe(1);
        await shell.close();
        expect(await processesLeftAfter(token)).toEqual([]);
      });
    });
  }
}

describe("a session without a user", () => {
  it("refuses to switch users", async () => {
    const [suite] = suites;
    const shell = await startShellSession({ sandbox: suite!.sandbox!, cwd: tmpdir(), env: testEnv() });
    try {
      expect(shell.user).toBeUndefined();
      await expect(shell.switchUser(NOBODY)).rejects.toThrow(/started without a user/);
    } finally {
      await shell.kill();
    }
  });
});
