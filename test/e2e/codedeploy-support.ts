import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeDeployClient, ListOnPremisesInstancesCommand } from "@aws-sdk/client-codedeploy";
import { vi } from "vitest";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import { freePort } from "../support/postgres.js";
import type { TestServer } from "../support/server.js";

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

/**
 * A revision of a small web app: it answers with its version and instance; its hooks stop it,
 * start it and check that it answers (`validateExit` other than 0 makes ValidateService fail).
 * Each agent's environment says where its app listens (APP_PORT) and keeps its pid (PID_FILE).
 */
export function shopFiles(version: string, options: { validateExit?: number } = {}): Record<string, string> {
  const validateExit = options.validateExit ?? 0;
  return {
    "appspec.yml": [
      "version: 0.0",
      "os: linux",
      "hooks:",
      "  ApplicationStop:",
      "    - location: scripts/stop.sh",
      "  ApplicationStart:",
      "    - location: scripts/start.sh",
      "  ValidateService:",
      "    - location: scripts/validate.sh",
      "      timeout: 20",
      "",
    ].join("\n"),
    "app/server.js": [
      'const http = require("node:http");',
      "http.createServer((req, res) => {",
      "  req.resume();",
      '  req.on("end", () => {',
      `    res.setHeader("x-target", process.env.INSTANCE);`,
      `    res.end("${version} " + process.env.INSTANCE + "\\n");`,
      "  });",
      '}).listen(Number(process.env.APP_PORT), "127.0.0.1");',
      "",
    ].join("\n"),
    "scripts/stop.sh":
      '#!/bin/sh\nif [ -f "$PID_FILE" ]; then kill "$(cat "$PID_FILE")" 2>/dev/null; rm -f "$PID_FILE"; fi\nsleep 0.2\n',
    "scripts/start.sh": `#!/bin/sh\nnohup node "$PWD/app/server.js" > /dev/null 2>&1 < /dev/null &\necho $! > "$PID_FILE"\n`,
    "scripts/validate.sh": [
      "#!/bin/sh",
      ...(validateExit !== 0 ? [`echo "version ${version} is broken"`, `exit ${validateExit}`] : []),
      "for i in $(seq 1 100); do",
      `  node -e 'require("node:http").get("http://127.0.0.1:"+process.env.APP_PORT, r => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' && exit 0`,
      "  sleep 0.1",
      "done",
      "echo app did not answer; exit 1",
      "",
    ].join("\n"),
  };
}

/** `pipewright agent` processes serving shopFiles' app, each with its own root, app port and pid file. */
export interface ShopFleet {
  names: string[];
  /** Stops the agents and the apps their hooks started. */
  stop(): Promise<void>;
}

/**
 * Starts `count` agents named `<prefix>-1…` with tags `role=<role>` and their app address, against
 * `server`, and waits until all are registered.
 */
export async function startShopFleet(
  server: TestServer,
  work: string,
  options: { prefix: string; role: string; count: number },
): Promise<ShopFleet> {
  const agents: CliProcess[] = [];
  const pidFiles: string[] = [];
  const names: string[] = [];
  for (let i = 1; i <= options.count; i++) {
    const name = `${options.prefix}-${i}`;
    const appPort = await freePort();
    const root = join(work, name);
    mkdirSync(root);
    const pidFile = join(work, `${name}.pid`);
    pidFiles.push(pidFile);
    names.push(name);
    const args = ["agent", "--endpoint", server.url, "--name", name, "--root", root];
    agents.push(
      spawnPipewright([...args, "--tags", `role=${options.role},pipewright:app=127.0.0.1:${appPort}`], {
        AWS_ACCESS_KEY_ID: server.clientConfig.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.clientConfig.credentials.secretAccessKey,
        AWS_REGION: server.clientConfig.region,
        APP_PORT: String(appPort),
        INSTANCE: name,
        PID_FILE: pidFile,
      }),
    );
  }
  const cd = new CodeDeployClient(server.clientConfig);
  try {
    // Not expect.poll: fleets start in beforeAll hooks too.
    await vi.waitFor(
      async () => {
        const { instanceNames } = await cd.send(
          new ListOnPremisesInstancesCommand({
            tagFilters: [{ Key: "role", Value: options.role, Type: "KEY_AND_VALUE" }],
          }),
        );
        if (instanceNames?.length !== options.count) {
          throw new Error(`${instanceNames?.length ?? 0} of ${options.count} agents registered`);
        }
      },
      { timeout: 30_000, interval: 100 },
    );
  } finally {
    cd.destroy();
  }
  return {
    names,
    async stop() {
      for (const agent of agents) agent.child.kill("SIGTERM");
      await Promise.all(agents.map((a) => a.exited));
      for (const file of pidFiles) {
        try {
          process.kill(Number(readFileSync(file, "utf8")), "SIGTERM");
        } catch {
          // Not running.
        }
      }
    },
  };
}
