export { createEmbeddedBus } from './embedded-bus.js';
export type { EmbeddedBus, EmbeddedBusOptions } from './embedded-bus.js';
export { isTransportClosedError, TransportClosedError } from './pending-replies.js';
export type { RequestOutcome } from './pending-replies.js';
