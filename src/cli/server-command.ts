import path from "node:path";
import type { Command } from "commander";
import type { RunningServer } from "../http/server.js";

/** `pipewright server`: the control plane on one HTTP port. */
export function registerServerCommand(program: Command): void {
  program
    .command("server")
    .description("run the Pipewright server: every API on one port, with an embedded build runner")
    .option("-p, --port <port>", "HTTP port (env PIPEWRIGHT_PORT)", undefined)
    .option(
      "--ssh-port <port>",
      "git over SSH port (env PIPEWRIGHT_SSH_PORT; default 2222; 0 picks a free port; off disables it)",
    )
    .option("--host <address>", "address to listen on (env PIPEWRIGHT_HOST; default 127.0.0.1)")
    .option("-d, --data-dir <dir>", "data directory (env PIPEWRIGHT_DATA_DIR; default ./.pipewright)")
    .option("--account-id <id>", "12-digit account id (env PIPEWRIGHT_ACCOUNT_ID; default 000000000000)")
    .option("--region <region>", "region (env PIPEWRIGHT_REGION; default us-east-1)")
    .action(async (flags: Record<string, string | undefined>) => {
      const started = performance.now();
      // Loaded here, not at the top: its schema (zod) is for the server only.
      const { loadServerConfig } = await import("../core/config.js");
      const config = loadServerConfig({
        port: flags.port,
        sshPort: flags.sshPort,
        host: flags.host,
        dataDir: flags.dataDir,
        accountId: flags.accountId,
        region: flags.region,
      });
      // Handlers go in before anything is printed: a signal that arrives while the server starts
      // (or right after the banner) must still shut it down cleanly, never kill it mid-write.
      const state: { server?: RunningServer; signal?: string } = {};
      const shutDown = (server: RunningServer, signal: string) => {
        process.stdout.write(`\n${signal}: shutting down\n`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      const onSignal = (signal: string) => {
        if (state.signal) return;
        state.signal = signal;
        if (state.server) shutDown(state.server, signal);
      };
      process.once("SIGINT", () => onSignal("SIGINT"));
      process.once("SIGTERM", () => onSignal("SIGTERM"));
      // Loaded here, not at the top: `pipewright build` and `--help` should not pay for the server.
      const { startServer } = await import("../http/server.js");
      const server = await startServer(config);
      state.server = server;
      if (state.signal) return shutDown(server, state.signal);
      printBanner(server, performance.now() - started);
    });
}

function printBanner(server: RunningServer, ms: number): void {
  const { url, credentialsFile, config } = server;
  const lines = [
    `Pipewright is running at ${url} (ready in ${Math.round(ms)} ms)`,
    `  data:        ${config.dataDir}${config.databaseUrl ? ` (database: PostgreSQL)` : " (database: SQLite)"}`,
    `  credentials: ${credentialsFile} (root user${server.credentials.created ? ", created now" : ""})`,
    `  account:     ${config.accountId}  region: ${config.region}`,
    server.ssh
      ? `  git ssh:     ${server.ssh.url} (user: an IAM SSH public key id; host key ${server.ssh.hostKeyFingerprint})`
      : "  git ssh:     off (--ssh-port <port> turns it on)",
    "",
    "Open the console in a browser (a one-time sign-in link, valid for 10 minutes; afterwards sign in",
    `at ${server.console.url} with the access key in ${credentialsFile}):`,
    `  ${server.console.signInLink()}`,
    "",
    "Point the AWS CLI at it, for every terminal (writes profile pipewright to ~/.aws; `npm link`",
    "in the clone puts pipewright on your PATH):",
    `  pipewright configure --data-dir ${shellWord(path.resolve(config.dataDir))}`,
    "  export AWS_PROFILE=pipewright",
    `  aws --endpoint-url ${url} sts get-caller-identity`,
    "",
    `Git over HTTP is at ${url}/v1/repos/<name>; to let the AWS CLI sign git in (once):`,
    `  git config --global credential.${url}.helper '!f() { test "$1" = get && aws --profile pipewright codecommit credential-helper --ignore-host-check get; }; f'`,
    `  git config --global credential.${url}.UseHttpPath true`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

/** `word` as one shell word: as it is when that is safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
