import { rmdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FastifyRequest } from "fastify";
import {
  ConfigError,
  createLogger,
  ServiceError,
  systemClock,
  type Logger,
  type ServerConfig,
} from "../core/index.js";
import { createBus, type Bus } from "../platform/bus/index.js";
import { createEnvelope, loadMasterKey } from "../platform/crypto/index.js";
import { createQueue, createWorker, type JobHandler, type Queue } from "../platform/queue/index.js";
import { createRetentionSweeper, type Pruner, type RetentionSweeper } from "../platform/retention/index.js";
import { createProcessSandbox, detectSandbox, type Sandbox } from "../platform/sandbox/index.js";
import { openStore, type Store, type StoreOptions } from "../platform/store/index.js";
import {
  createAccessKeyLookup,
  createIam,
  createServiceCredentialVerifier,
  ensureRootUser,
  writeCredentialsFile,
  type RootCredentials,
} from "../services/iam/index.js";
import { createCodeBuild, type CodeBuild, type RunBuild } from "../services/codebuild/index.js";
import { createCodeCommit, type CodeCommit } from "../services/codecommit/index.js";
import { createCodeDeploy, type DeploymentTimeouts } from "../services/codedeploy/index.js";
import { createCodePipeline } from "../services/codepipeline/index.js";
import {
  jsonServicesOf,
  type JobPool,
  type JsonService,
  type QueryService,
  type ServiceModule,
} from "../services/kit/index.js";
import { createLogs } from "../services/logs/index.js";
import { createSecretsManager } from "../services/secretsmanager/index.js";
import { createSsm } from "../services/ssm/index.js";
import { createSts } from "../services/sts/index.js";
import { buildApp } from "./app.js";
import { AuthThrottle } from "./auth-throttle.js";
import { buildsRoot, lockDataDir, prepareDataDir, recordServerUrl, secureDataDir } from "./data-dir.js";
import { registerCodeBuildRoutes } from "./codebuild-routes.js";
import { createJsonHandler } from "./json-protocol.js";
import { registerGitHttpRoutes } from "./git-http.js";
import { startGitSshServer, type GitSshServer } from "./git-ssh.js";
import { createAlarmChecks } from "./deployment-alarms.js";
import { createDeploymentBalancers } from "./deployment-balancers.js";
import { registerLiveLogRoutes } from "./live-logs.js";
import { registerConsoleChanges } from "./console/changes.js";
import { guardSession, registerConsoleRoutes, sessionPrincipal } from "./console/routes.js";
import { ConsoleSessions } from "./console/sessions.js";
import { DEFAULT_WEB_DIR } from "./console/static-files.js";
import { createQueryHandler } from "./query-protocol.js";
import { createResponseShapes } from "./response-shapes.js";
import type { S3Service } from "../services/s3/index.js";
import { createS3Endpoint } from "./s3/index.js";

/** A server that is listening. */
export interface RunningServer {
  /** `http://host:port`, the endpoint for the AWS CLI and SDKs. */
  url: string;
  port: number;
  config: ServerConfig;
  credentials: RootCredentials;
  /** Path of the AWS credentials file holding the root user's key. */
  credentialsFile: string;
  store: Store;
  /** The durable job queue (builds, timers). */
  queue: Queue;
  /** Domain events (CodeBuild state and phase changes…). */
  bus: Bus;
  /** CodeCommit, for the git transports and tests. */
  codecommit: CodeCommit;
  /** CodeBuild, for services that start builds (pipelines) and tests. */
  codebuild: CodeBuild;
  /** Deletes delivered events, handled-event markers and dead jobs past `eventRetentionHours`. */
  retention: RetentionSweeper;
  /** Git over SSH, unless `sshPort` is off: `ssh://host:port`, its port and host key fingerprint. */
  ssh?: { url: string; port: number; hostKeyFingerprint: string };
  /** The web console: its address, and one-time sign-in links as the root user. */
  console: { url: string; signInLink(): string };
  /** Stops accepting requests, finishes work in progress and closes the store. */
  close(): Promise<void>;
}

/**
 * Registers what the modules declare: their API tables by protocol, their subscribers on the bus,
 * their job handlers by worker pool, and the history they want pruned. A job kind or API declared twice is a wiring mistake.
 */
function wireModules(
  modules: readonly ServiceModule[],
  bus: Bus,
): {
  json: JsonService[];
  query: QueryService[];
  handlers: Record<JobPool, Record<string, JobHandler>>;
  pruners: Pruner[];
} {
  const handlers: Record<JobPool, Record<string, JobHandler>> = { builds: {}, background: {} };
  const kinds = new Set<string>();
  for (const module of modules) {
    for (const job of module.jobs ?? []) {
      if (kinds.has(job.kind)) throw new Error(`job kind ${job.kind} is declared twice (${module.name})`);
      kinds.add(job.kind);
      handlers[job.pool][job.kind] = job.handler;
    }
    for (const sub of module.subscriptions ?? []) bus.subscribe(sub.name, sub.handler, sub.options);
  }
  return {
    json: modules.flatMap(jsonServicesOf),
    query: modules.flatMap((m) => (m.query ? [m.query] : [])),
    handlers,
    pruners: modules.flatMap((m) => m.retention ?? []),
  };
}

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /** Default: JSON lines on stderr at `config.logLevel`. */
  logger?: Logger;
  /**
   * The build engine the embedded runner calls for each build. Default: none is installed, and
   * every build ends FAULT saying so.
   */
  runBuild?: RunBuild;
  /** Milliseconds in a minute of CodeBuild's queued timeout; default 60 000 (tests shorten it). */
  codebuildMinuteMs?: number;
  /** CodeDeploy's agent timeout and long-poll hold; default 5 minutes and 20 s (tests shorten them). */
  codedeployTimeouts?: Partial<DeploymentTimeouts>;
  /** Sees every statement the store runs (tests that check query plans). */
  onQuery?: StoreOptions["onQuery"];
  /** The built console; default the package's `dist/web`. */
  webDir?: string;
}

/** Starts a Pipewright server: data directory, store, root user, every service, one HTTP port. */
export async function startServer(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  prepareDataDir(config.dataDir);
  const unlock = lockDataDir(config.dataDir);
  let store: Store;
  try {
    secureDataDir(config.dataDir);
    store = await openStore({
      databaseUrl: config.databaseUrl,
      sqlitePath: path.join(config.dataDir, "pipewright.db"),
      ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    });
  } catch (err) {
    unlock();
    throw err;
  }
  try {
    const envelope = createEnvelope(loadMasterKey(config.dataDir, config.masterKey));
    const credentials = await ensureRootUser(store, envelope, config.accountId, systemClock.now());
    const credentialsFile = path.join(config.dataDir, "credentials");
    writeCredentialsFile(credentialsFile, credentials, config.region);

    const keys = createAccessKeyLookup({ store, envelope });
    // One count of failed git authentications per source, over HTTP and SSH alike.
    const throttle = new AuthThrottle();
    const common = {
      store,
      keys,
      accountId: config.accountId,
      region: config.region,
      maxBodyBytes: config.maxRequestBodyBytes,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
      now: () => systemClock.now(),
      logger,
      shapes: config.responseShapes ? createResponseShapes(config.responseShapes) : undefined,
    };
    const queue = createQueue({ store, logger });
    const bus = createBus({ store, logger });
    let publicUrl = "";
    let sshUrl: string | undefined;
    // Object creations go on the bus with their commit: S3 sources of pipelines start from them.
    const s3 = createS3Endpoint({ ...common, dataDir: config.dataDir, bus });
    const codecommit = createCodeCommit({
      store,
      bus,
      queue,
      dataDir: config.dataDir,
      publicUrl: () => publicUrl,
      sshUrl: () => sshUrl,
      // A trigger whose destination is a CodeBuild project starts a build of the pushed commit.
      triggerTargets: {
        startBuild: (request) => codebuild.startBuildFor(request),
        projectExists: (executor, scope, name) => codebuild.projectExists(executor, scope, name),
      },
      logger,
    });
    const engine = options.runBuild ? undefined : embeddedEngine(config, logger);
    const codebuild = createCodeBuild({
      store,
      queue,
      bus,
      envelope,
      runBuild: options.runBuild ?? engine!.run,
      // CodeBuild reads sources and writes artifacts through the same S3 service the API serves.
      s3: s3.service,
      // CODECOMMIT sources are checked out of this server's own repositories.
      codecommit: codecommit.git,
      dataDir: config.dataDir,
      publicUrl: () => publicUrl,
      logger,
      ...(options.codebuildMinuteMs !== undefined ? { minuteMs: options.codebuildMinuteMs } : {}),
    });
    const balancers = createDeploymentBalancers({ host: config.host, logger });
    const codedeploy = createCodeDeploy({
      store,
      // An S3 revision must be a bucket of this server's S3 (`aws deploy push` uploads there).
      revisionBuckets: { bucketRegion: (executor, name) => s3.service.bucketRegion(name, executor) },
      deployments: {
        queue,
        bus,
        revisions: { find: (bucket, key) => findObject(s3.service, bucket, key) },
        // Traffic-controlled groups get a load balancer on this server's host.
        traffic: balancers,
        // Alarms are health checks: a GET, or a command in the builds' sandbox.
        alarms: createAlarmChecks({
          ...(engine ? { sandbox: () => engine.sandbox() } : {}),
          hiddenPaths: engine?.hiddenPaths ?? [config.dataDir],
          logger,
        }),
        ...(options.codedeployTimeouts ? { timeouts: options.codedeployTimeouts } : {}),
        logger,
      },
    });
    const modules: ServiceModule[] = [
      createSts(),
      createIam({ clock: systemClock }),
      createSsm({ envelope }),
      createSecretsManager({ envelope }),
      createLogs(),
      // Builds a previous process left running end before a recovered push could start another.
      codebuild,
      codecommit,
      codedeploy,
      createCodePipeline({
        store,
        queue,
        bus,
        // A pipeline's artifact store must be a bucket of this server's S3; artifacts go through it.
        artifactBuckets: { bucketRegion: (executor, name) => s3.service.bucketRegion(name, executor) },
        s3: s3.service,
        codecommit: codecommit.git,
        // Build, Test and Commands actions run builds of this server's CodeBuild.
        builds: {
          startBuildFor: (request) => codebuild.startBuildFor(request),
          startInlineBuild: (request) => codebuild.startInlineBuild(request),
          buildOutcome: (executor, scope, id) => codebuild.buildOutcome(executor, scope, id),
          stopBuild: (executor, scope, id) => codebuild.stopBuild(executor, scope, id),
        },
        // Deploy / AWS / CodeDeploy actions deploy to this server's deployment groups.
        ...(codedeploy.deployments ? { deployments: codedeploy.deployments } : {}),
        publicUrl: () => publicUrl,
        logger,
      }),
    ];
    const wired = wireModules(modules, bus);
    const consoleSessions = new ConsoleSessions();
    const app = buildApp({
      json: createJsonHandler({ ...common, services: wired.json }),
      query: createQueryHandler({ ...common, services: wired.query }),
      s3: s3.handler,
      internal: (instance) => {
        registerCodeBuildRoutes(instance, { store, accountId: config.accountId, region: config.region });
        const consolePrincipal = (request: FastifyRequest) =>
          sessionPrincipal(request, { sessions: consoleSessions, keys });
        const guardConsoleSession = (request: FastifyRequest, onEnd: () => void) =>
          guardSession(request, { sessions: consoleSessions, keys, logger }, onEnd);
        registerLiveLogRoutes(instance, { ...common, bus, consolePrincipal, guardConsoleSession });
        registerConsoleChanges(instance, {
          bus,
          principalOf: consolePrincipal,
          guardSession: guardConsoleSession,
        });
        registerGitHttpRoutes(instance, {
          ...common,
          throttle,
          git: codecommit.git,
          serviceCredentials: createServiceCredentialVerifier({ store }),
        });
        registerConsoleRoutes(instance, {
          keys,
          sessions: consoleSessions,
          throttle,
          region: config.region,
          webDir: options.webDir ?? DEFAULT_WEB_DIR,
          jsonHandler: (authenticate) => createJsonHandler({ ...common, services: wired.json }, authenticate),
          s3Handler: (principal) => s3.sessionHandler({ prefix: "/_/console/s3", principal }),
        });
      },
    });
    // What a previous process left half done is settled before any worker, subscriber or request.
    for (const module of modules) await module.recover?.();
    const buildWorker = createWorker({
      queue,
      handlers: wired.handlers.builds,
      concurrency: config.buildConcurrency,
      pollMs: 500,
      // A build rarely finishes within a shutdown: it is aborted and ends STOPPED.
      shutdownTimeoutMs: 2000,
      logger,
    });
    // Timers and deliveries get their own worker: builds filling every build slot must not delay a
    // queued timeout or a webhook.
    const timerWorker = createWorker({
      queue,
      handlers: wired.handlers.background,
      concurrency: 2,
      logger,
    });
    const retention = createRetentionSweeper({
      pruners: [
        { name: "events", pruneBatch: (before, limit) => bus.prune({ before, limit }) },
        { name: "jobs", pruneBatch: (before, limit) => queue.pruneDead({ before, limit }) },
        ...wired.pruners,
      ],
      retentionMs: config.eventRetentionHours * 3_600_000,
      logger,
    });
    await listening(app.listen({ port: config.port, host: config.host }), config.host, config.port);
    const port = (app.server.address() as AddressInfo).port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    publicUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    let ssh: GitSshServer | undefined;
    if (config.sshPort >= 0) {
      try {
        ssh = await startGitSshServer({
          store,
          codecommit: codecommit.git,
          accountId: config.accountId,
          region: config.region,
          dataDir: config.dataDir,
          host: config.host,
          port: config.sshPort,
          logger,
          throttle,
        });
      } catch (err) {
        await app.close();
        throw err;
      }
      sshUrl = `ssh://${host.includes(":") ? `[${host}]` : host}:${ssh.port}`;
    }
    recordServerUrl(config.dataDir, publicUrl);
    // Everything the server makes in its data directory exists now: make it private.
    secureDataDir(config.dataDir);
    // The sandbox (and its first network namespace) is made ready now, not by the first build.
    engine?.prepare([port]);
    buildWorker.start();
    timerWorker.start();
    bus.start();
    // The first sweep runs a minute from now; events wait besides until every subscriber has progress.
    retention.start();
    let closing: Promise<void> | undefined;
    return {
      url: publicUrl,
      port,
      config,
      credentials,
      credentialsFile,
      store,
      queue,
      bus,
      retention,
      codecommit,
      codebuild,
      ...(ssh && sshUrl
        ? { ssh: { url: sshUrl, port: ssh.port, hostKeyFingerprint: ssh.hostKeyFingerprint } }
        : {}),
      console: {
        url: `${publicUrl}/_/console/`,
        signInLink: () =>
          `${publicUrl}/_/console/signin#token=${consoleSessions.signInLink(credentials.accessKeyId)}`,
      },
      close: () =>
        (closing ??= (async () => {
          // Requests in flight get a few seconds to finish; a client that never finishes sending
          // (or never reads) must not hold the shutdown forever.
          const grace = setTimeout(() => app.server.closeAllConnections(), 5_000);
          await app.close();
          clearTimeout(grace);
          await ssh?.close();
          // Workers first (their handlers write to the store and emit events), then the bus.
          await Promise.all([buildWorker.stop(), timerWorker.stop(), retention.stop()]);
          await balancers.close();
          await engine?.close();
          await bus.stop();
          await queue.close();
          await store.close();
          unlock();
        })()),
    };
  } catch (err) {
    await store.close();
    unlock();
    throw err;
  }
}

/** The embedded runner's engine, with the sandbox it detects once. */
interface EmbeddedEngine {
  run: RunBuild;
  /** Starts detecting the sandbox; builds reach this server at `forwardPorts` on their loopback. */
  prepare(forwardPorts: number[]): void;
  /** The sandbox builds run in (detected now if it was not yet), for other sandboxed commands. */
  sandbox(): Promise<Sandbox>;
  /** What sandboxed processes must not see: the data directory, and the builds' directory. */
  hiddenPaths: string[];
  close(): Promise<void>;
}

/**
 * The embedded runner: builds run in this process's worker, each in its own directory under
 * `<dataDir>/builds`, inside a sandbox detected once (bubblewrap, which builds need unless the
 * operator chose `process`). The whole data directory is hidden from builds (the database, master
 * key, credentials, blobs and other builds); only the build's own directories are mounted in.
 */
function embeddedEngine(config: ServerConfig, logger: Logger): EmbeddedEngine {
  let sandbox: Promise<Sandbox> | undefined;
  const workRoot = buildsRoot(config.dataDir);
  if (!workRoot.startsWith(config.dataDir + path.sep)) {
    logger.info({ workRoot }, "builds run outside the data directory, whose parents other users cannot pass");
  }
  const detect = (forwardPorts: number[]): Promise<Sandbox> => {
    if (config.buildSandbox === "process") {
      return Promise.resolve(createProcessSandbox({ reason: "PIPEWRIGHT_BUILD_SANDBOX=process" }));
    }
    return detectSandbox({ network: { forwardPorts }, maxProcesses: config.buildMaxProcesses }).then((d) => {
      if (d.fallbackReason !== undefined) {
        const message =
          `builds need bubblewrap, which cannot run here (${d.fallbackReason}); install the bubblewrap ` +
          `package, or set PIPEWRIGHT_BUILD_SANDBOX=process to run builds without any isolation`;
        logger.error({ reason: d.fallbackReason }, message);
        throw new Error(message);
      }
      for (const limitation of d.limitations) logger.warn({ limitation }, "build sandbox limitation");
      return d.sandbox;
    });
  };
  const hiddenPaths = workRoot.startsWith(config.dataDir + path.sep)
    ? [config.dataDir]
    : [config.dataDir, workRoot];
  return {
    hiddenPaths,
    sandbox: () => (sandbox ??= detect([])),
    prepare(forwardPorts) {
      sandbox ??= detect(forwardPorts);
      // A failure is reported by every build; it must not be unhandled meanwhile.
      sandbox.catch(() => undefined);
    },
    async run(job, api, { signal }) {
      sandbox ??= detect([]);
      // The engine (and the YAML, XML and zip libraries it needs) loads with the first build, so a
      // server that never builds starts without it.
      const { runBuild } = await import("../runner/index.js");
      await runBuild(job, api, {
        signal,
        workRoot,
        // Other builds' directories, when they are not inside the data directory.
        hiddenPaths,
        sandbox,
      });
    },
    async close() {
      await (await sandbox?.catch(() => undefined))?.close();
      // A builds directory of its own under /var/lib goes when empty (kept builds keep it).
      if (!workRoot.startsWith(config.dataDir + path.sep)) await rmdir(workRoot).catch(() => undefined);
    },
  };
}

/**
 * Waits for the HTTP listener; a port that is taken or not allowed, or an address this machine does
 * not have, is the user's setting, said in one line that names it.
 */
async function listening(started: Promise<unknown>, host: string, port: number): Promise<void> {
  try {
    await started;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const fix = "choose another with --port or PIPEWRIGHT_PORT (0 picks a free one)";
    if (code === "EADDRINUSE")
      throw new ConfigError(`HTTP port ${port} is in use by another program; ${fix}`);
    if (code === "EACCES")
      throw new ConfigError(`HTTP port ${port} needs privileges this process lacks; ${fix}`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new ConfigError(
        `${host} is not an address of this machine; choose another with --host or PIPEWRIGHT_HOST`,
      );
    }
    throw err;
  }
}

/** An S3 revision's ETag, or undefined when its bucket or key does not exist. */
async function findObject(s3: S3Service, bucket: string, key: string): Promise<{ eTag: string } | undefined> {
  try {
    return { eTag: (await s3.headObject({ bucket, key })).info.etag };
  } catch (err) {
    if (err instanceof ServiceError && (err.code === "NoSuchKey" || err.code === "NoSuchBucket"))
      return undefined;
    throw err;
  }
}
