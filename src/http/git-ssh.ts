import type { AddressInfo } from "node:net";
import ssh2, {
  type AuthenticationType,
  type Connection,
  type PublicKeyAuthContext,
  type Session,
} from "ssh2";
import { ConfigError, type Logger } from "../core/index.js";
import { TooManyAttemptsError, type AuthThrottle } from "./auth-throttle.js";
import type { Store } from "../platform/store/index.js";
import type { CodeCommitGit } from "../services/codecommit/index.js";
import { findActiveSshPublicKey } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import { loadOrCreateHostKey } from "./git-ssh-host-key.js";
import { runGitExec } from "./git-ssh-session.js";

/** What the git SSH server needs. */
export interface GitSshDeps {
  store: Store;
  codecommit: CodeCommitGit;
  accountId: string;
  region: string;
  /** The host key lives here (`ssh_host_ed25519_key`). */
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Milliseconds a connection has to authenticate; default 60 000. */
  authTimeoutMs?: number;
  /** Failed authentications per source slow that source's next attempts (shared with HTTP). */
  throttle: AuthThrottle;
}

/** A listening git SSH server. */
export interface GitSshServer {
  port: number;
  /** `SHA256:…` of the host key, as `ssh` shows it on first contact. */
  hostKeyFingerprint: string;
  /** Stops listening, ends every connection (and its git) and waits for pushes to be recorded. */
  close(): Promise<void>;
}

/**
 * Thrown when the SSH port cannot be listened on; the message names the port and the flag, and
 * the command prints it as it prints any other unusable setting.
 */
export class SshListenError extends ConfigError {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "SshListenError";
  }
}

/** Rejected sign-in attempts after which a connection is dropped (OpenSSH's MaxAuthTries is 6). */
const MAX_AUTH_FAILURES = 10;

/**
 * Git over SSH, as CodeCommit serves it: `ssh://<SSH key id>@host:port/v1/repos/<name>`. The SSH
 * user name is the id of an IAM SSH public key (UploadSSHPublicKey); the client must hold its
 * private half (publickey authentication only, the signature checked) and the key must be Active.
 * A session may run `git-upload-pack` or `git-receive-pack` on one repository and nothing else:
 * no shell, no pty, no port forwarding, no agent or X11 forwarding (ssh2 refuses every request
 * nobody listens for).
 */
export async function startGitSshServer(deps: GitSshDeps): Promise<GitSshServer> {
  const hostKey = loadOrCreateHostKey(deps.dataDir);
  const connections = new Set<Connection>();
  const work = new Set<Promise<void>>();
  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: "Pipewright" }, (client, info) => {
    connections.add(client);
    const log = deps.logger.child({ ssh: `${info.ip}:${info.port}` });
    let principal: Principal | undefined;
    let failures = 0;
    let unknownUser: string | undefined;
    let closed = false;
    const authTimer = setTimeout(() => client.end(), deps.authTimeoutMs ?? 60_000);
    client.on("error", (err) => log.debug({ err }, "SSH connection error"));
    client.on("close", () => {
      closed = true;
      clearTimeout(authTimer);
      connections.delete(client);
    });
    client.on("authentication", (ctx) => {
      const reject = (methods: AuthenticationType[] = ["publickey"]) => {
        failures += 1;
        deps.throttle.failed(info.ip);
        ctx.reject(methods);
        if (failures >= MAX_AUTH_FAILURES) client.end();
      };
      // A user name that is no SSH key id ("git", "root") gets told what to use instead: OpenSSH
      // shows the instructions of a keyboard-interactive request, so one is sent with no prompts.
      if (ctx.method === "keyboard-interactive" && unknownUser !== undefined) {
        const user = unknownUser;
        return void ctx.prompt([], "Pipewright", wrongUserMessage(user), () => ctx.reject(["publickey"]));
      }
      // "none" is how a client asks which methods exist: not a guess.
      if (ctx.method !== "publickey") return void ctx.reject(["publickey"]);
      deps.throttle
        .before(info.ip)
        .then(() => checkPublicKey(deps.store, ctx))
        .then(
          (verdict) => {
            // The client may have gone while the key was looked up.
            if (closed) return;
            if (verdict === "unknown-user") {
              // Not a guess at anyone's key (no user has that name): told, not slowed.
              unknownUser = ctx.username;
              ctx.reject(["publickey", "keyboard-interactive"]);
              if (++failures >= MAX_AUTH_FAILURES) client.end();
              return;
            }
            if (verdict === "reject") return reject();
            if (verdict !== "key-ok") principal = verdict;
            ctx.accept();
          },
          (err: unknown) => {
            if (err instanceof TooManyAttemptsError) {
              log.info({ err: err.message }, "SSH authentication refused");
              if (!closed) client.end();
              return;
            }
            log.error({ err }, "SSH key lookup failed");
            if (!closed) reject();
          },
        );
    });
    client.on("ready", () => {
      clearTimeout(authTimer);
      const who = principal;
      if (!who) return void client.end();
      log.debug({ principal: who.arn, key: who.accessKeyId }, "SSH session authenticated");
      client.on("session", (accept) => {
        const session = accept();
        if (session) handleSession(session, who);
      });
    });
  });

  function handleSession(session: Session, principal: Principal): void {
    let gitProtocol: string | undefined;
    session.on("env", (accept, reject, info) => {
      // Git sends GIT_PROTOCOL=version=2 to ask for protocol v2; no other variable is taken.
      if (info.key === "GIT_PROTOCOL" && /^[A-Za-z0-9=:._-]{1,100}$/.test(info.val)) {
        gitProtocol = info.val;
        accept?.();
      } else reject?.();
    });
    session.on("exec", (accept, _reject, info) => {
      const channel = accept();
      if (!channel) return;
      const job = runGitExec(
        { channel, command: info.command, principal, ...(gitProtocol ? { gitProtocol } : {}) },
        deps,
      );
      work.add(job);
      void job.finally(() => work.delete(job));
    });
    // `ssh -T host`: say who signed in and what works here, as CodeCommit does, then end.
    session.on("shell", (accept) => {
      const channel = accept();
      if (!channel) return;
      channel.stderr.write(
        `You have successfully authenticated over SSH as ${principal.arn}. ` +
          "Use git to clone, fetch and push; interactive shells are not supported.\n",
      );
      channel.exit(1);
      channel.end();
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      const why =
        err.code === "EADDRINUSE"
          ? `port ${deps.port} is already in use`
          : err.code === "EACCES"
            ? `port ${deps.port} needs privileges this process lacks`
            : err.message;
      reject(
        new SshListenError(
          `cannot listen for git over SSH on ${deps.host}:${deps.port}: ${why}; ` +
            "choose another port with --ssh-port <port> (or PIPEWRIGHT_SSH_PORT; 0 picks a free one, off disables SSH)",
          { cause: err },
        ),
      );
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(deps.port, deps.host);
  });
  server.on("error", (err: Error) => deps.logger.error({ err }, "git SSH server error"));
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    hostKeyFingerprint: hostKey.fingerprint,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const client of connections) client.end();
        // Ending a connection closes its channels, which stops their git; pushes are then recorded.
        await Promise.allSettled([...work]);
        await stopped;
      })()),
  };
}

/**
 * Checks a publickey sign-in: the user name must be an Active SSH key id, and the offered key that
 * key. Without a signature the client only asks whether the key would do ("key-ok"); with one, the
 * signature over the session must verify, and the answer is the key's principal.
 */
async function checkPublicKey(
  store: Store,
  ctx: PublicKeyAuthContext,
): Promise<Principal | "key-ok" | "reject" | "unknown-user"> {
  const owner = await findActiveSshPublicKey(store, ctx.username);
  if (!owner) return SSH_KEY_ID.test(ctx.username) ? "reject" : "unknown-user";
  if (ctx.key.algo !== owner.type || !ctx.key.data.equals(owner.blob)) return "reject";
  if (!ctx.signature) return "key-ok";
  const key = ssh2.utils.parseKey(`${owner.type} ${owner.blob.toString("base64")}`);
  if (key instanceof Error || !ctx.blob) return "reject";
  return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? owner.principal : "reject";
}

/** What IAM's SSHPublicKeyId looks like. */
const SSH_KEY_ID = /^APKA[A-Z0-9]{8,}$/;

function wrongUserMessage(user: string): string {
  const shown = JSON.stringify(user.length > 40 ? `${user.slice(0, 40)}…` : user);
  return (
    `${shown} is not an SSH key id. Log in as the SSHPublicKeyId that ` +
    `"aws iam upload-ssh-public-key" printed for your key (APKA…), as in ` +
    `git clone ssh://APKA…@<host>:<port>/v1/repos/<name>`
  );
}
