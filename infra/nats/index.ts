export { connectNats, DEFAULT_RECONNECT_TIME_WAIT_MS, NatsOptionsError } from './connect.js';
export type { NatsConnectOptions, NatsConnection } from './connect.js';
export { createNatsRequestBus } from './request-bus.js';
export type { NatsRequestBusOptions } from './request-bus.js';
export { createNatsRequestTransport } from './request-transport.js';
export type { NatsRequestTransportOptions } from './request-transport.js';
export { createBuiltinNatsRequestTransport, createPlainNatsRequester } from './baseline-requesters.js';
export type { PlainRequester } from './baseline-requesters.js';
export { createNatsNotifier } from './notifier.js';
export { createNatsSubscriber } from './subscriber.js';
export { HOST_INBOX_PREFIX, INBOX_ROOT, inboxPrefixOf, playerInboxPrefix, serverInboxPrefix } from './inboxes.js';
export {
  DEFAULT_QUEUE_GROUP,
  DEFAULT_TRADE_QUEUE_ID,
  gameServerPermissions,
  hostPermissions,
  NatsAuthorizationError,
  playerPermissions,
  rebuildPermissions,
  renderNatsAuthorization,
  renderPermissions,
} from './authorization.js';
export type { NatsAuthorizationPlan, NatsCredential, RolePermissions } from './authorization.js';
