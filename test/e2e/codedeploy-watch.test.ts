/**
 * `pipewright deploy watch` against deployments really run by `runAgent` loops: a success followed
 * to the end, a failing hook with its diagnostics and the automatic rollback, and the errors a user
 * meets (an unknown id, a group that never deployed, no server).
 */
import { CreateDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright } from "../support/cli.js";
import { freePort } from "../support/postgres.js";
import type { TestServer } from "../support/server.js";
import { startDeployHarness, type DeployHarness } from "./codedeploy-support.js";

const EVENTS = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
];

describe("pipewright deploy watch", () => {
  let server: TestServer;
  let bench: DeployHarness;
  let fleet: Awaited<ReturnType<DeployHarness["fleetOf"]>>;

  beforeAll(async () => {
    bench = await startDeployHarness();
    server = bench.server;
  }, 60_000);

  afterAll(async () => {
    await bench?.stop();
  });

  /** `pipewright deploy watch <args>` signed with the test server's key, looking every 100 ms. */
  function watch(args: string[], endpoint = server.url) {
    return spawnPipewright([
      "deploy",
      "watch",
      ...args,
      "--endpoint",
      endpoint,
      "--data-dir",
      server.dataDir,
      "--interval",
      "100",
    ]);
  }

  const groupFlags = () => ["--application", "web", "--deployment-group", fleet.groupName];

  it("follows the group's latest deployment to its success: every instance and event, exit 0", async () => {
    // Two agents that keep polling, in a group that rolls back a failed deployment; the next test
    // deploys to them again.
    fleet = await bench.fleetOf(
      2,
      {
        deploymentConfigName: "CodeDeployDefault.AllAtOnce",
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
      },
      { once: false },
    );
    const none = watch(groupFlags());
    expect(await none.exited).toBe(1);
    expect(none.output()).toContain(
      `deployment group ${fleet.groupName} of application web has no deployments yet`,
    );

    const revision = await bench.upload("watch-v1.tgz", {
      "appspec.yml": "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n",
      "start.sh": "#!/bin/sh\necho started\n",
    });
    const { deploymentId } = await bench.cd.send(
      new CreateDeploymentCommand({
        applicationName: "web",
        deploymentGroupName: fleet.groupName,
        revision,
      }),
    );
    const followed = watch(groupFlags());
    expect(await followed.exited, followed.output()).toBe(0);
    const out = followed.output();
    expect(out).toContain(`${deploymentId} · web/${fleet.groupName} · CodeDeployDefault.AllAtOnce`);
    for (const agent of fleet.agents) {
      for (const event of EVENTS) expect(out).toMatch(new RegExp(`✓ ${agent.name} ${event} Succeeded \\d+s`));
      expect(out).toContain(`✓ ${agent.name} Succeeded`);
    }
    expect(out).toMatch(/deployment Succeeded · instances: 2 Succeeded\n/);
  });

  it("shows a failed hook's error code, script and output, and the rollback; exit 1", async () => {
    const revision = await bench.upload("watch-broken.tgz", {
      "appspec.yml": "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: check.sh\n",
      "check.sh": "#!/bin/sh\necho 'config missing: /etc/app.conf'\nexit 4\n",
    });
    const { deploymentId } = await bench.cd.send(
      new CreateDeploymentCommand({
        applicationName: "web",
        deploymentGroupName: fleet.groupName,
        revision,
      }),
    );
    const followed = watch([deploymentId!]);
    expect(await followed.exited, followed.output()).toBe(1);
    const out = followed.output();
    const info = await bench.finished(deploymentId!);
    expect(info.status).toBe("Failed");
    for (const agent of fleet.agents) expect(out).toContain(`✗ ${agent.name} AfterInstall Failed`);
    expect(out).toContain("AfterInstall failed: ScriptFailed in check.sh");
    expect(out).toContain("| config missing: /etc/app.conf");
    expect(out).toMatch(/deployment Failed/);
    const rollback = info.rollbackInfo?.rollbackDeploymentId;
    expect(rollback).toMatch(/^d-/);
    expect(out).toContain(`rolled back by deployment ${rollback}`);
    // The rollback redeploys the first revision, and the same command follows it.
    const rolled = watch([rollback!]);
    expect(await rolled.exited, rolled.output()).toBe(0);
  });

  it("names an unknown deployment, and a server that does not answer; exit 1", async () => {
    const missing = watch(["d-NOSUCH123"]);
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toMatch(
      /deployment d-NOSUCH123 does not exist on http:.*DeploymentDoesNotExistException/,
    );

    const port = await freePort();
    const unreachable = watch(["d-NOSUCH123"], `http://127.0.0.1:${port}`);
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output()).toContain(`cannot reach http://127.0.0.1:${port}`);
  });
});
