import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors.js";

const SSH_PORT_RULE = "must be a port (1-65535), 0 for any free port, or off";

/**
 * Server configuration, read once at start-up from command-line flags and `PIPEWRIGHT_*` variables
 * (flags win) and validated here. Every setting has its default beside it.
 */
export const ServerConfigSchema = z.object({
  /** TCP port of the one HTTP endpoint (APIs, git, console). Default 4280; 0 picks a free port. */
  port: z.coerce.number().int().min(0).max(65535).default(4280),
  /**
   * TCP port of git over SSH (`ssh://<SSH key id>@host:<port>/v1/repos/<name>`). Default 2222; 0
   * picks a free port; `off` (or -1) runs no SSH listener.
   */
  sshPort: z
    .preprocess(
      (v) => {
        if (typeof v !== "string") return v;
        if (/^(off|none|disabled?|false)$/i.test(v.trim())) return -1;
        return /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      },
      z.number({ error: SSH_PORT_RULE }).int(SSH_PORT_RULE).min(-1, SSH_PORT_RULE).max(65535, SSH_PORT_RULE),
    )
    .default(2222),
  /** Address to listen on. Default 127.0.0.1; use 0.0.0.0 to serve runners and agents on other machines. */
  host: z.string().min(1).default("127.0.0.1"),
  /** Where the database, blobs, master key and credentials live. Default `./.pipewright`. */
  dataDir: z.string().min(1).default(".pipewright"),
  /** `postgres://…` to use PostgreSQL; unset means SQLite at `<dataDir>/pipewright.db`. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  /** The 12-digit account id in ARNs and responses. Default 000000000000. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, "must be 12 digits")
    .default("000000000000"),
  /** The region in ARNs and responses. Default us-east-1. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must look like us-east-1")
    .default("us-east-1"),
  /** Base64 of a 32-byte master key; unset means `<dataDir>/master.key`, created on first start. */
  masterKey: z.string().optional(),
  /** pino log level. Default info. */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest body accepted by the JSON and Query protocols, in bytes. Default 16 MiB. */
  maxRequestBodyBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** Largest clock skew of a signed request, in seconds, as AWS allows. Default 900 (15 minutes). */
  maxClockSkewSeconds: z.coerce.number().int().positive().default(900),
  /** Builds the embedded runner runs at once; more wait in QUEUED. Default the number of CPU cores. */
  buildConcurrency: z.coerce.number().int().positive().default(availableParallelism()),
  /**
   * What isolates builds: "bubblewrap" (default), which builds then require — where it cannot run
   * they fail saying why — or "process", plain processes of the server's user with no isolation at
   * all, for a machine whose every buildspec author is trusted.
   */
  buildSandbox: z.enum(["bubblewrap", "process"]).default("bubblewrap"),
  /** Most processes (threads included) one build may run at once. Default 4096. */
  buildMaxProcesses: z.coerce.number().int().min(64).default(4096),
  /**
   * Hours that delivered events, markers of handled events and dead queue jobs are kept before a
   * background sweep deletes them, 500 rows at a time. Default 168 (7 days): long enough to debug a
   * delivery, replay a subscriber after an outage or read last week's history; short enough that a
   * busy server's event table stays small (each build emits about a dozen events of ~2 KB). 0
   * deletes them as soon as every subscriber has handled them. An event a subscriber has not
   * handled is never deleted. Builds, pipeline executions, deployments and logs are not history
   * in this sense: they are kept until deleted through their own APIs (BatchDeleteBuilds, say).
   */
  eventRetentionHours: z.coerce.number().min(0).default(168),
  /**
   * Development: a botocore `data` directory. When set, every JSON and Query response is checked
   * against the service's output shape there, and one that does not match is answered as a 500
   * naming the difference. The test suite runs with it.
   */
  responseShapes: z.string().optional(),
});

export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

const ENV_NAMES: Record<keyof ServerConfig, string> = {
  port: "PIPEWRIGHT_PORT",
  sshPort: "PIPEWRIGHT_SSH_PORT",
  host: "PIPEWRIGHT_HOST",
  dataDir: "PIPEWRIGHT_DATA_DIR",
  databaseUrl: "PIPEWRIGHT_DATABASE_URL",
  accountId: "PIPEWRIGHT_ACCOUNT_ID",
  region: "PIPEWRIGHT_REGION",
  masterKey: "PIPEWRIGHT_MASTER_KEY",
  logLevel: "PIPEWRIGHT_LOG_LEVEL",
  maxRequestBodyBytes: "PIPEWRIGHT_MAX_REQUEST_BODY_BYTES",
  maxClockSkewSeconds: "PIPEWRIGHT_MAX_CLOCK_SKEW_SECONDS",
  buildConcurrency: "PIPEWRIGHT_BUILD_CONCURRENCY",
  buildSandbox: "PIPEWRIGHT_BUILD_SANDBOX",
  buildMaxProcesses: "PIPEWRIGHT_BUILD_MAX_PROCESSES",
  eventRetentionHours: "PIPEWRIGHT_EVENT_RETENTION_HOURS",
  responseShapes: "PIPEWRIGHT_RESPONSE_SHAPES",
};

/**
 * Builds the configuration from `flags` (already parsed; undefined means not given) over the
 * environment. Throws {@link ConfigError} naming each bad setting and where it came from.
 */
export function loadServerConfig(
  flags: ServerConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const value = env[envName];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined) raw[key] = value;
  }
  const parsed = ServerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const source =
        key in flags && flags[key as keyof ServerConfigInput] !== undefined
          ? `--${kebab(key)}`
          : (ENV_NAMES[key as keyof ServerConfig] ?? key);
      return `${source}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
