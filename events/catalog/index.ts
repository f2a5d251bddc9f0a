export * from './codec.js';
export * from './metadata.js';
export * from './recorded-event.js';
export * from './registry.js';
