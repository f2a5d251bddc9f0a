export * from './commands.js';
export * from './decider.js';
export * from './definition.js';
export * from './options.js';
export * from './sessions.js';
export * from './snapshot.js';
export * from './state.js';
export * from './wallet.js';
