/** A subscriber with this name is already registered on the bus. */
export class DuplicateSubscriberError extends Error {
  readonly subscriber: string;
  constructor(subscriber: string) {
    super(`bus subscriber ${subscriber} is already registered; subscriber names must be unique`);
    this.name = "DuplicateSubscriberError";
    this.subscriber = subscriber;
  }
}

/** A handler did not settle within the delivery timeout. */
export class DeliveryTimeoutError extends Error {
  constructor(subscriber: string, eventId: string, timeoutMs: number) {
    super(`subscriber ${subscriber} did not handle event ${eventId} within ${timeoutMs} ms`);
    this.name = "DeliveryTimeoutError";
  }
}

/** Another dispatcher took over the subscriber (this one's lease expired). */
export class SubscriberLeaseLostError extends Error {
  constructor(subscriber: string) {
    super(`lease on bus subscriber ${subscriber} was lost to another dispatcher`);
    this.name = "SubscriberLeaseLostError";
  }
}

/** The dispatcher is stopping and its shutdown timeout passed during a delivery. */
export class DispatcherStoppingError extends Error {
  constructor(subscriber: string) {
    super(`dispatcher stopped while delivering to ${subscriber}`);
    this.name = "DispatcherStoppingError";
  }
}
