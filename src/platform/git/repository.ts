import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { GitError, gitText, runGit } from "./git.js";

/** The object id git uses for "no commit" in ref updates (SHA-1 repositories). */
export const ZERO_OID = "0".repeat(40);

/**
 * Refused by every push whose expected old value of a ref is no longer its value: two pushes that
 * both started from the same commit cannot both win, and the loser is told why in git's own words
 * ("non-fast-forward"), rather than only "failed to update ref". git's ref lock still decides a true
 * race between the two final updates; this hook gives the common case its clear message.
 */
const PRE_RECEIVE_HOOK = `#!/bin/sh
zero=${ZERO_OID}
status=0
while read -r old new ref; do
  current=$(git rev-parse -q --verify "$ref" 2>/dev/null || echo "$zero")
  if [ "$current" != "$old" ]; then
    echo "error: $ref is now at $current, not at $old where this push started (non-fast-forward)." >&2
    echo "error: fetch, merge or rebase, then push again." >&2
    status=1
  fi
done
exit $status
`;

/**
 * Creates a bare repository at `gitDir` (which must not exist yet), ready to be served over HTTP
 * and SSH: pushes allowed to authenticated users, the pre-receive check above installed, HEAD
 * pointing at `defaultBranch` (a repository's first pushed branch becomes its default, as on AWS).
 */
export async function initBareRepository(gitDir: string, defaultBranch = "main"): Promise<void> {
  await mkdir(path.dirname(gitDir), { recursive: true, mode: 0o700 });
  // Built beside its final place and renamed in, so a crash never leaves half a repository there.
  const staging = `${gitDir}.init-${process.pid}-${Date.now()}`;
  await runGit(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, staging]);
  const config: [string, string][] = [
    // git http-backend serves pushes only to authenticated users unless told; the server authenticates.
    ["http.receivepack", "true"],
    // Reflogs record every ref change with who made it, for forensics after an incident.
    ["core.logAllRefUpdates", "always"],
    // Garbage collection runs when the server decides, never in the middle of a push.
    ["gc.auto", "0"],
    ["receive.autogc", "false"],
  ];
  for (const [key, value] of config) await runGit(["config", key, value], { gitDir: staging });
  const hook = path.join(staging, "hooks", "pre-receive");
  await writeFile(hook, PRE_RECEIVE_HOOK);
  await chmod(hook, 0o755);
  await rename(staging, gitDir);
}

/**
 * Removes a repository: renamed out of the way at once (new clones and pushes fail cleanly), then
 * deleted. Processes still reading it keep their open files until they exit.
 */
export async function removeRepository(gitDir: string): Promise<void> {
  const doomed = `${gitDir}.deleted-${process.pid}-${Date.now()}`;
  try {
    await rename(gitDir, doomed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  await rm(doomed, { recursive: true, force: true });
}

/** A branch or tag and the commit it names (tags peeled to their commit). */
export interface GitRef {
  /** Full name: `refs/heads/main`, `refs/tags/v1`. */
  name: string;
  commitId: string;
}

/**
 * The branches and tags of the repository, sorted by name: every one, or those named by `only`
 * (full names, matched exactly), or the first `count`. git looks named refs up by key, so
 * asking for a few costs the same in a repository with 50,000 branches as in one with ten.
 */
export async function listRefs(
  gitDir: string,
  filter: { only?: readonly string[]; count?: number } = {},
): Promise<GitRef[]> {
  const { only, count } = filter;
  if (only?.length === 0) return [];
  const text = await gitText(
    [
      "for-each-ref",
      "--format=%(objectname) %(*objectname) %(refname)",
      ...(count !== undefined ? [`--count=${count}`] : []),
      ...(only ?? ["refs/heads", "refs/tags"]),
    ],
    { gitDir },
  );
  if (!text) return [];
  const refs = text.split("\n").map((line) => {
    const [object = "", peeled = "", ...rest] = line.split(" ");
    return { name: rest.join(" "), commitId: peeled || object };
  });
  // A pattern also matches the refs below it (`refs/heads/a` matches `refs/heads/a/b`).
  return only ? refs.filter((r) => only.includes(r.name)) : refs;
}

/** The commit a ref, a commit id or an expression names, or undefined if it names no commit. */
export async function resolveCommit(gitDir: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith("-")) return undefined;
  const { exitCode, stdout } = await runGit(
    ["rev-parse", "-q", "--verify", "--end-of-options", `${rev}^{commit}`],
    {
      gitDir,
      okExitCodes: [1, 128],
    },
  );
  return exitCode === 0 ? stdout.toString("utf8").trim() : undefined;
}

/** Whether `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const { exitCode } = await runGit(["merge-base", "--is-ancestor", ancestor, descendant], {
    gitDir,
    okExitCodes: [1],
  });
  return exitCode === 0;
}

/** Thrown by {@link updateRef} when the ref was not at `expectedOld` (someone else moved it). */
export class RefConflictError extends Error {
  constructor(
    readonly ref: string,
    cause: GitError,
  ) {
    super(`${ref} changed while it was being updated: ${cause.stderr.trim()}`);
    this.name = "RefConflictError";
  }
}

/**
 * Points `ref` at `newCommit` (or deletes it when `newCommit` is undefined) if and only if it is at
 * `expectedOld` now (undefined: the ref must not exist). git's ref lock makes this atomic against
 * pushes and other updates.
 */
export async function updateRef(
  gitDir: string,
  ref: string,
  newCommit: string | undefined,
  expectedOld: string | undefined,
  reason = "pipewright",
): Promise<void> {
  const old = expectedOld ?? ZERO_OID;
  const args =
    newCommit === undefined
      ? ["update-ref", "-m", reason, "-d", ref, old]
      : ["update-ref", "-m", reason, ref, newCommit, old];
  try {
    await runGit(args, { gitDir });
  } catch (err) {
    if (err instanceof GitError && /cannot lock ref|but expected|reference already exists/.test(err.stderr)) {
      throw new RefConflictError(ref, err);
    }
    throw err;
  }
}

/** Points HEAD at a branch: what a clone checks out, the repository's default branch. */
export async function setHead(gitDir: string, branch: string): Promise<void> {
  await runGit(["symbolic-ref", "HEAD", `refs/heads/${branch}`], { gitDir });
}
