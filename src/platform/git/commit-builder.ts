import { runGit } from "./git.js";

/** Who wrote or committed a new commit, and when. */
export interface CommitPerson {
  name: string;
  /** May be empty: git stores `<>`. */
  email: string;
  /** When, in epoch milliseconds (stored as whole seconds, UTC). */
  at: number;
}

/** What a new commit is made of. */
export interface NewCommit {
  treeId: string;
  parents: readonly string[];
  /** Stored exactly as given (no newline added), as CodeCommit stores API commit messages. */
  message: string;
  author: CommitPerson;
  committer: CommitPerson;
}

/** Writes a commit object (`git commit-tree`) and returns its id; no ref moves. */
export async function writeCommit(gitDir: string, commit: NewCommit): Promise<string> {
  const args = ["commit-tree", commit.treeId];
  for (const parent of commit.parents) args.push("-p", parent);
  const date = (p: CommitPerson) => `${Math.floor(p.at / 1000)} +0000`;
  const { stdout } = await runGit(args, {
    gitDir,
    input: commit.message,
    env: {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: date(commit.author),
      GIT_COMMITTER_NAME: commit.committer.name,
      GIT_COMMITTER_EMAIL: commit.committer.email,
      GIT_COMMITTER_DATE: date(commit.committer),
    },
  });
  return stdout.toString("utf8").trim();
}
