import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRunning } from "../platform/sandbox/index.js";
import { CommandFailure, LOG_TAIL_CHARS } from "./errors.js";
import { runHookScript, type RunScriptInput } from "./hooks.js";

describe("runHookScript", () => {
  let dir: string;
  let archive: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pw-hooks-"));
    archive = join(dir, "archive");
    mkdirSync(join(archive, "scripts"), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const script = (name: string, body: string, mode = 0o755): string => {
    const path = join(archive, "scripts", name);
    writeFileSync(path, `#!/bin/bash\n${body}\n`);
    chmodSync(path, mode);
    return `scripts/${name}`;
  };
  const input = (location: string, extra: Partial<RunScriptInput> = {}): RunScriptInput => ({
    script: { location, timeoutSeconds: 30, runas: undefined },
    lifecycleEvent: "AfterInstall",
    archiveDir: archive,
    env: {
      APPLICATION_NAME: "app",
      DEPLOYMENT_ID: "d-1",
      DEPLOYMENT_GROUP_NAME: "g",
      DEPLOYMENT_GROUP_ID: "gid",
    },
    logFile: join(dir, "logs", "scripts.log"),
    killGraceSeconds: 1,
    ...extra,
  });
  const failureOf = async (promise: Promise<unknown>): Promise<CommandFailure> => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof CommandFailure) return err;
      throw err;
    }
    throw new Error("expected a CommandFailure");
  };

  it("runs the script from the revision's root with the deployment's variables", async () => {
    const location = script(
      "env.sh",
      'echo "$APPLICATION_NAME $DEPLOYMENT_ID $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID $LIFECYCLE_EVENT $(pwd)" > "$OUT"',
    );
    const out = join(dir, "env.out");
    const output = await runHookScript(input(location, { env: { ...input(location).env, OUT: out } }));
    expect(readFileSync(out, "utf8").trim()).toBe(`app d-1 g gid AfterInstall ${archive}`);
    expect(output).toBe("");
    expect(readFileSync(join(dir, "logs", "scripts.log"), "utf8")).toBe("");
  });

  it("reports a missing script and one that is not executable", async () => {
    const missing = await failureOf(runHookScript(input("scripts/nope.sh")));
    expect(missing.toPayload()).toMatchObject({ error_code: 1, script_name: "scripts/nope.sh" });
    const plain = await failureOf(runHookScript(input(script("plain.sh", "true", 0o644))));
    expect(plain.toPayload()).toMatchObject({ error_code: 2, script_name: "scripts/plain.sh" });
    expect(plain.message).toContain("chmod +x");
  });

  it("reports a non-zero exit with the output's tail, never more than the limit", async () => {
    const location = script(
      "fail.sh",
      'for i in $(seq 1 500); do echo "line $i of output"; done; echo oops >&2; exit 3',
    );
    const failure = await failureOf(runHookScript(input(location)));
    const payload = failure.toPayload();
    expect(payload.error_code).toBe(4);
    expect(payload.message).toBe("Script at specified location: scripts/fail.sh exited with code 3");
    expect(payload.log.length).toBeLessThanOrEqual(LOG_TAIL_CHARS);
    expect(payload.log.endsWith("oops\n")).toBe(true);
    expect(payload.log).not.toContain("line 1 of output");
    expect(readFileSync(join(dir, "logs", "scripts.log"), "utf8")).toContain(
      "AfterInstall [stdout]line 1 of output",
    );
  });

  it("kills the whole tree on timeout, daemons that left with setsid or nohup included", async () => {
    const pids = join(dir, "pids");
    const location = script(
      "hang.sh",
      `setsid sleep 300 > /dev/null 2>&1 < /dev/null & echo $! >> "${pids}"\n` +
        `nohup sleep 300 > /dev/null 2>&1 & echo $! >> "${pids}"\n` +
        `echo started; sleep 300`,
    );
    const failure = await failureOf(
      runHookScript({ ...input(location), script: { location, timeoutSeconds: 1, runas: undefined } }),
    );
    expect(failure.toPayload()).toMatchObject({ error_code: 3, log: "started\n" });
    const started = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    expect(started).toHaveLength(2);
    // Zombies count as gone: whoever adopted them reaps them in its own time.
    for (const pid of started) expect(isRunning(pid)).toBe(false);
  });

  it("reports a background process that keeps the script's output open, and kills it", async () => {
    const pidFile = join(dir, "open.pid");
    const location = script("open.sh", `sleep 300 & echo $! > "${pidFile}"; exit 0`);
    const failure = await failureOf(
      runHookScript({ ...input(location), script: { location, timeoutSeconds: 1, runas: undefined } }),
    );
    expect(failure.toPayload()).toMatchObject({ error_code: 6, script_name: "scripts/open.sh" });
    expect(isRunning(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("ends the tree when the deployment is stopped", async () => {
    const location = script("long.sh", "sleep 300");
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const failure = await failureOf(runHookScript(input(location, { signal: stop.signal })));
    expect(failure.message).toContain("the deployment was stopped");
  });

  it("runs as another user through setpriv when the agent is root, and refuses an unknown user", async () => {
    const location = script("who.sh", 'id -un > "$OUT"');
    const out = join(dir, "who.out");
    writeFileSync(out, "");
    chmodSync(out, 0o666);
    chmodSync(dir, 0o755);
    const run = runHookScript({
      ...input(location, { env: { OUT: out } }),
      script: { location, timeoutSeconds: 30, runas: "nobody" },
    });
    if (process.getuid?.() === 0) {
      await run;
      expect(readFileSync(out, "utf8").trim()).toBe("nobody");
    } else {
      expect((await failureOf(run)).message).toContain("the agent is not root and cannot switch users");
    }
    const unknown = await failureOf(
      runHookScript({
        ...input(location),
        script: { location, timeoutSeconds: 30, runas: "no-such-user-pw" },
      }),
    );
    expect(unknown.message).toBe("runas no-such-user-pw of scripts/who.sh is not a user on this instance");
  });
});
