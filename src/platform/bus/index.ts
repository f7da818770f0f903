export { createBus, type Bus, type BusOptions } from "./bus.js";
export {
  DeliveryTimeoutError,
  DispatcherStoppingError,
  DuplicateSubscriberError,
  SubscriberLeaseLostError,
} from "./errors.js";
export type {
  BusEvent,
  DeadLetter,
  DeliveryContext,
  EmitInput,
  EventHandler,
  SubscribeOptions,
} from "./types.js";
