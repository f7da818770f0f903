/**
 * Source / AWS / CodeCommit: the tree of one commit of a branch, as AWS's action reference
 * describes it (configuration RepositoryName, BranchName, OutputArtifactFormat; output variables
 * CommitId, CommitMessage, RepositoryName, BranchName, AuthorDate, CommitterDate).
 *
 * - CODE_ZIP (the default): the commit's files at the root of a zip, streamed from git into the
 *   artifact store. Executable files keep mode 755, others 644; every entry's time is the
 *   commit's committer date; there are no directory entries and no `.git`. Symbolic links are
 *   left out, as CodePipeline leaves them out of its zips (keeping them is what CODEBUILD_CLONE_REF
 *   is for), and so are submodules, which CodeCommit's zip does not fetch either.
 * - CODEBUILD_CLONE_REF: a reference to the repository and commit for CodeBuild to clone
 *   (clone-ref.ts).
 *
 * The revision is the commit the execution carries, which must exist in the repository (it need
 * not still be on the branch: a retried execution keeps its commit after a force-push), or else
 * the branch's head now. PollForSourceChanges is the engine's business and ignored here.
 */
import { Readable } from "node:stream";
import type { Logger } from "../../../core/index.js";
import {
  BlobReader,
  listTreeFiles,
  objectInfo,
  readCommits,
  resolveCommit,
  runGit,
  type CommitObject,
} from "../../../platform/git/index.js";
import type { CodeCommitGit, GitRepositoryHandle } from "../../codecommit/index.js";
import type { S3Service } from "../../s3/index.js";
import { putOutputArtifact, writeZipArtifact } from "./artifacts.js";
import {
  ARTIFACT_FORMAT_METADATA,
  CLONE_REF_CONTENT_TYPE,
  CLONE_REF_FORMAT,
  serializeCloneRef,
} from "./clone-ref.js";
import { enumSetting, optionalSetting, requiredSetting, soleOutput } from "./configuration.js";
import { ActionFailure, type ArtifactLocation, type SyncProvider } from "./types.js";

const ACTION = "CodeCommit source";
const FORMATS = ["CODE_ZIP", CLONE_REF_FORMAT] as const;
/** ArtifactRevision.revisionSummary's length limit. */
const MAX_SUMMARY_CHARS = 2048;

/** What the CodeCommit source action needs. */
export interface CodeCommitSourceDeps {
  s3: S3Service;
  codecommit?: CodeCommitGit;
  publicUrl: () => string;
  logger?: Logger;
}

export function codeCommitSource(deps: CodeCommitSourceDeps): SyncProvider {
  return {
    async run(run) {
      const repositoryName = requiredSetting(run, ACTION, "RepositoryName", "the repository to fetch");
      const branchName = requiredSetting(run, ACTION, "BranchName", "the branch to fetch");
      const format = enumSetting(
        optionalSetting(run, "OutputArtifactFormat") ?? "CODE_ZIP",
        "OutputArtifactFormat",
        FORMATS,
      );
      const output = soleOutput(run, ACTION);
      if (!deps.codecommit) {
        throw new ActionFailure("SystemUnavailable", "CodeCommit is not available on this server.");
      }
      const repo = await deps.codecommit.findRepository(
        { accountId: run.accountId, region: run.region },
        repositoryName,
      );
      if (!repo) {
        throw new ActionFailure(
          "ConfigurationError",
          `The repository ${repositoryName} does not exist in account ${run.accountId}, region ${run.region}. Check RepositoryName.`,
        );
      }
      await checkBranchName(repo, branchName);
      const commitId =
        run.sourceRevision !== undefined
          ? await existingCommit(repo, run.sourceRevision)
          : await branchHead(repo, branchName);
      const commit = (await readCommits(repo.gitDir, [commitId])).get(commitId);
      if (!commit) {
        throw new ActionFailure(
          "RevisionUnavailable",
          `Commit ${commitId} of ${repo.name} could not be read.`,
        );
      }
      const cloneUrlHttp = `${deps.publicUrl()}/v1/repos/${repo.name}`;
      if (format === "CODE_ZIP") {
        await writeCommitZip(deps.s3, repo, commit, output, run.signal);
      } else {
        const ref = serializeCloneRef({
          format: CLONE_REF_FORMAT,
          provider: "CodeCommit",
          repositoryName: repo.name,
          repositoryArn: repo.arn,
          cloneUrlHttp,
          branchName,
          commitId,
        });
        await putOutputArtifact(deps.s3, output, Readable.from([Buffer.from(ref)]), {
          contentType: CLONE_REF_CONTENT_TYPE,
          metadata: { [ARTIFACT_FORMAT_METADATA]: CLONE_REF_FORMAT },
        });
      }
      const message = commit.message.replace(/\n+$/, "");
      const authorDate = gitDate(commit.author.date);
      const committerDate = gitDate(commit.committer.date);
      return {
        outputVariables: {
          CommitId: commitId,
          CommitMessage: message,
          RepositoryName: repo.name,
          BranchName: branchName,
          AuthorDate: isoSeconds(authorDate),
          CommitterDate: isoSeconds(committerDate),
        },
        revision: {
          revisionId: commitId,
          ...(message ? { revisionSummary: message.slice(0, MAX_SUMMARY_CHARS) } : {}),
          // No console here: the repository's clone URL is where the commit can be fetched.
          revisionUrl: cloneUrlHttp,
          ...(committerDate ? { created: committerDate } : {}),
        },
      };
    },
  };
}

/** Refuses a branch name git would not accept as `refs/heads/<name>` (which also rules out `main~1`). */
async function checkBranchName(repo: GitRepositoryHandle, branchName: string): Promise<void> {
  const { exitCode } = await runGit(["check-ref-format", `refs/heads/${branchName}`], {
    gitDir: repo.gitDir,
    okExitCodes: [1],
  });
  if (exitCode !== 0) {
    throw new ActionFailure(
      "ConfigurationError",
      `BranchName ${JSON.stringify(branchName)} is not a valid branch name. Use the name of a branch of ${repo.name}, such as main.`,
    );
  }
}

async function branchHead(repo: GitRepositoryHandle, branchName: string): Promise<string> {
  const commit = await resolveCommit(repo.gitDir, `refs/heads/${branchName}`);
  if (!commit) {
    throw new ActionFailure(
      "ConfigurationError",
      `The branch ${branchName} does not exist in repository ${repo.name}. Push it, or set BranchName to an existing branch.`,
    );
  }
  return commit;
}

/** The commit the execution carries: a full commit id present in the repository. */
async function existingCommit(repo: GitRepositoryHandle, revision: string): Promise<string> {
  const id = revision.trim().toLowerCase();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id)) {
    throw new ActionFailure(
      "RevisionUnavailable",
      `Source revision ${JSON.stringify(revision)} is not a full commit id of repository ${repo.name}.`,
    );
  }
  const info = await objectInfo(repo.gitDir, id);
  if (info?.type !== "commit") {
    throw new ActionFailure(
      "RevisionUnavailable",
      `Commit ${id} does not exist in repository ${repo.name}${info ? ` (it names a ${info.type})` : ""}.`,
    );
  }
  return id;
}

/** Streams the commit's files into the output artifact as a zip (see the top of this file). */
async function writeCommitZip(
  s3: S3Service,
  repo: GitRepositoryHandle,
  commit: CommitObject,
  output: ArtifactLocation,
  signal: AbortSignal,
): Promise<void> {
  const files = await listTreeFiles(repo.gitDir, commit.commitId);
  const mtime = gitDate(commit.committer.date) ?? new Date(0);
  const blobs = BlobReader.open(repo.gitDir, signal);
  try {
    await writeZipArtifact(s3, output, async (zip) => {
      for (const file of files) {
        signal.throwIfAborted();
        // Links and submodules are left out (see the top of this file).
        if (file.type !== "blob" || file.mode === "120000") continue;
        const blob = await blobs.read(file.oid);
        try {
          await zip.addStream(file.path, blob.stream, {
            mode: file.mode === "100755" ? 0o755 : 0o644,
            mtime,
            size: blob.size,
          });
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          throw new ActionFailure(
            "JobFailed",
            `The file ${JSON.stringify(file.path)} of commit ${commit.commitId} could not be added to the zip: ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
    });
  } catch (err) {
    // Stopping kills git too: the stop is the reason, not git's failure.
    throw signal.aborted ? signal.reason : err;
  } finally {
    await blobs.close();
  }
}

/** A git date (`<epoch seconds> <offset>`) as a Date, or undefined when it is not one. */
function gitDate(raw: string): Date | undefined {
  const seconds = Number(raw.split(" ")[0]);
  return raw !== "" && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

/** ISO-8601 in UTC to the second: `2024-05-01T12:34:56Z`. */
function isoSeconds(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : "";
}
