/**
 * The init script of a POSIX sh command shell (`env.shell: /bin/sh`; dash on Debian and Ubuntu):
 * the same protocol as bash's INIT_SCRIPT in scripts.ts, written without bashisms. The host runs
 * `sh -c '. "$1/init.sh" && . /dev/stdin' sh <control dir>`, so `$1` is the control directory.
 *
 * Differences that matter: sh has no `builtin`, so `command printf` keeps a command's function named
 * `printf` out of the protocol; `unset` is a special built-in whose errors end a non-interactive
 * shell, hence `command unset`; the directory is saved as an exported variable so that `export -p`
 * quotes it, since sh's printf has no `%q`.
 */
export const SH_INIT_SCRIPT = String.raw`
__pw_dir=$1
set --
# Private copies of the output pipes: fences still arrive after a command did "exec >file".
exec 5>&1 6>&2
if [ -f "$__pw_dir/state.sh" ]; then
  # A command ended the previous shell with "exit": go on in the directory and with the exported
  # variables it left. Lines of "export -p" that are not variables (inside a multi-line value) only
  # unset names that state.sh sets again or that were not exported any more.
  __pw_names=$(export -p)
  while IFS= read -r __pw_line; do
    case $__pw_line in
      "export "*)
        __pw_line=${"${"}__pw_line#export }
        command unset -v "${"${"}__pw_line%%=*}" 2>/dev/null
        ;;
    esac
  done <<__PW_EOF__
$__pw_names
__PW_EOF__
  unset -v __pw_names __pw_line
  . "$__pw_dir/state.sh"
  cd -- "${"${"}__pw_cwd:-.}" 2>/dev/null
  unset -v __pw_cwd
fi
__pw_save_state() {
  __pw_cwd=$PWD
  export __pw_cwd
  export -p >|"$__pw_dir/state.sh" 2>/dev/null
}
trap __pw_save_state EXIT
# Fences first, then the status: once the runner has the status, the fences are on their way.
__pw_done() {
  command printf '%s' "$3" >&5
  command printf '%s' "$3" >&6
  command printf 'done %s %s\n' "$2" "$1" >&3
}
# Names were checked by the runner (shell identifiers), so eval only ever sees a name.
__pw_env() {
  __pw_seq=$1 __pw_fence=$2
  shift 2
  for __pw_n in "$@"; do
    if eval '[ -n "${"${"}'"$__pw_n"'+set}" ]'; then
      eval '__pw_v=${"${"}'"$__pw_n"'}'
      command printf '%s=%s\0' "$__pw_n" "$__pw_v"
    fi
  done >|"$__pw_dir/env.out"
  __pw_done 0 "$__pw_seq" "$__pw_fence"
}
`;
