/**
 * `env.git-credential-helper: yes`. Buildspec reference: "Used to indicate if CodeBuild uses its Git
 * credential helper to provide Git credentials. yes if it is used. Otherwise, no or not specified."
 * CodeBuild's helper is the AWS CLI's (`aws codecommit credential-helper`), which answers git with
 * the build's access key as user name and a SigV4 signature of the repository URL as password.
 *
 * Here the build's `$HOME/.gitconfig` gets the setting the CodeCommit user guide gives for HTTPS
 * with the AWS CLI credential helper (`credential.helper '!aws codecommit credential-helper $@'`,
 * `credential.UseHttpPath true`). The CLI only answers for AWS host names, so for the Pipewright
 * server — the build's `AWS_ENDPOINT_URL_CODECOMMIT`, else `AWS_ENDPOINT_URL`, and the servers of
 * its CODECOMMIT sources' clone URLs (`<server>/v1/repos/<name>`) — the helper is also set with
 * `--ignore-host-check`, for those servers alone: never for every host, which would hand the
 * build's keys to any server git talks to.
 * Pipewright gives builds no AWS credentials of their own: the CLI finds whatever the build's
 * environment holds when git runs (e.g. AWS_ACCESS_KEY_ID from a Secrets Manager variable).
 */
import { posix } from "node:path";
import type { Workspace } from "../workspace/index.js";
import type { BuildLog } from "./build-log.js";

const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_PROFILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
];

/**
 * Writes the build's `$HOME/.gitconfig` (inside its sandbox: a restored cache may have put a link
 * there) for the build's environment `env`, and logs what it set up.
 * `cloneUrls`: the build's CODECOMMIT source locations, whose servers get the helper too.
 */
export async function configureGitCredentialHelper(
  env: Record<string, string>,
  cloneUrls: string[],
  workspace: Workspace,
  log: BuildLog,
): Promise<void> {
  const lines = [
    "[credential]",
    `\thelper = ${gitValue("!aws codecommit credential-helper $@")}`,
    "\tUseHttpPath = true",
  ];
  const endpoints = [
    ...new Set(
      [env.AWS_ENDPOINT_URL_CODECOMMIT || env.AWS_ENDPOINT_URL, ...cloneUrls]
        .map((url) => serverOf(url))
        .filter((url): url is string => url !== undefined),
    ),
  ];
  for (const endpoint of endpoints) {
    // git appends the operation: only `get` takes --ignore-host-check (store and erase are no-ops).
    const helper = '!f() { [ "$1" != get ] || aws codecommit credential-helper get --ignore-host-check; }; f';
    lines.push(`[credential ${gitValue(endpoint)}]`, `\thelper = ${gitValue(helper)}`);
  }
  await workspace.write(posix.join(workspace.dirs.inside.home, ".gitconfig"), `${lines.join("\n")}\n`);
  log.container(
    `env.git-credential-helper: git uses aws codecommit credential-helper${endpoints.length > 0 ? ` (also for ${endpoints.join(", ")})` : ""}`,
  );
  if (!CREDENTIAL_VARIABLES.some((name) => env[name])) {
    log.container(
      "env.git-credential-helper: the build has no AWS credentials in its environment " +
        "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); git will get none until a command sets them",
    );
  }
}

/**
 * The scheme, host and port of an http(s) URL that is not an AWS host (the CLI answers for those
 * without help); undefined otherwise.
 */
function serverOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (/(^|\.)(amazonaws\.com|amazon\.com)$/.test(url.hostname)) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** A git config value in double quotes (so `;` and `#` are not comments), `"` and `\` escaped. */
function gitValue(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
