/**
 * Deployments really executed: a server, three `runAgent` loops (each with its own root directory)
 * registered as on-premises instances, and the official SDK creating and watching deployments.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BatchGetDeploymentInstancesCommand,
  BatchGetDeploymentsCommand,
  BatchGetDeploymentTargetsCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentInstanceCommand,
  GetDeploymentTargetCommand,
  ListDeploymentInstancesCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  RegisterOnPremisesInstanceCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
} from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTestPrincipal } from "../support/principals.js";
import type { TestServer } from "../support/server.js";
import { startDeployHarness, type DeployHarness } from "./codedeploy-support.js";
import { jsonCall } from "../support/signed-fetch.js";

const EVENTS = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
];

describe("CodeDeploy deployments through agents", () => {
  let harness: DeployHarness;
  let server: TestServer;
  let cd: CodeDeployClient;

  beforeAll(async () => {
    // Long polls answer within 2 s, and an agent that stops reporting fails its instance in 5 s.
    harness = await startDeployHarness();
    ({ server, cd } = harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it("deploys a revision from S3 to three agents, one at a time, running every hook in order", async () => {
    const { groupName, agents } = await harness.fleetOf(3, {
      deploymentConfigName: "CodeDeployDefault.OneAtATime",
    });
    const hook = (event: string) =>
      `#!/bin/sh\necho "$LIFECYCLE_EVENT $DEPLOYMENT_GROUP_NAME $APPLICATION_NAME" >> /tmp/pw-hooks-$DEPLOYMENT_ID\necho ran ${event}\n`;
    const revision = await harness.upload("app-v1.tgz", {
      "appspec.yml": [
        "version: 0.0",
        "os: linux",
        "files:",
        "  - source: site",
        "    destination: /srv/site",
        "hooks:",
        ...["BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"].flatMap((event) => [
          `  ${event}:`,
          `    - location: scripts/${event}.sh`,
          "      timeout: 30",
        ]),
        "",
      ].join("\n"),
      "site/index.html": "<h1>v1</h1>\n",
      ...Object.fromEntries(
        ["BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"].map((event) => [
          `scripts/${event}.sh`,
          hook(event),
        ]),
      ),
    });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    const info = await harness.finished(deploymentId!);
    expect(info).toMatchObject({
      status: "Succeeded",
      deploymentOverview: { Succeeded: 3, Failed: 0, Skipped: 0, InProgress: 0, Pending: 0 },
      deploymentConfigName: "CodeDeployDefault.OneAtATime",
      creator: "user",
    });
    for (const agent of agents) {
      expect(await agent.done).toMatchObject({ failed: false });
      expect(readFileSync(join(agent.root, "srv/site/index.html"), "utf8")).toBe("<h1>v1</h1>\n");
    }

    // Targets and instances, each with its lifecycle events and their diagnostics.
    const targetIds = (await cd.send(new ListDeploymentTargetsCommand({ deploymentId }))).targetIds ?? [];
    expect([...targetIds].sort()).toEqual(agents.map((a) => a.name));
    const targets = (await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds })))
      .deploymentTargets!;
    for (const target of targets) {
      expect(target.deploymentTargetType).toBe("InstanceTarget");
      expect(target.instanceTarget?.status).toBe("Succeeded");
      expect(target.instanceTarget?.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual(EVENTS);
      expect(target.instanceTarget?.lifecycleEvents?.every((e) => e.status === "Succeeded")).toBe(true);
    }
    const one = await cd.send(new GetDeploymentTargetCommand({ deploymentId, targetId: agents[0]!.name }));
    const install = one.deploymentTarget?.instanceTarget?.lifecycleEvents?.find(
      (e) => e.lifecycleEventName === "AfterInstall",
    );
    expect(install?.diagnostics).toMatchObject({ errorCode: "Success" });
    expect(install?.diagnostics?.logTail).toContain("ran AfterInstall");

    const instanceIds = (await cd.send(new ListDeploymentInstancesCommand({ deploymentId }))).instancesList!;
    expect(instanceIds).toHaveLength(3);
    const instances = await cd.send(new BatchGetDeploymentInstancesCommand({ deploymentId, instanceIds }));
    expect(instances.instancesSummary?.map((i) => i.status)).toEqual(["Succeeded", "Succeeded", "Succeeded"]);
    const single = await cd.send(
      new GetDeploymentInstanceCommand({ deploymentId, instanceId: instanceIds[0] }),
    );
    expect(single.instanceSummary?.lifecycleEvents).toHaveLength(EVENTS.length);

    // One at a time: no instance started before the previous one finished.
    const spans = targets
      .map((t) => t.instanceTarget!.lifecycleEvents!)
      .map((events) => ({ start: events[0]!.startTime!.getTime(), end: events.at(-1)!.endTime!.getTime() }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);

    const listed = await cd.send(
      new ListDeploymentsCommand({ applicationName: "web", deploymentGroupName: groupName }),
    );
    expect(listed.deployments).toEqual([deploymentId]);
    const batch = await cd.send(new BatchGetDeploymentsCommand({ deploymentIds: [deploymentId!] }));
    expect(batch.deploymentsInfo?.[0]?.status).toBe("Succeeded");
  });

  it("fails the deployment when a hook fails, with the script's diagnostics, and rolls back by itself", async () => {
    const { groupName, agents } = await harness.fleetOf(2, {
      deploymentConfigName: "CodeDeployDefault.AllAtOnce",
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
    });
    const revision = await harness.upload("app-broken.tgz", {
      "appspec.yml": "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: fail.sh\n",
      "fail.sh": "#!/bin/sh\necho 'about to fail'\nexit 3\n",
    });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    const info = await harness.finished(deploymentId!);
    expect(info.status).toBe("Failed");
    expect(info.errorInformation?.code).toBeDefined();
    for (const agent of agents) expect((await agent.done).failed).toBe(true);
    const target = await cd.send(new GetDeploymentTargetCommand({ deploymentId, targetId: agents[0]!.name }));
    const failed = target.deploymentTarget?.instanceTarget?.lifecycleEvents?.find(
      (e) => e.status === "Failed",
    );
    expect(failed).toMatchObject({
      lifecycleEventName: "AfterInstall",
      diagnostics: { errorCode: "ScriptFailed", scriptName: "fail.sh" },
    });
    expect(failed?.diagnostics?.logTail).toContain("about to fail");
    // No revision ever succeeded in this group: nothing to roll back to, and AWS says so.
    expect(info.rollbackInfo?.rollbackMessage ?? "").toMatch(/no successful deployment to go back to/);
  });

  it("stops a deployment on request", async () => {
    const { groupName, agents } = await harness.fleetOf(1);
    const revision = await harness.upload("app-slow.tgz", {
      "appspec.yml":
        "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: slow.sh\n      timeout: 120\n",
      "slow.sh": "#!/bin/sh\nsleep 60\n",
    });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    await expect
      .poll(
        async () =>
          (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo?.deploymentOverview
            ?.InProgress,
        { timeout: 20_000 },
      )
      .toBe(1);
    const stopped = await cd.send(new StopDeploymentCommand({ deploymentId }));
    expect(stopped.status).toBe("Succeeded");
    const info = await harness.finished(deploymentId!);
    expect(info.status).toBe("Stopped");
    expect(existsSync(agents[0]!.root)).toBe(true);
  });

  it("lets only an instance's own IAM user poll and report for it", async () => {
    const owner = await addTestPrincipal(server, "host-owner");
    const other = await addTestPrincipal(server, "someone-else");
    await cd.send(new RegisterOnPremisesInstanceCommand({ instanceName: "owned", iamUserArn: owner.arn }));
    const poll = (who: typeof owner) =>
      jsonCall(
        server,
        "CodeDeployCommandService_v20141006.PollHostCommand",
        JSON.stringify({ HostIdentifier: owner.arn }),
        { service: "codedeploy-commands", credentials: who, signal: AbortSignal.timeout(30_000) },
      );
    const refused = await poll(other);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { __type: string; message: string };
    expect(body.__type).toContain("ClientException");
    expect(body.message).toContain("is registered to arn:aws:iam::");
    // Its owner is answered (after the long poll's hold, with no command).
    const answered = await poll(owner);
    expect(answered.status).toBe(200);
  });

  it("brings an agent that joins the group later up to date by itself, once", async () => {
    const { groupName, tag, agents } = await harness.fleetOf(2);
    // A key that needs encoding: the agent signs its download as S3 expects (the key encoded once).
    const revision = await harness.upload("late v1+(1).tgz", {
      "appspec.yml": "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\n",
      "site/index.html": "<h1>late v1</h1>\n",
    });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    expect((await harness.finished(deploymentId!)).status).toBe("Succeeded");
    for (const agent of agents) expect(await agent.done).toMatchObject({ failed: false });

    // A new machine with the group's tags: nobody creates a deployment for it.
    const late = harness.joinFleet(tag, `${tag}-host-late`);
    expect(await late.done).toMatchObject({ failed: false });
    expect(readFileSync(join(late.root, "srv/site/index.html"), "utf8")).toBe("<h1>late v1</h1>\n");
    const listed = (
      await cd.send(new ListDeploymentsCommand({ applicationName: "web", deploymentGroupName: groupName }))
    ).deployments!;
    expect(listed).toHaveLength(2);
    const catchUp = listed.find((id) => id !== deploymentId)!;
    const info = await harness.finished(catchUp);
    expect(info).toMatchObject({
      status: "Succeeded",
      creator: "CodeDeployAutoUpdate",
      revision: { s3Location: { key: "late v1+(1).tgz" } },
      deploymentOverview: { Succeeded: 1 },
    });
    expect((await cd.send(new ListDeploymentTargetsCommand({ deploymentId: catchUp }))).targetIds).toEqual([
      late.name,
    ]);

    // Up to date now: its next polls bring nothing new.
    const again = harness.joinFleet(tag, late.name, { once: false, signal: AbortSignal.timeout(2500) });
    await again.done.catch(() => undefined);
    expect(
      (await cd.send(new ListDeploymentsCommand({ applicationName: "web", deploymentGroupName: groupName })))
        .deployments,
    ).toHaveLength(2);
  });
});
