/**
 * Deployments given bad input, through a real server, the official SDK and real agent loops: an
 * appspec that does not parse, bundles whose entries try to leave the agent's root, a hook script
 * that is missing, a revision that does not exist, a group without instances, and agents that stop
 * reporting. Each case checks what a user sees: the deployment's status and errorInformation, and
 * the instance's lifecycle events with their diagnostics.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddTagsToOnPremisesInstancesCommand,
  BatchGetDeploymentTargetsCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  RegisterOnPremisesInstanceCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type LifecycleEvent,
} from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  rawTgzOf,
  rawZipOf,
  ROLE,
  startDeployHarness,
  startRelay,
  type DeployHarness,
  type FleetAgent,
  type RawEntry,
  type S3Revision,
} from "./codedeploy-support.js";

/** The server's agent timeout here: short, so the cases of a quiet agent take seconds. */
const AGENT_MS = 2000;

describe("CodeDeploy deployments given bad input", () => {
  let harness: DeployHarness;
  let cd: CodeDeployClient;
  /** A directory outside every agent's root that bundles try to write into. */
  let outside: string;

  beforeAll(async () => {
    harness = await startDeployHarness({ agentMs: AGENT_MS, pollHoldMs: 1000 });
    cd = harness.cd;
    outside = mkdtempSync(join(tmpdir(), "pw-outside-"));
    writeFileSync(join(outside, "keep.txt"), "untouched\n");
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  /** Deploys `revision` to a new group of one agent; the finished deployment and that agent's events. */
  async function deployToOne(revision: S3Revision) {
    const { groupName, agents } = await harness.fleetOf(1);
    const agent = agents[0]!;
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    const info = await harness.finished(deploymentId!);
    const events = await eventsOf(deploymentId!, agent.name);
    return { info, events, agent };
  }

  /** The lifecycle events of instance `targetId`, which must have failed. */
  async function eventsOf(deploymentId: string, targetId: string): Promise<LifecycleEvent[]> {
    const target = await instanceTarget(deploymentId, targetId);
    expect(target?.status).toBe("Failed");
    return target?.lifecycleEvents ?? [];
  }

  async function instanceTarget(deploymentId: string, targetId: string) {
    const { deploymentTargets } = await cd.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: [targetId] }),
    );
    return deploymentTargets?.[0]?.instanceTarget;
  }

  /** Event name → status, in order. */
  const statuses = (events: LifecycleEvent[]) =>
    Object.fromEntries(events.map((e) => [e.lifecycleEventName, e.status]));

  /** The one failed event of an instance. */
  function failedEvent(events: LifecycleEvent[]): LifecycleEvent {
    const failed = events.filter((e) => e.status === "Failed");
    expect(failed).toHaveLength(1);
    return failed[0]!;
  }

  /** A failed deployment of one instance, as AWS reports it: too few healthy instances. */
  function expectFailedDeployment(info: DeploymentInfo) {
    expect(info.status).toBe("Failed");
    expect(info.errorInformation?.code).toBe("HEALTH_CONSTRAINTS");
    expect(info.errorInformation?.message).toMatch(/too many individual instances failed .*\(1 of 1 failed;/);
    expect(info.deploymentOverview).toMatchObject({ Failed: 1, Succeeded: 0, InProgress: 0 });
  }

  /** Names of every file, link and directory under `dir`, relative to it. */
  function treeOf(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
  }

  const APPSPEC = "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\n";

  describe("an appspec that does not parse", () => {
    it("fails DownloadBundle, naming the file, line and key and what would be right", async () => {
      const revision = await harness.upload("bad-key.tgz", {
        "appspec.yml": [
          "version: 0.0",
          "os: linux",
          "hooks:",
          "  AfterInstall:",
          "    - location: scripts/after.sh",
          "      timeout: soon",
          "",
        ].join("\n"),
        "scripts/after.sh": "#!/bin/sh\necho never\n",
      });
      const { info, events, agent } = await deployToOne(revision);
      expectFailedDeployment(info);
      expect(statuses(events)).toMatchObject({
        ApplicationStop: "Succeeded",
        DownloadBundle: "Failed",
        Install: "Skipped",
        AfterInstall: "Skipped",
      });
      const failed = failedEvent(events);
      expect(failed.diagnostics).toMatchObject({ errorCode: "UnknownError", scriptName: "" });
      expect(failed.diagnostics?.message).toMatch(/appspec\.yml:6:\d+: hooks\.AfterInstall\[0\]\.timeout/);
      expect(failed.diagnostics?.message).toMatch(/number of seconds/);
      expect((await agent.done).failed).toBe(true);
    });

    it("reports a YAML syntax error at its line", async () => {
      const revision = await harness.upload("bad-yaml.tgz", {
        "appspec.yml":
          "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/a.sh\n     timeout: 10\n",
      });
      const { info, events } = await deployToOne(revision);
      expectFailedDeployment(info);
      const failed = failedEvent(events);
      expect(failed.lifecycleEventName).toBe("DownloadBundle");
      expect(failed.diagnostics?.message).toMatch(
        /appspec\.yml:6:1: YAML syntax error: Sequence item without - indicator/,
      );
    });
  });

  describe("a bundle whose entries leave the agent's root", () => {
    /** A name that climbs from any deployment-archive directory into `outside`. */
    const climbing = () => `${"../".repeat(24)}${outside.slice(1)}/pwned`;
    const appspec: RawEntry = { name: "appspec.yml", content: APPSPEC };
    const site: RawEntry = { name: "site/index.html", content: "<h1>hi</h1>\n" };
    const cases: Array<{
      title: string;
      bundle: "tgz" | "zip";
      entries: () => RawEntry[];
      message: () => RegExp;
    }> = [
      {
        title: "a tar entry that climbs out with ..",
        bundle: "tgz",
        entries: () => [appspec, site, { name: climbing(), content: "pwned\n" }],
        message: () => /archive entry ".*pwned" points outside the directory it is unpacked into \(\.\.\)/,
      },
      {
        title: "a tar entry with an absolute path",
        bundle: "tgz",
        entries: () => [appspec, site, { name: `${outside}/pwned`, content: "pwned\n" }],
        message: () => /archive entry ".*\/pwned" is an absolute path; entries must be relative/,
      },
      {
        title: "a tar link out, then an entry written through it",
        bundle: "tgz",
        entries: () => [
          appspec,
          { name: "site", symlink: outside },
          { name: "site/pwned", content: "pwned\n" },
        ],
        message: () =>
          /archive entry "site\/pwned" cannot be unpacked: "site" is a symbolic link; nothing is unpacked through a link/,
      },
      {
        title: "a tar link that points out",
        bundle: "tgz",
        entries: () => [appspec, site, { name: "site/secret", symlink: join(outside, "keep.txt") }],
        message: () => /entry "site\/secret" is a symbolic link to ".*keep\.txt", outside the archive/,
      },
      {
        title: "a tar hard link to a file outside",
        bundle: "tgz",
        entries: () => [appspec, site, { name: "site/secret", hardlink: join(outside, "keep.txt") }],
        message: () =>
          /archive entry "site\/secret" is not a file, directory or symbolic link .*; it is refused/,
      },
      {
        title: "a zip entry that climbs out with ..",
        bundle: "zip",
        entries: () => [appspec, site, { name: climbing(), content: "pwned\n" }],
        message: () => /entry ".*pwned" points outside the directory it is unpacked into \(\.\.\)/,
      },
      {
        title: "a zip entry with an absolute path",
        bundle: "zip",
        entries: () => [appspec, site, { name: `${outside}/pwned`, content: "pwned\n" }],
        message: () => /entry ".*\/pwned" is an absolute path; entries must be relative/,
      },
      {
        title: "a zip link out, then an entry written through it",
        bundle: "zip",
        entries: () => [
          appspec,
          { name: "site", symlink: outside },
          { name: "site/pwned", content: "pwned\n" },
        ],
        message: () =>
          /archive entry "site\/pwned" cannot be unpacked: "site" is a symbolic link; nothing is unpacked through a link/,
      },
    ];

    it.each(cases)("refuses $title, writing nothing", async ({ bundle, entries, message }) => {
      const key = `escape-${Math.random().toString(36).slice(2)}.${bundle}`;
      const body = bundle === "zip" ? rawZipOf(entries()) : await rawTgzOf(entries());
      const revision = await harness.uploadBytes(key, body, bundle);
      const { info, events, agent } = await deployToOne(revision);
      expectFailedDeployment(info);
      const failed = failedEvent(events);
      expect(failed.lifecycleEventName).toBe("DownloadBundle");
      expect(failed.diagnostics).toMatchObject({ errorCode: "UnknownError", scriptName: "" });
      expect(failed.diagnostics?.message).toContain(`the revision's ${bundle} bundle cannot be unpacked`);
      expect(failed.diagnostics?.message).toMatch(message());
      expect(statuses(events)).toMatchObject({ Install: "Skipped" });
      // Nothing outside the root, nothing of the bundle left inside it, nothing installed.
      expect(treeOf(outside)).toEqual(["keep.txt"]);
      expect(readFileSync(join(outside, "keep.txt"), "utf8")).toBe("untouched\n");
      const inside = treeOf(agent.root);
      expect(
        inside.filter((p) => p.endsWith("pwned") || p.endsWith("index.html") || p.endsWith("secret")),
      ).toEqual([]);
      expect(inside.some((p) => p.startsWith("srv"))).toBe(false);
    });
  });

  it("fails the event whose hook script is missing, naming the script and its event", async () => {
    const revision = await harness.upload("no-script.tgz", {
      "appspec.yml": `${APPSPEC}hooks:\n  BeforeInstall:\n    - location: scripts/before.sh\n  AfterInstall:\n    - location: scripts/after.sh\n`,
      "site/index.html": "<h1>hi</h1>\n",
      "scripts/before.sh": "#!/bin/sh\necho before ran\n",
    });
    const { info, events, agent } = await deployToOne(revision);
    expectFailedDeployment(info);
    expect(statuses(events)).toEqual({
      ApplicationStop: "Succeeded",
      DownloadBundle: "Succeeded",
      BeforeInstall: "Succeeded",
      Install: "Succeeded",
      AfterInstall: "Failed",
      ApplicationStart: "Skipped",
      ValidateService: "Skipped",
    });
    const failed = failedEvent(events);
    expect(failed.diagnostics).toMatchObject({ errorCode: "ScriptMissing", scriptName: "scripts/after.sh" });
    expect(failed.diagnostics?.message).toContain(
      "Script does not exist at specified location: scripts/after.sh",
    );
    expect(failed.diagnostics?.message).toContain(
      "(hooks.AfterInstall of the appspec); add it to the revision",
    );
    expect(readFileSync(join(agent.root, "srv/site/index.html"), "utf8")).toBe("<h1>hi</h1>\n");
  });

  it("refuses a revision that does not exist, creating no deployment", async () => {
    const groupName = await groupMatchingNoInstance("no-revision");
    const refused = async (bucket: string, key: string) => {
      const err = await cd
        .send(
          new CreateDeploymentCommand({
            applicationName: "web",
            deploymentGroupName: groupName,
            revision: { revisionType: "S3", s3Location: { bucket, key, bundleType: "tgz" } },
          }),
        )
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(err?.name).toBe("RevisionDoesNotExistException");
      return err!.message;
    };
    expect(await refused("bundles", "never-uploaded.tgz")).toContain(
      "s3://bundles/never-uploaded.tgz does not exist",
    );
    expect(await refused("no-such-bucket", "app.tgz")).toContain(
      "s3://no-such-bucket/app.tgz does not exist",
    );
    const listed = await cd.send(
      new ListDeploymentsCommand({ applicationName: "web", deploymentGroupName: groupName }),
    );
    expect(listed.deployments).toEqual([]);
  });

  it("fails a deployment to a group whose tags match no instance with NO_INSTANCES", async () => {
    await groupMatchingNoInstance("empty");
    const revision = await harness.upload("empty.tgz", { "appspec.yml": APPSPEC, "site/index.html": "x\n" });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: "empty", revision }),
    );
    const info = await harness.finished(deploymentId!);
    expect(info.status).toBe("Failed");
    expect(info.errorInformation?.code).toBe("NO_INSTANCES");
    expect(info.errorInformation?.message).toMatch(/no instances were found for your deployment group/);
    expect(info.deploymentOverview).toMatchObject({ Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0 });
    expect((await cd.send(new ListDeploymentTargetsCommand({ deploymentId }))).targetIds).toEqual([]);
  });

  describe("an agent that stops reporting", () => {
    it("fails the event it was running once the agent timeout passes", async () => {
      const relay = await startRelay(harness.server.url);
      const revision = await harness.upload("quiet.tgz", {
        "appspec.yml": `${APPSPEC}hooks:\n  BeforeInstall:\n    - location: scripts/slow.sh\n`,
        "site/index.html": "x\n",
        "scripts/slow.sh": "#!/bin/sh\nsleep 3\n",
      });
      const { groupName, agents } = await harness.fleetOf(
        1,
        {},
        {
          endpoint: relay.url,
          api: { maxAttempts: 2, backoffBaseMs: 50, backoffMaxMs: 200, requestTimeoutMs: 2000 },
        },
      );
      const agent: FleetAgent = agents[0]!;
      const { deploymentId } = await cd.send(
        new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
      );
      // The host loses the server while its BeforeInstall script runs.
      await expect
        .poll(
          async () =>
            statuses((await instanceTarget(deploymentId!, agent.name))?.lifecycleEvents ?? []).BeforeInstall,
          {
            timeout: 20_000,
            interval: 100,
          },
        )
        .toBe("InProgress");
      await relay.cut();
      const info = await harness.finished(deploymentId!);
      expectFailedDeployment(info);
      const events = await eventsOf(deploymentId!, agent.name);
      expect(statuses(events)).toMatchObject({
        DownloadBundle: "Succeeded",
        BeforeInstall: "Failed",
        Install: "Skipped",
        ValidateService: "Skipped",
      });
      const failed = failedEvent(events);
      expect(failed.diagnostics).toMatchObject({ errorCode: "UnknownError", scriptName: "" });
      expect(failed.diagnostics?.message).toContain(
        `The agent on instance ${agent.name} stopped reporting on BeforeInstall: nothing heard for ${AGENT_MS / 1000} s`,
      );
      expect(failed.diagnostics?.message).toContain("still running there, and can it reach this server?");
    });

    it("fails the first event of an instance whose agent never picks it up", async () => {
      await groupMatchingNoInstance("unattended");
      await cd.send(
        new RegisterOnPremisesInstanceCommand({
          instanceName: "silent-host",
          iamSessionArn: "arn:aws:sts::000000000000:assumed-role/CodeDeployAgent/silent-host",
        }),
      );
      await cd.send(
        new AddTagsToOnPremisesInstancesCommand({
          instanceNames: ["silent-host"],
          tags: [{ Key: "fleet", Value: "unattended" }],
        }),
      );
      const revision = await harness.upload("unattended.tgz", {
        "appspec.yml": APPSPEC,
        "site/index.html": "x\n",
      });
      const { deploymentId } = await cd.send(
        new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: "unattended", revision }),
      );
      const info = await harness.finished(deploymentId!);
      expectFailedDeployment(info);
      const events = await eventsOf(deploymentId!, "silent-host");
      expect(statuses(events)).toMatchObject({ ApplicationStop: "Failed", DownloadBundle: "Skipped" });
      const failed = failedEvent(events);
      expect(failed.diagnostics?.message).toContain(
        `The agent on instance silent-host did not pick up ApplicationStop within ${AGENT_MS / 1000} s`,
      );
      expect(failed.diagnostics?.message).toContain("is `pipewright agent` running there");
    });
  });

  /** Creates group `name`, whose tag filter matches no instance (nor will: `fleet=<name>`). */
  async function groupMatchingNoInstance(name: string): Promise<string> {
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "web",
        deploymentGroupName: name,
        serviceRoleArn: ROLE,
        onPremisesInstanceTagFilters: [{ Key: "fleet", Value: name, Type: "KEY_AND_VALUE" }],
      }),
    );
    return name;
  }
});
