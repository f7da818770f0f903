import path from "node:path";
import type { Logger } from "../../core/index.js";
import { createFsBlobStore } from "../../platform/blobs/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { Store } from "../../platform/store/index.js";
import { createS3Service, type S3Service } from "../../services/s3/index.js";
import type { ProtocolHandler } from "../app.js";
import type { AuthDeps } from "../authenticate.js";
import { createS3Handler, type S3SessionAuth } from "./handler.js";

/** How much older than the server's start a blob must be before a sweep may delete it. */
const SWEEP_MARGIN_MS = 60_000;

/** What the server hands the S3 endpoint. */
export interface S3EndpointOptions extends AuthDeps {
  store: Store;
  accountId: string;
  region: string;
  logger: Logger;
  /** The server's data directory; object bytes live in `<dataDir>/blobs/`. */
  dataDir: string;
  /** Object creations are announced here (CodePipeline's S3 sources watch them); default none. */
  bus?: Bus;
}

/** The S3 protocol handler and the service behind it, which other services (CodeBuild) share. */
export interface S3Endpoint {
  handler: ProtocolHandler;
  /** The same API for requests another way authenticated (the console's session). */
  sessionHandler: (session: S3SessionAuth) => ProtocolHandler;
  service: S3Service;
}

/**
 * The S3 API over blobs on disk: builds the blob store and the service and returns the protocol
 * handler with the service. Files a killed process left behind are removed: unfinished uploads at once, blobs whose
 * row never committed (or whose row was replaced) by a background sweep that leaves anything stored
 * after this start alone.
 */
export function createS3Endpoint(options: S3EndpointOptions): S3Endpoint {
  const startedAt = Date.now();
  const blobs = createFsBlobStore({
    root: path.join(options.dataDir, "blobs"),
    discardTemporariesOnOpen: true,
  });
  const s3 = createS3Service({ ...options, blobs });
  const { logger } = options;
  // File times come from a coarse kernel clock and wall clocks can step: only blobs clearly older
  // than this start are candidates, so a blob written right now is never taken for an orphan.
  s3.sweepOrphanBlobs(startedAt - SWEEP_MARGIN_MS).then(
    (orphans) => {
      if (orphans > 0) logger.info({ orphans }, "removed blobs an interrupted earlier run left behind");
    },
    (err: unknown) => logger.warn({ err }, "could not sweep blobs left by an earlier run"),
  );
  return {
    handler: createS3Handler({ ...options, s3 }),
    sessionHandler: (session) => createS3Handler({ ...options, s3 }, session),
    service: s3,
  };
}
