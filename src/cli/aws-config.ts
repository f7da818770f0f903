import type { Command } from "commander";
/**
 * Where the `pipewright` commands that talk to a server find credentials, region and endpoint: as
 * the AWS CLI does, so one setup serves both, from any directory and any terminal.
 *
 * Credentials, first found wins: an explicit `--data-dir` (that server's `credentials` file); the
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`); the profile in the shared credentials
 * file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) and then in the config file
 * (`AWS_CONFIG_FILE`, else `~/.aws/config`) — `AWS_PROFILE`, else the `pipewright` profile that
 * `pipewright configure` writes when there is one, else `default`; last, a server's data directory
 * here (`PIPEWRIGHT_DATA_DIR`, else `./.pipewright`).
 * Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else us-east-1.
 * Endpoint: `--endpoint`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, else the default.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** Default server endpoint: `pipewright server`'s default address and port. */
export const DEFAULT_ENDPOINT = "http://127.0.0.1:4280";

export interface ResolvedAws {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  endpoint: string;
  /** Where the credentials came from, for messages. */
  source: string;
}

/** Sections of an INI file (AWS's flavour): `[name]` then `key = value` lines. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const pair = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (pair && current) current.set(pair[1]!.toLowerCase(), pair[2]!.trim());
  }
  return sections;
}

function readIni(file: string): Map<string, Map<string, string>> | undefined {
  try {
    return parseIni(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Resolves credentials, region and endpoint.
 * @throws Error listing every place looked at when no credentials are found.
 */
export function resolveAws(
  options: { dataDir?: string; endpoint?: string; defaultEndpoint: string },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedAws {
  const { credentialsFile, configFile } = awsConfigFiles(env);
  const credentialsIni = readIni(credentialsFile);
  const configIni = readIni(configFile);
  const profile =
    env.AWS_PROFILE ||
    (credentialsIni?.has(PIPEWRIGHT_PROFILE) || configIni?.has(configSection(PIPEWRIGHT_PROFILE))
      ? PIPEWRIGHT_PROFILE
      : "default");
  const fromCredentials = credentialsIni?.get(profile);
  const fromConfig = configIni?.get(configSection(profile));
  const setting = (key: string) => fromCredentials?.get(key) || fromConfig?.get(key) || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || setting("region");
  const endpoint =
    options.endpoint || env.AWS_ENDPOINT_URL || setting("endpoint_url") || options.defaultEndpoint;
  const done = (keys: { id?: string; secret?: string; region?: string }, source: string): ResolvedAws => ({
    accessKeyId: keys.id!,
    secretAccessKey: keys.secret!,
    region: region ?? keys.region ?? "us-east-1",
    endpoint,
    source,
  });

  const tried: string[] = [];
  const dataDirKeys = (dir: string): ResolvedAws | undefined => {
    const file = path.join(dir, "credentials");
    tried.push(file);
    const keys = serverCredentials(dir);
    return keys && done(keys, file);
  };
  if (options.dataDir !== undefined) {
    const found = dataDirKeys(options.dataDir);
    if (found) return found;
    throw new Error(`no credentials: ${tried[0]} does not exist or holds no keys (--data-dir)`);
  }
  tried.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return done({ id: env.AWS_ACCESS_KEY_ID, secret: env.AWS_SECRET_ACCESS_KEY }, "the environment");
  }
  for (const [file, keys] of [
    [credentialsFile, fromCredentials],
    [configFile, fromConfig],
  ] as const) {
    tried.push(`profile ${profile} in ${file}`);
    const id = keys?.get("aws_access_key_id");
    const secret = keys?.get("aws_secret_access_key");
    if (id && secret) return done({ id, secret }, `profile ${profile} in ${file}`);
  }
  const found = dataDirKeys(env.PIPEWRIGHT_DATA_DIR || ".pipewright");
  if (found) return found;
  throw new Error(
    `no credentials found; looked at: ${tried.join("; ")}. Run \`pipewright configure\` once ` +
      `(the server prints the command at start), or pass --data-dir`,
  );
}

/** The root user's key that a server wrote to `<dataDir>/credentials`, if it is there. */
export function serverCredentials(
  dataDir: string,
): { id: string; secret: string; region?: string } | undefined {
  const keys = readIni(path.join(dataDir, "credentials"))?.get("default");
  const id = keys?.get("aws_access_key_id");
  const secret = keys?.get("aws_secret_access_key");
  return id && secret
    ? { id, secret, ...(keys?.has("region") ? { region: keys.get("region")! } : {}) }
    : undefined;
}

/** The profile `pipewright configure` writes, and the one the commands prefer when AWS_PROFILE is unset. */
export const PIPEWRIGHT_PROFILE = "pipewright";

/** The AWS CLI's shared credentials and config files, as it finds them. */
export function awsConfigFiles(env: NodeJS.ProcessEnv = process.env): {
  credentialsFile: string;
  configFile: string;
} {
  const home = env.HOME ?? homedir();
  return {
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials"),
    configFile: env.AWS_CONFIG_FILE || path.join(home, ".aws", "config"),
  };
}

/** A profile's section name in the config file (`[profile x]`, but `[default]`). */
export function configSection(profile: string): string {
  return profile === "default" ? "default" : `profile ${profile}`;
}

/**
 * `text` (an INI file) with `section` holding `entries`: keys it has are replaced in place, missing
 * ones added at the section's end, a missing section appended. Everything else — other sections,
 * other keys of this one, comments — is kept as it was.
 */
export function withIniSection(text: string, section: string, entries: Record<string, string>): string {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  const header = (line: string) => /^\s*\[\s*(.+?)\s*\]\s*$/.exec(line)?.[1];
  const start = lines.findIndex((line) => header(line) === section);
  const render = (key: string) => `${key} = ${entries[key]}`;
  if (start < 0) {
    if (lines.length > 0 && lines.at(-1)!.trim() !== "") lines.push("");
    lines.push(`[${section}]`, ...Object.keys(entries).map(render));
    return `${lines.join("\n")}\n`;
  }
  let end = lines.findIndex((line, i) => i > start && header(line) !== undefined);
  if (end < 0) end = lines.length;
  const missing = new Set(Object.keys(entries));
  for (let i = start + 1; i < end; i++) {
    const key = /^\s*([A-Za-z0-9_.-]+)\s*=/.exec(lines[i]!)?.[1]?.toLowerCase();
    if (key !== undefined && missing.has(key)) {
      lines[i] = render(key);
      missing.delete(key);
    }
  }
  let last = end;
  while (last > start + 1 && lines[last - 1]!.trim() === "") last--;
  lines.splice(last, 0, ...[...missing].map(render));
  return `${lines.join("\n")}\n`;
}

/** The options every command that talks to a server takes: where it is, and whose key signs. */
export function serverOptions(command: Command): Command {
  return command
    .option(
      "--endpoint <url>",
      `server URL (default AWS_ENDPOINT_URL, the profile's endpoint_url, or ${DEFAULT_ENDPOINT})`,
    )
    .option(
      "-d, --data-dir <dir>",
      "sign with this server data directory's `credentials` file (default: credentials as the " +
        "AWS CLI finds them, then ./.pipewright)",
    );
}

/** Runs a command's work and exits with its code once stdout is flushed; an error is one line. */
export async function exitWith(work: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await work();
  } catch (err) {
    process.stderr.write(`pipewright: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}
