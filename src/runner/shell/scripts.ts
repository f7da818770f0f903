/**
 * The bash side of the shell protocol. Two shells run in the sandbox:
 *
 * - the host (started by the sandbox, `bash -c HOST_SCRIPT`): turns Node's socket stdio into real
 *   pipes and, whenever the command shell ends (a command ran `exit`, or `set -e` tripped), reports
 *   its status and starts a new one in the same sandbox, so `/tmp` and daemons survive;
 * - the command shell (`bash -s`, set up by INIT_SCRIPT through BASH_ENV; or POSIX sh, set up by
 *   SH_INIT_SCRIPT, for `env.shell: /bin/sh`): reads one request line at a time from stdin and
 *   sources each buildspec command from a file, so `cd`, `export` and plain variables carry to the
 *   next command. With run-as, the host starts each command shell as the build's current user
 *   (setpriv); switching users ends the command shell like `exit` does, and the next one starts as
 *   the new user with the exported variables and directory the old one left.
 *
 * Channels: stdin carries request lines from the runner; fd 3 carries `done <seq> <status>` and
 * `exit <status>` lines back and is closed for commands, so nothing a command prints can pose as a
 * status. Because stdout and stderr are separate pipes from fd 3, the runner also waits for a
 * fence — 128 random bits it sends with the request, printed by the wrapper on both streams after
 * the command — so that every byte of a command's output is delivered before its result.
 *
 * What AWS documents and does: "In buildspec version 0.1, CodeBuild runs each Shell command in a
 * separate instance in the build environment … we recommend that you use version 0.2, which solves
 * this issue" (CodeBuild user guide, "Shells and commands in build environments"). Its agent runs
 * each command as a script (`/codebuild/output/tmp/script.sh` in its error messages) and carries the
 * directory and environment over, which is why `exit 0` in a command does not end a build on AWS
 * and `exit 3` fails only that command. Here: `exit` ends the command with its status; the next
 * command runs in a new shell with the exported variables and directory the old one left.
 *
 * Names starting with `__pw_` are reserved for the wrapper. In the templates below, `${"${"}`
 * writes a literal `${` for bash.
 */

import { SH_INIT_SCRIPT } from "./sh-init.js";

/**
 * Script of the host shell. Arguments: `$1` the control directory; `$2` the POSIX sh to run
 * commands in, or empty for bash; `$3` setpriv, or empty when commands run as the host's own user;
 * `$4 $5` the uid and gid of the first command shell (with setpriv). The runner's reply to `exit`
 * is `fence <token>`, plus `<uid> <gid>` of the next command shell when users are switched.
 */
export const HOST_SCRIPT = String.raw`
__pw_dir=$1 __pw_sh=$2 __pw_setpriv=$3 __pw_uid=$4 __pw_gid=$5
# Node's stdio are socketpairs, on which "> /dev/stdout" and "tee /dev/stderr" fail with ENXIO:
# give commands real pipes, one cat per stream.
exec 1> >(exec cat) 2> >(exec cat >&2)
# sh reads requests by opening /dev/stdin, which a socket cannot be opened as either.
if [ -n "$__pw_sh" ]; then exec 0< <(exec cat); fi
if [ -n "$__pw_setpriv" ]; then
  # Pipes are mode 0600 for their creator, so another user's command could not reopen them through
  # /dev/stdout. Nothing is exposed: only processes holding them can reach them in /proc.
  chmod 0666 /proc/self/fd/1 /proc/self/fd/2
  if [ -n "$__pw_sh" ]; then chmod 0666 /proc/self/fd/0; fi
fi
__pw_as() {
  if [ -n "$__pw_setpriv" ]; then
    # The host may keep CAP_SETUID (see allowUserSwitch); command shells keep no capability at all.
    "$__pw_setpriv" --reuid="$__pw_uid" --regid="$__pw_gid" --init-groups \
      --inh-caps=-all --bounding-set=-all -- "$@"
  else
    "$@"
  fi
}
while :; do
  if [ -n "$__pw_sh" ]; then
    # POSIX sh has no BASH_ENV: the init script is sourced first, then requests are read from stdin.
    __pw_as "$__pw_sh" -c '. "$1/init.sh" && . /dev/stdin' "$__pw_sh" "$__pw_dir"
  else
    BASH_ENV="$__pw_dir/init.sh" __pw_as "$BASH" --noprofile --norc -s
  fi
  printf 'exit %s\n' "$?" >&3
  # Wait for the runner's fence, skipping requests that were meant for the shell that just ended.
  __pw_fence=
  while IFS=' ' read -r __pw_kind __pw_fence __pw_next_uid __pw_next_gid; do
    [ "$__pw_kind" = fence ] && break
    __pw_fence=
  done
  [ -n "$__pw_fence" ] || exit 0
  if [ -n "$__pw_next_uid" ]; then __pw_uid=$__pw_next_uid __pw_gid=$__pw_next_gid; fi
  printf '%s' "$__pw_fence"
  printf '%s' "$__pw_fence" >&2
done
`;

/** Sourced by every bash command shell at start (through BASH_ENV, which it then unsets for commands). */
export const INIT_SCRIPT = String.raw`
__pw_dir=${"${"}BASH_ENV%/*}
unset BASH_ENV
# Private copies of the output pipes: fences still arrive after a command did "exec >file".
exec 5>&1 6>&2
if [ -f "$__pw_dir/state.sh" ]; then
  # A command ended the previous shell with "exit": go on in the directory and with the exported
  # variables it left, as the next command would on AWS, where every command is its own script.
  for __pw_name in $(compgen -e); do builtin unset -v "$__pw_name" 2>/dev/null; done
  builtin source "$__pw_dir/state.sh"
fi
__pw_save_state() {
  { builtin export -p; builtin printf 'builtin cd -- %q\n' "$PWD"; } >|"$__pw_dir/state.sh" 2>/dev/null
}
trap __pw_save_state EXIT
# Fences first, then the status: once the runner has the status, the fences are on their way.
__pw_done() {
  builtin printf '%s' "$3" >&5
  builtin printf '%s' "$3" >&6
  builtin printf 'done %s %s\n' "$2" "$1" >&3
}
__pw_env() {
  local __pw_seq=$1 __pw_fence=$2 __pw_n
  shift 2
  for __pw_n in "$@"; do
    if [[ -v $__pw_n ]]; then builtin printf '%s=%s\0' "$__pw_n" "${"${"}!__pw_n}"; fi
  done >|"$__pw_dir/env.out"
  __pw_done 0 "$__pw_seq" "$__pw_fence"
}
`;

/** Which command shell a session runs: bash, or a POSIX sh (dash on Debian) for `env.shell: /bin/sh`. */
export type ShellDialect = "bash" | "sh";

/** The init script of a command shell of `dialect`. */
export function initScript(dialect: ShellDialect): string {
  return dialect === "bash" ? INIT_SCRIPT : SH_INIT_SCRIPT;
}

/**
 * The request that runs the command stored in `commandFile`. stdin is /dev/null so a command that
 * reads input cannot eat the protocol; fds 3, 5 and 6 are closed for it (its daemons do not hold
 * them); `2>/dev/null` on the groups hides the wrapper from `set -x` traces. `fresh` runs it in a
 * subshell, so that nothing it changes outlives it (buildspec 0.1).
 */
export function runRequest(
  seq: number,
  fence: string,
  commandFile: string,
  fresh: boolean,
  dialect: ShellDialect = "bash",
): string {
  const dot = dialect === "bash" ? "builtin source" : ".";
  const source = `${dot} ${quote(commandFile)} 1>&5 2>&6 5>&- 6>&- 3>&- </dev/null`;
  const group = fresh ? `( ${source} )` : `{ ${source}; }`;
  return `${group} 2>/dev/null; { __pw_done "$?" ${seq} ${fence}; } 2>/dev/null\n`;
}

/** The request that writes `NAME=value\0` for each set variable of `names` to `env.out`. */
export function envRequest(seq: number, fence: string, names: string[]): string {
  return `{ __pw_env ${seq} ${fence} ${names.join(" ")}; } 2>/dev/null\n`;
}

/**
 * The request that ends the command shell on purpose (to start the next one as another user),
 * saving its exported variables and directory even if a command replaced the EXIT trap.
 */
export function exitRequest(dialect: ShellDialect): string {
  return `{ __pw_save_state; ${dialect === "bash" ? "builtin exit" : "exit"} 0; } 2>/dev/null\n`;
}

/** The reply to `exit`: the fence the host prints before starting the next command shell, as `user`. */
export function fenceReply(fence: string, user?: { uid: number; gid: number }): string {
  return user ? `fence ${fence} ${user.uid} ${user.gid}\n` : `fence ${fence}\n`;
}

/** A variable name the wrapper can read: a shell identifier outside the reserved `__pw_` prefix. */
export function isReadableVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.startsWith("__pw_");
}

/** Single-quotes `text` for bash. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
