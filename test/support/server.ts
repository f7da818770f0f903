import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { inject } from "vitest";
import { createLogger, loadServerConfig, type ServerConfigInput } from "../../src/core/index.js";
import { startServer, type RunningServer, type StartServerOptions } from "../../src/http/server.js";
import { freshPostgresDatabase, tempDir } from "./stores.js";

/** A server for one test file, with what an AWS client needs to reach it. */
export interface TestServer extends RunningServer {
  /** Client settings for `@aws-sdk/client-*`: endpoint, region, credentials. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
  };
  dataDir: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts a real server on 127.0.0.1 with a random port and a temporary data directory.
 * `dialect: "postgres"` gives it a fresh PostgreSQL database of the run's server.
 */
export async function startTestServer(
  options: {
    dialect?: "sqlite" | "postgres";
    config?: ServerConfigInput;
    /** Options of `startServer` besides the logger (e.g. the build engine `runBuild`). */
    server?: Omit<StartServerOptions, "logger">;
  } = {},
): Promise<TestServer> {
  const tmp = tempDir("pipewright-server-");
  const databaseUrl = options.dialect === "postgres" ? await freshPostgresDatabase() : undefined;
  const config = loadServerConfig(
    {
      port: 0,
      sshPort: 0,
      dataDir: tmp.dir,
      databaseUrl,
      responseShapes: process.env.PIPEWRIGHT_RESPONSE_SHAPES,
      ...options.config,
    },
    {},
  );
  const server = await startServer(config, {
    ...options.server,
    logger: createLogger({ level: process.env.PIPEWRIGHT_TEST_LOG ?? "silent" }),
  });
  return {
    ...server,
    dataDir: tmp.dir,
    clientConfig: {
      endpoint: server.url,
      region: config.region,
      credentials: {
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: server.credentials.secretAccessKey,
      },
      forcePathStyle: true,
    },
    async stop() {
      await server.close();
      tmp.remove();
    },
  };
}

/** The AWS CLI v2 binary: Debian's `/usr/bin/aws` (an older v1 may shadow it on PATH). */
export const AWS_CLI = process.env.PIPEWRIGHT_TEST_AWS_CLI ?? "/usr/bin/aws";

/** True when the AWS CLI v2 is installed. */
export function hasAwsCli(): boolean {
  return existsSync(AWS_CLI);
}

const execFileAsync = promisify(execFile);

/**
 * The environment the AWS CLI gets in tests: the server's root key and region, and nothing from
 * the machine's own AWS configuration.
 */
export function awsCliEnv(server: TestServer): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: server.dataDir,
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: server.config.region,
    AWS_PAGER: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

/** Result of one AWS CLI call. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the AWS CLI against `server` with its root credentials; never throws on a non-zero exit. */
export async function awsCli(
  server: TestServer,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(
      AWS_CLI,
      ["--endpoint-url", server.url, "--output", "json", ...args],
      {
        cwd: options.cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...awsCliEnv(server),
          ...options.env,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Whether the run has a PostgreSQL server. */
export function hasPostgres(): boolean {
  return inject("pgUrl") !== "";
}
