import { rm } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sandboxesUnderTest, testEnv } from "./fixtures/sessions.fixture.js";
import { startShellSession, type ShellSession } from "./index.js";

const suites = await sandboxesUnderTest();

for (const { title, sandbox, users, makeWorkDir } of suites) {
  describe.skipIf(sandbox === undefined)(title, () => {
    let workDir: string;
    let session: ShellSession | undefined;

    beforeAll(async () => {
      workDir = await makeWorkDir("pw-shell-output-");
    });
    afterAll(async () => {
      await rm(workDir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await session?.kill();
      session = undefined;
    });

    async function start(maxLineLength?: number): Promise<ShellSession> {
      session = await startShellSession({
        sandbox: sandbox!,
        users,
        cwd: workDir,
        env: testEnv(),
        writablePaths: [workDir],
        maxLineLength,
      });
      return session;
    }

    it("passes 1 MB of random bytes through as text and stays in step", async () => {
      const shell = await start(4096);
      let chars = 0;
      let longest = 0;
      const result = await shell.run("head -c 1000000 /dev/urandom; echo; echo 'after binary'", {
        onOutput: (line) => {
          chars += line.length;
          longest = Math.max(longest, line.length);
        },
      });
      expect(result).toEqual({ exitCode: 0, end: "exited" });
      // Invalid UTF-8 becomes U+FFFD, so the count is near, not equal to, the byte count.
      expect(chars).toBeGreaterThan(500_000);
      expect(longest).toBeLessThanOrEqual(4096);
      const next: string[] = [];
      await shell.run("echo clean", { onOutput: (line) => next.push(line) });
      expect(next).toEqual(["clean"]);
    });

    it("splits a long line without a newline into pieces instead of holding it", async () => {
      const shell = await start(1000);
      const pieces: number[] = [];
      await shell.run("head -c 5500 /dev/zero | tr '\\0' a", {
        onOutput: (line) => pieces.push(line.length),
      });
      expect(pieces.reduce((a, b) => a + b, 0)).toBe(5500);
      expect(Math.max(...pieces)).toBeLessThanOrEqual(1000);
    });

    it("streams 100 MB of output with flat memory", async () => {
      const shell = await start();
      let bytes = 0;
      let lines = 0;
      let peakRss = 0;
      const baseline = process.memoryUsage().rss;
      const result = await shell.run("yes | head -c 100000000", {
        onOutput: (line) => {
          bytes += Buffer.byteLength(line) + 1;
          lines++;
          if ((lines & 0xffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      });
      expect(result).toEqual({ exitCode: 0, end: "exited" });
      expect(lines).toBe(50_000_000);
      expect(bytes).toBe(100_000_000);
      // Holding the output would take hundreds of MB; streaming needs a few pipe buffers.
      expect(peakRss - baseline).toBeLessThan(64 * 1024 * 1024);
    });
  });
}
