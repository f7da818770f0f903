import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The environment for git in tests: a fixed identity and no user or system configuration. */
export const testGitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

/**
 * Commits one file in a scratch repository and pushes it straight into a bare repository's
 * directory (no server in between); returns the commit id. Call `recordPush` after it.
 */
export function pushDirect(gitDir: string, branch: string, file: string, content = "hello\n"): string {
  const work = mkdtempSync(path.join(tmpdir(), "pw-cc-"));
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: work, env: testGitEnv }).toString().trim();
    git("init", "-q", "-b", branch);
    writeFileSync(path.join(work, file), content);
    git("add", file);
    git("commit", "-q", "-m", `add ${file}`);
    git("push", "-q", "--force", gitDir, `${branch}:${branch}`);
    return git("rev-parse", "HEAD");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
