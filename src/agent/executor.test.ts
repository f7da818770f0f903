import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeploymentSpec } from "./deployment-spec.js";
import { CommandFailure } from "./errors.js";
import { CommandExecutor } from "./executor.js";
import { RootPath } from "./root-path.js";

const LIFECYCLE = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
];

const APPSPEC = `version: 0.0
os: linux
files:
  - source: site
    destination: /var/www
hooks:
  ApplicationStop:
    - location: scripts/record.sh
  BeforeInstall:
    - location: scripts/record.sh
  AfterInstall:
    - location: scripts/record.sh
  ApplicationStart:
    - location: scripts/record.sh
  ValidateService:
    - location: scripts/record.sh
`;

describe("CommandExecutor", () => {
  let dir: string;
  let rootDir: string;
  let executor: CommandExecutor;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pw-executor-"));
    rootDir = join(dir, "root");
    mkdirSync(rootDir);
    executor = new CommandExecutor({
      root: await RootPath.of(rootDir),
      // Stands in for S3: the key names a zip in the test's directory.
      fetchBundle: async ({ key }, file) => copyFileSync(join(dir, key), file),
      killGraceSeconds: 1,
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A revision zip whose every hook appends "<event> <deployment> <revision>" to $PIPEWRIGHT_AGENT_ROOT/events. */
  const revisionZip = (name: string, revision: string): void => {
    const src = join(dir, `src-${name}`);
    mkdirSync(join(src, "scripts"), { recursive: true });
    mkdirSync(join(src, "site"), { recursive: true });
    writeFileSync(join(src, "appspec.yml"), APPSPEC);
    writeFileSync(join(src, "site/index.html"), revision);
    writeFileSync(
      join(src, "scripts/record.sh"),
      `#!/bin/sh\necho "$LIFECYCLE_EVENT $DEPLOYMENT_ID ${revision} $APPLICATION_NAME" >> "$PIPEWRIGHT_AGENT_ROOT/events"\n`,
    );
    chmodSync(join(src, "scripts/record.sh"), 0o755);
    execFileSync("zip", ["-qr", join(dir, name), "."], { cwd: src });
  };
  const spec = (deploymentId: string, revision: DeploymentSpec["Revision"]): DeploymentSpec => ({
    DeploymentId: deploymentId,
    DeploymentGroupId: "group-1",
    DeploymentGroupName: "web",
    ApplicationName: "shop",
    DeploymentType: "IN_PLACE",
    Revision: revision,
    AllPossibleLifecycleEvents: LIFECYCLE,
  });
  const s3 = (key: string): DeploymentSpec["Revision"] => ({
    RevisionType: "S3",
    S3Revision: { Bucket: "b", Key: key, BundleType: "zip" },
  });
  const deploy = async (deployment: DeploymentSpec): Promise<boolean[]> => {
    const noops: boolean[] = [];
    for (const command of LIFECYCLE) {
      noops.push(await executor.isNoop(command, deployment));
      await executor.execute(command, deployment);
    }
    return noops;
  };
  const events = () => readFileSync(join(rootDir, "events"), "utf8").trim().split("\n");

  it("runs a whole lifecycle from a zip; the next deployment stops the previous revision first", async () => {
    revisionZip("v1.zip", "v1");
    revisionZip("v2.zip", "v2");
    // ApplicationStop is a noop on a group's first deployment: nothing was installed before.
    expect(await deploy(spec("d-1", s3("v1.zip")))).toEqual([true, false, false, false, false, false, false]);
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("v1");
    await deploy(spec("d-2", s3("v2.zip")));
    expect(readFileSync(join(rootDir, "var/www/index.html"), "utf8")).toBe("v2");
    expect(events()).toEqual([
      "BeforeInstall d-1 v1 shop",
      "AfterInstall d-1 v1 shop",
      "ApplicationStart d-1 v1 shop",
      "ValidateService d-1 v1 shop",
      // The running revision's own stop script, with the new deployment's variables.
      "ApplicationStop d-2 v1 shop",
      "BeforeInstall d-2 v2 shop",
      "AfterInstall d-2 v2 shop",
      "ApplicationStart d-2 v2 shop",
      "ValidateService d-2 v2 shop",
    ]);
    const instructions = join(rootDir, "opt/codedeploy-agent/deployment-root/deployment-instructions");
    expect(readFileSync(join(instructions, "group-1_last_successful_install"), "utf8")).toBe(
      join(rootDir, "opt/codedeploy-agent/deployment-root/group-1/d-2"),
    );
  });

  it("runs a deployment whose revision is AppSpecContent (hooks only)", async () => {
    const content = `version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: none.sh\n`;
    const deployment = spec("d-c", { RevisionType: "AppSpecContent", AppSpecContent: { Content: content } });
    await executor.execute("DownloadBundle", deployment);
    expect(await executor.isNoop("AfterInstall", deployment)).toBe(true);
    await executor.execute("AfterInstall", deployment);
    // The only script is not in the revision (there is none): ScriptMissing.
    const failure = await executor.execute("BeforeInstall", deployment).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CommandFailure);
    expect((failure as CommandFailure).toPayload()).toMatchObject({ error_code: 1, script_name: "none.sh" });
  });

  it("reads the appspec again when its deployment's bundle is downloaded again or the file changes", async () => {
    const hooks = (event: string) => `version: 0.0\nos: linux\nhooks:\n  ${event}:\n    - location: x.sh\n`;
    const content = (text: string): DeploymentSpec["Revision"] => ({
      RevisionType: "AppSpecContent",
      AppSpecContent: { Content: text },
    });
    await executor.execute("DownloadBundle", spec("d-r", content(hooks("BeforeInstall"))));
    expect(await executor.isNoop("BeforeInstall", spec("d-r", content(hooks("BeforeInstall"))))).toBe(false);
    expect(await executor.isNoop("AfterInstall", spec("d-r", content(hooks("BeforeInstall"))))).toBe(true);
    // The same deployment's DownloadBundle again (a retried command), with another revision.
    await executor.execute("DownloadBundle", spec("d-r", content(hooks("AfterInstall"))));
    expect(await executor.isNoop("BeforeInstall", spec("d-r", content(hooks("AfterInstall"))))).toBe(true);
    expect(await executor.isNoop("AfterInstall", spec("d-r", content(hooks("AfterInstall"))))).toBe(false);
    // The file rewritten in place (longer, so its size differs whatever the clock's resolution).
    const file = join(
      rootDir,
      "opt/codedeploy-agent/deployment-root/group-1/d-r/deployment-archive/appspec.yml",
    );
    writeFileSync(file, `${hooks("ValidateService")}# changed\n`);
    expect(await executor.isNoop("AfterInstall", spec("d-r", content("")))).toBe(true);
    expect(await executor.isNoop("ValidateService", spec("d-r", content("")))).toBe(false);
    // Another deployment never sees this one's appspec.
    await executor.execute("DownloadBundle", spec("d-s", content(hooks("ApplicationStart"))));
    expect(await executor.isNoop("ValidateService", spec("d-s", content("")))).toBe(true);
    expect(await executor.isNoop("ApplicationStart", spec("d-s", content("")))).toBe(false);
  });

  it("fails DownloadBundle with the appspec's line numbers", async () => {
    const deployment = spec("d-bad", {
      RevisionType: "AppSpecContent",
      AppSpecContent: { Content: "version: 0.0\nos: linux\nhooks:\n  Bogus: []\n" },
    });
    await expect(executor.execute("DownloadBundle", deployment)).rejects.toThrow(
      /appspec.yml:4:3: hooks.Bogus is not a lifecycle event/,
    );
  });

  it("keeps the last 5 revisions of a group", async () => {
    revisionZip("v.zip", "v");
    for (let i = 1; i <= 7; i++) {
      const deployment = spec(`d-${i}`, s3("v.zip"));
      await executor.execute("DownloadBundle", deployment);
      await executor.execute("Install", deployment);
      // mtimes one apart, so the order is the deployments' order whatever the clock's resolution.
      execFileSync("touch", [
        "-d",
        `@${1_700_000_000 + i}`,
        join(rootDir, "opt/codedeploy-agent/deployment-root/group-1", `d-${i}`),
      ]);
    }
    expect(readdirSync(join(rootDir, "opt/codedeploy-agent/deployment-root/group-1")).sort()).toEqual([
      "d-3",
      "d-4",
      "d-5",
      "d-6",
      "d-7",
    ]);
    expect(existsSync(join(rootDir, "var/www/index.html"))).toBe(true);
  });
});
