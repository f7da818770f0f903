/**
 * Deployment groups' alarms as health checks, through the real server, the official SDK and real
 * agent loops: an alarm named by the URL of a small HTTP server this test controls, checked while
 * a deployment runs; alarms whose state cannot be read; a command checked in the build sandbox.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  type CodeDeployClient,
} from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeployHarness, type DeployHarness } from "./codedeploy-support.js";

/** A revision whose ApplicationStart hook sleeps `seconds`. */
function sleeping(seconds: number): Record<string, string> {
  return {
    "appspec.yml": `version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: sleep.sh\n      timeout: 120\n`,
    "sleep.sh": `#!/bin/sh\nsleep ${seconds}\n`,
  };
}

describe("CodeDeploy alarms as health checks", () => {
  let harness: DeployHarness;
  let cd: CodeDeployClient;
  let health: Server;
  let status = 200;
  let hits = 0;
  let healthUrl = "";

  beforeAll(async () => {
    harness = await startDeployHarness({ alarmPollMs: 300 });
    cd = harness.cd;
    health = createServer((req, res) => {
      hits++;
      req.resume();
      res.statusCode = status;
      res.end(status === 200 ? "ok\n" : "unhealthy\n");
    });
    await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
    healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await new Promise((resolve) => health?.close(resolve));
  });

  const deploy = async (groupName: string, key: string, files: Record<string, string>) => {
    const revision = await harness.upload(key, files);
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
    );
    return deploymentId!;
  };

  const whenInProgress = async (deploymentId: string) => {
    await expect
      .poll(
        async () =>
          (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo?.deploymentOverview
            ?.InProgress,
        { timeout: 20_000 },
      )
      .toBe(1);
  };

  it("stops a deployment whose health URL turns unhealthy, and rolls it back on DEPLOYMENT_STOP_ON_ALARM", async () => {
    status = 200;
    const { groupName } = await harness.fleetOf(
      1,
      {
        deploymentConfigName: "CodeDeployDefault.AllAtOnce",
        alarmConfiguration: { enabled: true, alarms: [{ name: healthUrl }] },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] },
      },
      { once: false },
    );

    // Healthy throughout: the deployment succeeds, and the URL was checked while it ran.
    hits = 0;
    const good = await deploy(groupName, "alarm-v1.tgz", sleeping(1));
    expect((await harness.finished(good)).status).toBe("Succeeded");
    expect(hits).toBeGreaterThan(0);

    // The health endpoint fails while a hook runs.
    const bad = await deploy(groupName, "alarm-v2.tgz", sleeping(20));
    await whenInProgress(bad);
    status = 500;
    const stopped = await harness.finished(bad);
    expect(stopped.status).toBe("Stopped");
    expect(stopped.errorInformation?.code).toBe("ALARM_ACTIVE");
    expect(stopped.errorInformation?.message).toContain(healthUrl);
    expect(stopped.errorInformation?.message).toContain("answered 500, expected 2xx");

    // The rollback redeploys v1; it does not watch the alarm that asked for it.
    const rollbackId = stopped.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeDefined();
    const rollback = await harness.finished(rollbackId!);
    expect(rollback).toMatchObject({
      status: "Succeeded",
      creator: "codeDeployRollback",
      revision: { s3Location: { key: "alarm-v1.tgz" } },
      rollbackInfo: { rollbackTriggeringDeploymentId: bad },
    });
    status = 200;
  });

  it("stops without rolling back when the rollback configuration does not list DEPLOYMENT_STOP_ON_ALARM", async () => {
    status = 200;
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: { enabled: true, alarms: [{ name: `${healthUrl}#204` }] },
      autoRollbackConfiguration: {
        enabled: true,
        events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
      },
    });
    // The alarm wants 204: the 200 it gets is unhealthy from the first check.
    const id = await deploy(groupName, "alarm-204.tgz", sleeping(20));
    const info = await harness.finished(id);
    expect(info.status).toBe("Stopped");
    expect(info.errorInformation).toMatchObject({ code: "ALARM_ACTIVE" });
    expect(info.errorInformation?.message).toContain("answered 200, expected 204");
    expect(info.rollbackInfo).toBeUndefined();
  });

  it("goes on when an alarm cannot be read and ignorePollAlarmFailure is true", async () => {
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: {
        enabled: true,
        ignorePollAlarmFailure: true,
        alarms: [{ name: "cpu-high" }, { name: "http://169.254.169.254/latest/meta-data/" }],
      },
    });
    const id = await deploy(groupName, "alarm-ignored.tgz", sleeping(2));
    expect((await harness.finished(id)).status).toBe("Succeeded");
  });

  it("stops when an alarm cannot be read and ignorePollAlarmFailure is false, saying what an alarm can be", async () => {
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: "cpu-high" }] },
    });
    const id = await deploy(groupName, "alarm-unread.tgz", sleeping(20));
    const info = await harness.finished(id);
    expect(info.status).toBe("Stopped");
    expect(info.errorInformation?.code).toBe("ALARM_ACTIVE");
    expect(info.errorInformation?.message).toContain('the state of alarm "cpu-high" cannot be read');
    expect(info.errorInformation?.message).toContain("http://IP:PORT/path");
    expect(info.errorInformation?.message).toContain("command:<shell command>");
  });

  it("checks the alarms CreateDeployment's overrideAlarmConfiguration names instead of the group's", async () => {
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: { enabled: true, alarms: [{ name: "cpu-high" }] },
    });
    const revision = await harness.upload("alarm-override.tgz", sleeping(1));
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: "web",
        deploymentGroupName: groupName,
        revision,
        overrideAlarmConfiguration: { enabled: true, alarms: [{ name: healthUrl }] },
      }),
    );
    expect((await harness.finished(deploymentId!)).status).toBe("Succeeded");
  });

  it("runs a command: alarm in the build sandbox, quoting the end of its output", async () => {
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: {
        enabled: true,
        alarms: [{ name: "command:echo queue depth too high >&2; exit 3" }],
      },
    });
    const id = await deploy(groupName, "alarm-command.tgz", sleeping(20));
    const info = await harness.finished(id);
    expect(info.status).toBe("Stopped");
    expect(info.errorInformation?.code).toBe("ALARM_ACTIVE");
    expect(info.errorInformation?.message).toContain("exited with 3");
    expect(info.errorInformation?.message).toContain("queue depth too high");
  });

  it("hides the server's data directory from command: alarms", async () => {
    const database = `${harness.server.dataDir}/pipewright.db`;
    expect(existsSync(database)).toBe(true);
    const { groupName } = await harness.fleetOf(1, {
      alarmConfiguration: { enabled: true, alarms: [{ name: `command:test ! -e '${database}'` }] },
    });
    const id = await deploy(groupName, "alarm-hidden.tgz", sleeping(2));
    expect((await harness.finished(id)).status).toBe("Succeeded");
  });
});
