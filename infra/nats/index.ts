export { connectNats, NatsOptionsError } from './connect.js';
export type { NatsConnectOptions, NatsConnection } from './connect.js';
export { createNatsRequestBus } from './request-bus.js';
export type { NatsRequestBusOptions } from './request-bus.js';
export { createNatsRequestTransport } from './request-transport.js';
export type { NatsRequestTransportOptions } from './request-transport.js';
export { createBuiltinNatsRequestTransport, createPlainNatsRequester } from './baseline-requesters.js';
export type { PlainRequester } from './baseline-requesters.js';
export { createNatsNotifier } from './notifier.js';
