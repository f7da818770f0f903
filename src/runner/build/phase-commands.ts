/**
 * Runs one buildspec phase's `commands` and `finally` in the build's shell, with `on-failure`.
 * Buildspec reference: the first failing command ends the phase's commands; `finally` runs after
 * them either way (a failure there fails the phase too); RETRY runs the phase again.
 */
import type { BuildspecPhase } from "../../formats/buildspec/index.js";
import type { PhaseContext } from "../api.js";
import type { RunResult, ShellSession } from "../shell/index.js";
import type { BuildLog } from "./build-log.js";
import { BuildStepError, CONTEXT, stopped, timedOut } from "./errors.js";

/** What a phase's commands need from the build. */
export interface CommandRunner {
  session: ShellSession;
  log: BuildLog;
  /** Epoch ms after which the build times out. */
  deadline: number;
  timeoutInMinutes: number;
  signal: AbortSignal;
  now: () => number;
  /**
   * Shell text run before each command (not logged); default none. Buildspec 0.1 starts every
   * command from the initial environment, so a changed CODEBUILD_BUILD_SUCCEEDING is set this way.
   */
  prelude?: string;
}

/**
 * Runs `phase`; resolves with the failure context, or undefined when every command succeeded.
 * @throws BuildStepError TIMED_OUT or STOPPED, when the session was killed for either.
 */
export async function runPhaseCommands(
  runner: CommandRunner,
  phase: BuildspecPhase,
): Promise<PhaseContext | undefined> {
  const maxRetries = phase.onFailure.action === "RETRY" ? phase.onFailure.maxRetries : 0;
  for (let attempt = 0; ; attempt++) {
    const failure = await runList(runner, phase.commands);
    // `finally` always runs, even after a failed command (but not after the shell was killed).
    const finallyFailure = await runList(runner, phase.finally);
    const context = failure ?? finallyFailure;
    if (context === undefined) return undefined;
    if (phase.onFailure.action !== "RETRY" || attempt >= maxRetries) return context;
    const pattern = new RegExp(phase.onFailure.pattern, phase.onFailure.flags);
    if (!pattern.test(context.message)) return context;
    runner.log.container(
      `Phase ${phase.type} failed; retrying (attempt ${attempt + 2} of ${maxRetries + 1})`,
    );
  }
}

async function runList(runner: CommandRunner, commands: string[]): Promise<PhaseContext | undefined> {
  for (const command of commands) {
    const result = await runCommand(runner, command);
    if (result.exitCode !== 0) {
      runner.log.container(`Command did not exit successfully ${command} exit status ${result.exitCode}`);
      return {
        statusCode: CONTEXT.commandFailed,
        message: `Error while executing command: ${command}. Reason: exit status ${result.exitCode}`,
      };
    }
  }
  return undefined;
}

/** Runs one command with the build's remaining time; a kill becomes TIMED_OUT or STOPPED. */
export async function runCommand(runner: CommandRunner, command: string): Promise<RunResult> {
  if (runner.signal.aborted) throw stopped(runner.signal.reason);
  const remaining = runner.deadline - runner.now();
  if (remaining <= 0) throw timedOut(runner.timeoutInMinutes);
  runner.log.container(`Running command ${command}`);
  const result = await runner.session.run(runner.prelude ? `${runner.prelude}\n${command}` : command, {
    timeoutMs: remaining,
    onOutput: (line) => runner.log.line(line),
  });
  if (result.end === "timed-out") throw timedOut(runner.timeoutInMinutes);
  if (result.end === "killed" || runner.signal.aborted) throw stopped(runner.signal.reason);
  return result;
}

/** True when `err` ends the whole build at once (no further phases but FINALIZING). */
export function isTerminal(err: unknown): err is BuildStepError {
  return err instanceof BuildStepError && (err.status === "TIMED_OUT" || err.status === "STOPPED");
}
