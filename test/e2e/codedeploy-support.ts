import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListOnPremisesInstancesCommand,
  type CreateDeploymentGroupInput,
  type DeploymentInfo,
  type RevisionLocation,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "vitest";
import { runAgent, type AgentResult } from "../../src/agent/index.js";
import type { TestServer } from "../support/server.js";

const ROLE = "arn:aws:iam::000000000000:role/codedeploy";

/** A gzipped tar bundle of `files` (path → content; `.sh` files are made executable), as `tar -C dir .` writes it. */
export function tgzOf(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "pw-bundle-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), content);
      if (path.endsWith(".sh")) chmodSync(join(dir, path), 0o755);
    }
    return execFileSync("tar", ["-czf", "-", "-C", dir, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An agent of a test fleet: its instance name, root directory, outcome and log lines. */
export interface TestAgent {
  name: string;
  root: string;
  done: Promise<AgentResult>;
  log: string[];
}

/** What deployment tests stand on: clients of a server, a bucket for bundles, an application. */
export interface DeployBench {
  cd: CodeDeployClient;
  s3: S3Client;
  /** The application every fleet's group belongs to. */
  application: string;
  /**
   * A deployment group over `count` new agents tagged `fleet=<n>`; resolves when all of them are
   * registered with their tags. Each agent runs one deployment and exits, unless `once` is false:
   * then it runs until `close`.
   */
  fleetOf(
    count: number,
    group?: Partial<CreateDeploymentGroupInput>,
    options?: { once?: boolean },
  ): Promise<{ groupName: string; tag: string; agents: TestAgent[] }>;
  /** Uploads a tgz bundle of `files` to the bundles bucket; returns it as a revision. */
  upload(key: string, files: Record<string, string>): Promise<RevisionLocation>;
  /** The deployment once it has ended (its completeTime set). */
  finished(deploymentId: string): Promise<DeploymentInfo>;
  /** Ends every agent still polling, closes the clients and removes the agents' directories. */
  close(): void;
}

/** Creates the bundles bucket and the application `web` on `server`, and the helpers around them. */
export async function startDeployBench(server: TestServer): Promise<DeployBench> {
  const cd = new CodeDeployClient(server.clientConfig);
  const s3 = new S3Client(server.clientConfig);
  const application = "web";
  const bucket = "bundles";
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await cd.send(new CreateApplicationCommand({ applicationName: application }));
  const roots: string[] = [];
  const agentsDone = new AbortController();
  let fleet = 0;

  return {
    cd,
    s3,
    application,
    async fleetOf(count, group = {}, options = {}) {
      const tag = `f${++fleet}`;
      const groupName = `group-${tag}`;
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: application,
          deploymentGroupName: groupName,
          serviceRoleArn: ROLE,
          onPremisesInstanceTagFilters: [{ Key: "fleet", Value: tag, Type: "KEY_AND_VALUE" }],
          ...group,
        }),
      );
      const agents: TestAgent[] = [];
      for (let i = 1; i <= count; i++) {
        const root = mkdtempSync(join(tmpdir(), "pw-agent-"));
        roots.push(root);
        const log: string[] = [];
        const name = `${tag}-host-${i}`;
        const done = runAgent({
          endpoint: server.url,
          key: { ...server.clientConfig.credentials, region: server.clientConfig.region },
          name,
          tags: [{ Key: "fleet", Value: tag }],
          root,
          once: options.once ?? true,
          signal: agentsDone.signal,
          heartbeatMs: 500,
          log: (line) => log.push(line),
        });
        agents.push({ name, root, done, log });
      }
      await expect
        .poll(
          async () =>
            (
              await cd.send(
                new ListOnPremisesInstancesCommand({
                  tagFilters: [{ Key: "fleet", Value: tag, Type: "KEY_AND_VALUE" }],
                }),
              )
            ).instanceNames?.length,
          { timeout: 20_000 },
        )
        .toBe(count);
      return { groupName, tag, agents };
    },
    async upload(key, files) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: tgzOf(files) }));
      return { revisionType: "S3", s3Location: { bucket, key, bundleType: "tgz" } };
    },
    async finished(deploymentId) {
      let info: DeploymentInfo | undefined;
      await expect
        .poll(
          async () => {
            info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
            return info?.completeTime !== undefined;
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe(true);
      return info!;
    },
    close() {
      agentsDone.abort();
      cd.destroy();
      s3.destroy();
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    },
  };
}
