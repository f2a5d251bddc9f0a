export { createCommandClient, CommandClientOptionsError } from './command-client.js';
export type { CommandClient, CommandClientOptions, CommandRequest } from './command-client.js';
export { createTypedClient } from './typed-client.js';
export type { CommandCatalog, SendOptions, TypedCommand, TypedCommandClient } from './typed-client.js';
export type { BackoffOptions } from './backoff.js';
