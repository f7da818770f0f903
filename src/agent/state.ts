/**
 * Where the agent keeps its state under its root, in AWS's agent's layout, so an operator finds
 * things where AWS's documentation says: `opt/codedeploy-agent/deployment-root/<group>/<deployment>/
 * deployment-archive` for each revision, and `deployment-instructions/` for each group's most
 * recent and last successful install (a file holding that deployment's directory) and its cleanup
 * record.
 */
import { readdir, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";

/** Paths of the agent's state under `root` (a host path). */
export class AgentState {
  readonly deploymentRoot: string;
  readonly instructionsDir: string;

  constructor(root: string) {
    this.deploymentRoot = join(root, "opt/codedeploy-agent/deployment-root");
    this.instructionsDir = join(this.deploymentRoot, "deployment-instructions");
  }

  /** The directory of one deployment on this instance. */
  deploymentDir(groupId: string, deploymentId: string): string {
    return join(this.deploymentRoot, groupId, deploymentId);
  }

  /** The unpacked revision inside a deployment's directory. */
  static archiveOf(deploymentDir: string): string {
    return join(deploymentDir, "deployment-archive");
  }

  /** The directory of the group's last successful install, if there was one. */
  async lastSuccessful(groupId: string): Promise<string | undefined> {
    return this.read(`${groupId}_last_successful_install`);
  }

  async setLastSuccessful(groupId: string, deploymentDir: string): Promise<void> {
    await this.write(`${groupId}_last_successful_install`, deploymentDir);
  }

  async mostRecent(groupId: string): Promise<string | undefined> {
    return this.read(`${groupId}_most_recent_install`);
  }

  async setMostRecent(groupId: string, deploymentDir: string): Promise<void> {
    await this.write(`${groupId}_most_recent_install`, deploymentDir);
  }

  /**
   * Deletes the group's oldest deployment directories so that at most `keep` remain besides the one
   * about to be made; the last successful one is never deleted (ApplicationStop needs it).
   */
  async removeOldRevisions(groupId: string, keep: number): Promise<void> {
    const groupDir = join(this.deploymentRoot, groupId);
    const names = await readdir(groupDir).catch(() => [] as string[]);
    const keepDir = await this.lastSuccessful(groupId);
    const dated = await Promise.all(
      names.map(async (name) => ({
        dir: join(groupDir, name),
        mtime: (await stat(join(groupDir, name))).mtimeMs,
      })),
    );
    dated.sort((a, b) => b.mtime - a.mtime);
    for (const old of dated.slice(Math.max(0, keep - 1))) {
      if (old.dir !== keepDir) await rm(old.dir, { recursive: true, force: true });
    }
  }

  private async read(name: string): Promise<string | undefined> {
    const text = await readFile(join(this.instructionsDir, name), "utf8").catch(() => undefined);
    return text?.trim() || undefined;
  }

  private async write(name: string, value: string): Promise<void> {
    await mkdir(this.instructionsDir, { recursive: true });
    await writeFile(join(this.instructionsDir, name), value);
  }
}
