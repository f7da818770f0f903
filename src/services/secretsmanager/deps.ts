import type { Clock } from "../../core/index.js";
import type { Envelope } from "../../platform/crypto/index.js";

/** What Secrets Manager needs from the server. */
export interface SecretsManagerDeps {
  /** Encrypts every secret value at rest under the master key. */
  envelope: Envelope;
  /** Time of writes, accesses and recovery windows; default the system clock. */
  clock?: Clock;
}
