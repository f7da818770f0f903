/** The two git programs a session may run. */
export type GitSshService = "git-upload-pack" | "git-receive-pack";

/** An exec request understood: which program, on which repository. */
export type GitSshCommand =
  { ok: true; service: GitSshService; repositoryName: string } | { ok: false; message: string };

const USAGE =
  "only git-upload-pack '/v1/repos/<name>' and git-receive-pack '/v1/repos/<name>' run here " +
  "(clone, fetch or push with git); there is no shell";

/**
 * Reads the command of an SSH exec request as git sends it: `git-upload-pack '/v1/repos/<name>'`
 * or `git-receive-pack '…'`, the path single-quoted the way git's `sq_quote` writes it (a quote
 * inside becomes `'\''`, a `!` becomes `'\!'`). `v1/repos/<name>` without the leading slash (an
 * scp-style `host:v1/repos/<name>` URL) is accepted too. Anything else is refused with a message
 * for the client's stderr.
 */
export function parseGitSshCommand(command: string): GitSshCommand {
  const m = /^(git-upload-pack|git-receive-pack) (.*)$/s.exec(command);
  if (!m) return { ok: false, message: `${USAGE}; got: ${shorten(command)}` };
  const service = m[1] as GitSshService;
  const path = sqDequote(m[2]!);
  if (path === undefined) {
    return {
      ok: false,
      message: `${service}: the path must be one single-quoted argument; got: ${shorten(m[2]!)}`,
    };
  }
  const repo = /^\/?v1\/repos\/([^/]+)\/?$/.exec(path);
  if (!repo) {
    return {
      ok: false,
      message: `${service}: repositories are at '/v1/repos/<name>'; got '${shorten(path)}'`,
    };
  }
  return { ok: true, service, repositoryName: repo[1]! };
}

/**
 * Git's `sq_dequote`: the whole argument is `'…'` pieces, joined only by `\'` or `\!` between
 * them. Returns undefined for anything else (unquoted text, several arguments, a lone quote).
 */
function sqDequote(arg: string): string | undefined {
  if (!arg.startsWith("'")) return undefined;
  let out = "";
  let i = 1;
  for (;;) {
    const end = arg.indexOf("'", i);
    if (end < 0) return undefined;
    out += arg.slice(i, end);
    i = end + 1;
    if (i === arg.length) return out;
    // Between two quoted pieces only an escaped quote or exclamation mark may appear.
    if (arg[i] === "\\" && (arg[i + 1] === "'" || arg[i + 1] === "!") && arg[i + 2] === "'") {
      out += arg[i + 1];
      i += 3;
      continue;
    }
    return undefined;
  }
}

function shorten(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 120 ? `${printable.slice(0, 120)}…` : printable;
}
