export * from './session-value.js';
export * from './sessions-projection.js';
