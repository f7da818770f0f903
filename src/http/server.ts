import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createLogger, systemClock, type Logger, type ServerConfig } from "../core/index.js";
import { createEnvelope, loadMasterKey } from "../platform/crypto/index.js";
import { openStore, type Store } from "../platform/store/index.js";
import {
  createAccessKeyLookup,
  ensureRootUser,
  writeCredentialsFile,
  type RootCredentials,
} from "../services/iam/index.js";
import type { JsonService, QueryService } from "../services/kit/index.js";
import { createSecretsManagerService } from "../services/secretsmanager/index.js";
import { createSsmService } from "../services/ssm/index.js";
import { stsService } from "../services/sts/index.js";
import { buildApp } from "./app.js";
import { createJsonHandler } from "./json-protocol.js";
import { createQueryHandler } from "./query-protocol.js";
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
  /** Stops accepting requests, finishes work in progress and closes the store. */
  close(): Promise<void>;
}

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /** Default: JSON lines on stderr at `config.logLevel`. */
  logger?: Logger;
}

/** Starts a Pipewright server: data directory, store, root user, every service, one HTTP port. */
export async function startServer(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const envelope = createEnvelope(loadMasterKey(config.dataDir, config.masterKey));
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, "pipewright.db"),
  });
  try {
    const credentials = await ensureRootUser(store, envelope, config.accountId, systemClock.now());
    const credentialsFile = path.join(config.dataDir, "credentials");
    writeCredentialsFile(credentialsFile, credentials, config.region);

    const keys = createAccessKeyLookup({ store, envelope });
    const common = {
      store,
      keys,
      accountId: config.accountId,
      region: config.region,
      maxBodyBytes: config.maxRequestBodyBytes,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
      now: () => systemClock.now(),
      logger,
    };
    const jsonServices: JsonService[] = [
      createSsmService({ envelope }),
      createSecretsManagerService({ envelope }),
    ];
    const queryServices: QueryService[] = [stsService];
    const app = buildApp({
      json: createJsonHandler({ ...common, services: jsonServices }),
      query: createQueryHandler({ ...common, services: queryServices }),
      s3: createS3Endpoint({ ...common, dataDir: config.dataDir }),
    });
    await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as AddressInfo).port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      config,
      credentials,
      credentialsFile,
      store,
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await store.close();
        })()),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
