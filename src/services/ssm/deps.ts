import type { Clock } from "../../core/index.js";
import type { Envelope } from "../../platform/crypto/index.js";

/** What Parameter Store needs from the server. */
export interface SsmDeps {
  /** Encrypts SecureString values at rest under the master key. */
  envelope: Envelope;
  /** Time of writes (LastModifiedDate); default the system clock. */
  clock?: Clock;
}
