/**
 * Where the `pipewright` commands that talk to a server find credentials, region and endpoint: as
 * the AWS CLI does, so one setup serves both, from any directory and any terminal.
 *
 * Credentials, first found wins: an explicit `--data-dir` (that server's `credentials` file); the
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`); the profile (`AWS_PROFILE`, else
 * `default`) in the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
 * `~/.aws/credentials`) and then in the config file (`AWS_CONFIG_FILE`, else `~/.aws/config`);
 * last, a server's data directory here (`PIPEWRIGHT_DATA_DIR`, else `./.pipewright`).
 * Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else us-east-1.
 * Endpoint: `--endpoint`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, else the default.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

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
  const home = env.HOME ?? homedir();
  const profile = env.AWS_PROFILE || "default";
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials");
  const configFile = env.AWS_CONFIG_FILE || path.join(home, ".aws", "config");
  const fromCredentials = readIni(credentialsFile)?.get(profile);
  const fromConfig = readIni(configFile)?.get(profile === "default" ? "default" : `profile ${profile}`);
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
    if (!existsSync(file)) return undefined;
    const keys = readIni(file)?.get("default");
    const id = keys?.get("aws_access_key_id");
    const secret = keys?.get("aws_secret_access_key");
    return id && secret ? done({ id, secret, region: keys?.get("region") }, file) : undefined;
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
    `no credentials found; looked at: ${tried.join("; ")}. Set AWS_SHARED_CREDENTIALS_FILE to the ` +
      `server's credentials file (it prints the line at start), or pass --data-dir`,
  );
}
