export { createEnvelope, type Envelope } from "./envelope.js";
export { loadMasterKey, MASTER_KEY_BYTES } from "./master-key.js";
