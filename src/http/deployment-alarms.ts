import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { newUuid, refusedAddress, type Logger } from "../core/index.js";
import type { Sandbox } from "../platform/sandbox/index.js";
import type { AlarmCheck, AlarmChecks, AlarmReading } from "../services/codedeploy/index.js";

/** Options of {@link createAlarmChecks}. */
export interface AlarmChecksOptions {
  /**
   * The sandbox `command:` checks run in (the builds' one); undefined when this server has none,
   * and then `command:` alarms cannot be read.
   */
  sandbox?: () => Promise<Sandbox>;
  /** Host directories a command must not see: the data directory (and a builds directory outside it). */
  hiddenPaths: string[];
  /** Longest an HTTP check may wait for a status, or a command run; default 3 s. */
  timeoutMs?: number;
  logger: Logger;
}

/** How much of a failed command's output its alarm's reason quotes. */
const OUTPUT_TAIL = 500;
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The health checks behind deployment groups' alarms. An HTTP check is one GET, redirects not
 * followed, to an IP address the alarm's name gives (its rules checked again here). A command runs
 * with `/bin/sh -c` inside the builds' sandbox with the host's network (its loopback services are
 * what it checks) and the data directory hidden.
 */
export function createAlarmChecks(options: AlarmChecksOptions): AlarmChecks {
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    check(check: AlarmCheck): Promise<AlarmReading> {
      if (check.kind === "http") return checkUrl(check.url, check.expectedStatus, timeoutMs);
      return runCommand(check.command, options, timeoutMs);
    },
  };
}

function checkUrl(url: string, expected: number | undefined, timeoutMs: number): Promise<AlarmReading> {
  const target = new URL(url);
  const refused = refusedAddress(target.hostname.replace(/^\[(.*)\]$/, "$1"));
  if (refused !== undefined) {
    return Promise.resolve({ state: "UNKNOWN", reason: `${url} is not checked: its host is ${refused}` });
  }
  const wanted = expected === undefined ? "2xx" : String(expected);
  return new Promise((resolve) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const settle = (reading: AlarmReading) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(reading);
    };
    const req = send(target, { method: "GET", agent: false, headers: { "user-agent": "pipewright-alarm" } });
    const timer = setTimeout(
      () =>
        settle({
          state: "ALARM",
          reason: `GET ${url} did not answer within ${timeoutMs / 1000} s (expected ${wanted})`,
        }),
      timeoutMs,
    );
    req.on("response", (res: IncomingMessage) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const healthy = expected === undefined ? status >= 200 && status < 300 : status === expected;
      settle(
        healthy
          ? { state: "OK" }
          : { state: "ALARM", reason: `GET ${url} answered ${status}, expected ${wanted}` },
      );
    });
    req.on("error", (err) => settle({ state: "ALARM", reason: `GET ${url} failed: ${err.message}` }));
    req.end();
  });
}

async function runCommand(
  command: string,
  options: AlarmChecksOptions,
  timeoutMs: number,
): Promise<AlarmReading> {
  if (!options.sandbox) {
    return {
      state: "UNKNOWN",
      reason: "command: alarms need the server's build sandbox, and this server runs its builds elsewhere",
    };
  }
  let sandbox: Sandbox;
  try {
    sandbox = await options.sandbox();
  } catch (err) {
    return { state: "UNKNOWN", reason: `command: alarms cannot run: ${(err as Error).message}` };
  }
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4 * OUTPUT_TAIL);
  };
  let proc;
  try {
    proc = await sandbox.spawn({
      command: ["/bin/sh", "-c", command],
      cwd: "/",
      env: { PATH, HOME: "/tmp", LANG: "C.UTF-8" },
      hiddenPaths: options.hiddenPaths,
      network: "host",
      id: `alarm-${newUuid()}`,
    });
  } catch (err) {
    return {
      state: "UNKNOWN",
      reason: `command ${JSON.stringify(command)} cannot start: ${(err as Error).message}`,
    };
  }
  proc.stdout.on("data", keep);
  proc.stderr.on("data", keep);
  proc.stdin.end();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.terminate(200).catch(() => undefined);
  }, timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  // Nothing it started in the background outlives the check.
  proc.killTree();
  const tail = output.trim().slice(-OUTPUT_TAIL);
  const said = tail ? `; its output ends: ${tail}` : "";
  if (exit.error) {
    return {
      state: "UNKNOWN",
      reason: `command ${JSON.stringify(command)} cannot start: ${exit.error.message}`,
    };
  }
  if (timedOut) {
    return {
      state: "ALARM",
      reason: `command ${JSON.stringify(command)} did not finish within ${timeoutMs / 1000} s${said}`,
    };
  }
  if (exit.code === 0) return { state: "OK" };
  const how = exit.code === null ? `was ended by ${exit.signal}` : `exited with ${exit.code}`;
  options.logger.debug({ command, code: exit.code }, "alarm command failed");
  return { state: "ALARM", reason: `command ${JSON.stringify(command)} ${how}${said}` };
}
