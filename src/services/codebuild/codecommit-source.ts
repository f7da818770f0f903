import { GitError, runGit, resolveCommit } from "../../platform/git/index.js";
import type { BuildSource } from "../../runner/api.js";
import type { CodeCommitGit } from "../codecommit/index.js";
import { RunnerApiError } from "./errors.js";

/** The repository name in a CodeCommit clone URL: `…/v1/repos/<name>`, on this server or AWS's host. */
export function repositoryNameOf(location: string): string | undefined {
  const m = /\/v1\/repos\/([^/?#]+)\/?(?:[?#].*)?$/.exec(location);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/**
 * Checks a CODECOMMIT source out into `dir` with git, as CodeBuild does: `sourceVersion` may be a
 * commit id, a branch (`main` or `refs/heads/main`) or a tag; without one, the default branch.
 * `gitCloneDepth` (0: full history) limits the fetch. The checkout keeps its `.git` directory,
 * with `origin` pointing at the repository's clone URL, so git commands in the build work.
 */
export async function fetchCodeCommitSource(
  codecommit: CodeCommitGit | undefined,
  scope: { accountId: string; region: string },
  source: BuildSource,
  dir: string,
): Promise<{ resolvedSourceVersion: string }> {
  const location = source.location ?? "";
  const name = repositoryNameOf(location);
  if (!name) {
    throw new RunnerApiError(
      `CODECOMMIT source location ${location} is not a clone URL ending in /v1/repos/<name>`,
    );
  }
  const repo = codecommit ? await codecommit.findRepository(scope, name) : undefined;
  if (!repo) throw new RunnerApiError(`CODECOMMIT source: repository ${name} does not exist`);
  const version = source.sourceVersion;
  const candidates = version
    ? version.startsWith("refs/")
      ? [version]
      : [`refs/heads/${version}`, `refs/tags/${version}`, version]
    : ["HEAD"];
  let commit: string | undefined;
  for (const candidate of candidates) {
    commit = await resolveCommit(repo.gitDir, candidate);
    if (commit) break;
  }
  if (!commit) {
    throw new RunnerApiError(
      version
        ? `CODECOMMIT source: ${version} is not a branch, tag or commit of repository ${name}`
        : `CODECOMMIT source: repository ${name} has no commits yet`,
    );
  }
  const depth = source.gitCloneDepth ?? 0;
  // The directory already belongs to the build's users; git runs as the server, once, before any
  // of the build's processes exists, and then hands the checkout over (the engine does).
  const git = (...args: string[]) => runGit(["-c", `safe.directory=${dir}`, "-C", dir, ...args]);
  try {
    await runGit(["init", "-q", dir]);
    await git("fetch", "-q", ...(depth > 0 ? ["--depth", String(depth)] : []), repo.gitDir, commit);
    await git("checkout", "-q", "--detach", commit);
    await git("remote", "add", "origin", location);
  } catch (err) {
    // git's own words, without the server's paths.
    const reason = err instanceof GitError ? err.stderr.trim().split("\n")[0] : (err as Error).message;
    throw new RunnerApiError(`CODECOMMIT source: could not check out ${commit} of ${name}: ${reason}`, {
      cause: err,
    });
  }
  return { resolvedSourceVersion: commit };
}
