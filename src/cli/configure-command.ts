import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import {
  awsConfigFiles,
  configSection,
  DEFAULT_ENDPOINT,
  PIPEWRIGHT_PROFILE,
  serverCredentials,
  withIniSection,
} from "./aws-config.js";
import { signedHeaders } from "../core/signed-request.js";

interface ConfigureFlags {
  dataDir?: string;
  profile: string;
  endpointUrl?: string;
}

/**
 * `pipewright configure`: writes a profile for a server into the AWS CLI's own files (as
 * `aws configure --profile` would), so the AWS CLI, git's credential helper, the SDKs and the
 * `pipewright` commands find it from any directory and in every new terminal — unlike an exported
 * AWS_SHARED_CREDENTIALS_FILE, which lives as long as the shell that exported it.
 */
export function registerConfigureCommand(program: Command): void {
  program
    .command("configure")
    .description(
      `write a profile for a Pipewright server to the AWS CLI's files (~/.aws/credentials and ` +
        `~/.aws/config): its root key, region and endpoint`,
    )
    .option(
      "-d, --data-dir <dir>",
      "the server's data directory (env PIPEWRIGHT_DATA_DIR; default ./.pipewright)",
    )
    .option("--profile <name>", "the profile to write", PIPEWRIGHT_PROFILE)
    .option(
      "--endpoint-url <url>",
      `the server's URL (default: that of the server running on the data directory, else ${DEFAULT_ENDPOINT})`,
    )
    .action(async (flags: ConfigureFlags) => {
      try {
        await configure(flags);
      } catch (err) {
        process.stderr.write(`pipewright configure: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}

async function configure(flags: ConfigureFlags): Promise<void> {
  const profile = flags.profile;
  // The name goes into `[profile <name>]`: nothing that could close the bracket or start a line.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(profile)) {
    throw new Error(
      `--profile must be letters, digits, '.', '_' or '-' (up to 64), got ${JSON.stringify(profile)}`,
    );
  }
  const dataDir = path.resolve(flags.dataDir ?? process.env.PIPEWRIGHT_DATA_DIR ?? ".pipewright");
  const keys = serverCredentials(dataDir);
  if (!keys) {
    throw new Error(
      `no server key in ${path.join(dataDir, "credentials")} (missing, or not readable by you): run ` +
        `this in the directory where you started \`pipewright server\`, or pass --data-dir with the ` +
        `data directory it printed at start`,
    );
  }
  const { runningServerUrl } = await import("../http/data-dir.js");
  const running = runningServerUrl(dataDir);
  const endpoint = endpointUrl(flags.endpointUrl ?? running ?? DEFAULT_ENDPOINT);
  const region = keys.region ?? "us-east-1";
  if (!/^[a-z0-9-]{1,32}$/.test(region))
    throw new Error(`the region in ${dataDir}/credentials is not a region: ${region}`);

  const { credentialsFile, configFile } = awsConfigFiles();
  updateIniFile(credentialsFile, profile, { aws_access_key_id: keys.id, aws_secret_access_key: keys.secret });
  updateIniFile(configFile, configSection(profile), { region, endpoint_url: endpoint });

  const lines = [
    `Wrote profile ${profile}: the root user of ${endpoint} (region ${region}), to`,
    `  ${credentialsFile}`,
    `  ${configFile}`,
  ];
  if (!flags.endpointUrl && !running) {
    lines.push(`No server is running on ${dataDir} now; assumed ${endpoint} (--endpoint-url sets another).`);
  }
  const identity = await callerIdentity(endpoint, {
    accessKeyId: keys.id,
    secretAccessKey: keys.secret,
    region,
  });
  lines.push(
    identity.ok ? `Checked: the server answers as ${identity.arn}.` : `Not checked: ${identity.reason}.`,
    "",
    `The AWS CLI and SDKs use it with AWS_PROFILE=${profile} (or --profile ${profile}): run`,
    `  export AWS_PROFILE=${profile}`,
    `in each terminal, or add that line to your shell's startup file (~/.bashrc). git's credential`,
    `helper and the pipewright commands find it without that.`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** `url` when it is an http(s) URL with nothing after the host and port, else a clear error. */
function endpointUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--endpoint-url must be a URL such as ${DEFAULT_ENDPOINT}, got ${JSON.stringify(url)}`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password || /\s/.test(url)) {
    throw new Error(
      `--endpoint-url must be an http:// or https:// URL such as ${DEFAULT_ENDPOINT}, got ${JSON.stringify(url)}`,
    );
  }
  return parsed.origin;
}

/** Rewrites one section of an INI file of the AWS CLI, creating the file (0600) and its directory. */
function updateIniFile(file: string, section: string, entries: Record<string, string>): void {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  }
  writeFileSync(file, withIniSection(text, section, entries), { mode: 0o600 });
}

/** STS GetCallerIdentity against the server, to say whether the profile works. */
async function callerIdentity(
  endpoint: string,
  key: { accessKeyId: string; secretAccessKey: string; region: string },
): Promise<{ ok: true; arn: string } | { ok: false; reason: string }> {
  const url = new URL("/", endpoint);
  const body = "Action=GetCallerIdentity&Version=2011-06-15";
  const headers = await signedHeaders(url, key, "sts", {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  try {
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
    if (response.ok && arn) return { ok: true, arn };
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    return { ok: false, reason: `${endpoint} answered ${response.status}${code ? ` ${code}` : ""}` };
  } catch (err) {
    return {
      ok: false,
      reason: `cannot reach ${endpoint} (${(err as { cause?: Error }).cause?.message ?? String(err)})`,
    };
  }
}
