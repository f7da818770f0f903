/**
 * Network namespaces for "isolated" sandboxes, connected to the outside by pasta (passt's user-mode
 * network stack). pasta copies the host's addresses and routes into the namespace and carries TCP,
 * UDP and ICMP out through ordinary sockets of the host, so a build reaches what the host reaches
 * (the internet, a registry) without a bridge, NAT rules or privileges inside. It does not map the
 * host's loopback into the namespace (`--no-map-gw`), so a build cannot reach a developer's
 * database, the server's SSH port or anything else listening on 127.0.0.1 — except the ports it
 * is told to forward (`-T`), which the build reaches at its own `127.0.0.1:<port>`: this server's
 * HTTP port, so the AWS CLI and git work from inside a build with the server's own URL.
 *
 * Why a pool: pasta takes 50–100 ms to set a namespace up, more than a whole one-command build.
 * Namespaces are made ahead of time, one at a time, each used by exactly one build and then
 * destroyed, so nothing a build did to its network (connections, listeners) reaches the next.
 *
 * A namespace is held by a small process (`unshare --net … sleep`), and pasta runs in the foreground
 * beside it; both die with the server (`setpriv --pdeathsig KILL`) and are killed together when
 * the build is done (pasta holds the namespace open, so it does not end on its own). Sandboxes enter it
 * with `nsenter --net` before bubblewrap starts, so the build's user namespace does not own the
 * network namespace and root inside the build cannot reconfigure it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Tools the namespaces are made with (absolute paths). */
export interface NetworkTools {
  pasta: string;
  unshare: string;
  setpriv: string;
  nsenter: string;
}

/** Options for {@link NetworkNamespaces}. */
export interface NetworkNamespacesOptions {
  tools: NetworkTools;
  /** Host TCP ports on 127.0.0.1 that builds reach at 127.0.0.1 inside; default none. */
  forwardPorts?: number[];
  /**
   * Host TCP ports forwarded into the namespace, in pasta's spec (`18081:8080`: the host's port
   * 18081 reaches port 8080 inside); default none. Test fleets use it to run each agent as a host
   * of its own whose application the server's load balancer still reaches.
   */
  inboundPorts?: string[];
  /** Namespaces kept ready; default 1. */
  ready?: number;
  /** The host's resolver configuration; default /etc/resolv.conf. */
  resolvConf?: string;
}

/** One namespace, entered by `nsenter --net=<path>`. */
export interface NetworkNamespace {
  /** `/proc/<holder>/ns/net`. */
  path: string;
  /** Ends the holder, which ends the namespace and pasta. */
  release(): void;
}

/** A file mounted over the host's resolver configuration inside the sandbox. */
export interface ResolvConfMount {
  /** Host file with the namespace's resolver configuration. */
  source: string;
  /** Where the host's configuration lives (`/etc/resolv.conf`, or the file it links to). */
  target: string;
}

/**
 * An address inside the namespace that pasta answers DNS on, forwarding to the host's resolver:
 * needed when that resolver listens on the host's loopback (systemd-resolved's 127.0.0.53), which
 * the namespace cannot reach. Link-local, so it never collides with a real route.
 */
const DNS_FORWARD_ADDRESS = "169.254.53.53";

/** Makes, hands out and destroys network namespaces. */
export class NetworkNamespaces {
  private readonly spare: Array<Promise<NetworkNamespace>> = [];
  private readonly held = new Set<ChildProcess>();
  private closed = false;
  /** Set when the host's resolver is on its loopback. */
  readonly resolvConf: ResolvConfMount | undefined;
  private readonly dnsArgs: string[];

  constructor(private readonly options: NetworkNamespacesOptions) {
    const dns = loopbackDns(options.resolvConf ?? "/etc/resolv.conf");
    this.resolvConf = dns;
    this.dnsArgs = dns ? ["--dns-forward", DNS_FORWARD_ADDRESS] : [];
  }

  /**
   * A fresh namespace: a ready one if any, else one made now. The next one is made ready when this
   * one is released, not now: on two cores, pasta setting up a spare would slow the build starting.
   */
  async take(): Promise<NetworkNamespace> {
    if (this.closed) throw new Error("network namespaces: closed");
    const taken = await (this.spare.shift() ?? this.make());
    return {
      path: taken.path,
      release: () => {
        taken.release();
        this.refill();
      },
    };
  }

  /** Makes the namespaces kept ready; call once when builds are about to come. */
  prepare(): void {
    this.refill();
  }

  /** Ends every namespace, held or ready. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare.splice(0);
    for (const holder of this.held) holder.kill("SIGKILL");
    await Promise.allSettled(spare);
  }

  private refill(): void {
    while (!this.closed && this.spare.length < (this.options.ready ?? 1)) {
      const made = this.make();
      // A failure is reported to whoever takes it; it must not be unhandled meanwhile.
      made.catch(() => undefined);
      this.spare.push(made);
    }
  }

  private async make(): Promise<NetworkNamespace> {
    const { tools } = this.options;
    // "ready" is printed after unshare: /proc/<pid>/ns/net is the new namespace from then on.
    const holder = spawn(
      tools.setpriv,
      [
        "--pdeathsig",
        "KILL",
        "--",
        tools.unshare,
        "--net",
        "--",
        "/bin/sh",
        "-c",
        "echo ready; exec sleep infinity",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.hold(holder);
    let pasta: ChildProcess | undefined;
    // pasta keeps the namespace open: it must go with the holder, or both stay forever.
    const release = () => {
      holder.kill("SIGKILL");
      pasta?.kill("SIGKILL");
    };
    try {
      await readyLine(holder);
      const path = `/proc/${holder.pid}/ns/net`;
      pasta = await this.attachPasta(path);
      this.hold(pasta);
      if (this.closed) throw new Error("network namespaces: closed");
      return { path, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  private hold(child: ChildProcess): void {
    this.held.add(child);
    child.once("exit", () => this.held.delete(child));
  }

  /**
   * Starts pasta on the namespace, in the foreground as this process's child that dies with it
   * (a daemonized pasta holds the namespace open and outlives everything); resolves once pasta has
   * configured the namespace, which it says by writing its pid file.
   */
  private async attachPasta(path: string): Promise<ChildProcess> {
    const ports = this.options.forwardPorts ?? [];
    const dir = mkdtempSync(join(tmpdir(), "pipewright-pasta-"));
    const pidFile = join(dir, "pid");
    const fd = openSync(path, "r");
    let pasta: ChildProcess;
    try {
      pasta = spawn(
        this.options.tools.setpriv,
        [
          "--pdeathsig",
          "KILL",
          "--",
          this.options.tools.pasta,
          "--foreground",
          "--pid",
          pidFile,
          "--config-net",
          "--quiet",
          // Nothing comes in from the host (unless asked), and nothing reaches the host's loopback…
          "--tcp-ports",
          this.options.inboundPorts?.length ? this.options.inboundPorts.join(",") : "none",
          "--udp-ports",
          "none",
          "--udp-ns",
          "none",
          "--no-map-gw",
          // …but the forwarded ports.
          "--tcp-ns",
          ports.length > 0 ? ports.join(",") : "none",
          ...this.dnsArgs,
          // The namespace belongs to the host's user namespace, which only root may enter; pasta
          // still drops every capability it does not need and isolates itself.
          "--netns-only",
          "--runas",
          "0:0",
          "--netns",
          "/proc/self/fd/3",
        ],
        { stdio: ["ignore", "ignore", "pipe", fd] },
      );
    } finally {
      closeSync(fd);
    }
    try {
      await new Promise<void>((resolve, reject) => {
        let stderr = "";
        pasta.stderr!.setEncoding("utf8");
        pasta.stderr!.on("data", (chunk: string) => {
          if (stderr.length < 2000) stderr += chunk;
        });
        const deadline = Date.now() + 10_000;
        const poll = setInterval(() => {
          if (pidWritten(pidFile)) finish(resolve);
          else if (Date.now() > deadline) finish(() => reject(new Error("pasta did not start in 10 s")));
        }, 2);
        const finish = (then: () => void) => {
          clearInterval(poll);
          pasta.off("exit", onExit);
          then();
        };
        const onExit = (code: number | null, signal: string | null) =>
          finish(() => reject(new Error(`pasta failed (${code ?? signal}): ${meaningful(stderr)}`)));
        pasta.once("error", (err) => finish(() => reject(err)));
        pasta.once("exit", onExit);
      });
      return pasta;
    } catch (err) {
      pasta.kill("SIGKILL");
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function pidWritten(file: string): boolean {
  try {
    return readFileSync(file, "utf8").trim() !== "";
  } catch {
    return false;
  }
}

function readyLine(holder: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    holder.stdout!.setEncoding("utf8");
    holder.stderr!.setEncoding("utf8");
    holder.stderr!.on("data", (chunk: string) => (err += chunk));
    holder.stdout!.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("ready\n")) resolve();
    });
    holder.once("error", reject);
    holder.once("exit", (code) => reject(new Error(`unshare --net failed (${code}): ${err.trim()}`)));
  });
}

/** pasta writes "Failed to send … to syslog" lines where there is no syslog: not the reason. */
function meaningful(stderr: string): string {
  return (
    stderr
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.includes("to syslog"))
      .join("; ") || "no message"
  );
}

/**
 * When the host's resolver listens on its loopback, a resolver configuration for the namespace
 * that points at pasta's DNS forwarder, written to a world-readable file; undefined otherwise
 * (the host's configuration works as it is).
 */
export function loopbackDns(resolvConf: string): ResolvConfMount | undefined {
  let text: string;
  let target: string;
  try {
    text = readFileSync(resolvConf, "utf8");
    target = realpathSync(resolvConf);
  } catch {
    return undefined;
  }
  const lines = text.split("\n");
  const servers = lines.filter((l) => /^\s*nameserver\s/.test(l));
  const loopback = servers.some((l) => /^\s*nameserver\s+(127\.|::1\b)/.test(l));
  if (!loopback) return undefined;
  const kept = lines.filter((l) => /^\s*(search|domain|options)\s/.test(l));
  const dir = mkdtempSync(join(tmpdir(), "pipewright-dns-"));
  const source = join(dir, "resolv.conf");
  writeFileSync(source, [`nameserver ${DNS_FORWARD_ADDRESS}`, ...kept, ""].join("\n"), { mode: 0o644 });
  // mkdtemp makes it 0700; the sandbox's users must reach the file to mount it.
  chmodSync(dir, 0o755);
  return { source, target: existsSync(target) ? target : "/etc/resolv.conf" };
}
