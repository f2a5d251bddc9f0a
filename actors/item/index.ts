export * from './commands.js';
export * from './decider.js';
export * from './definition.js';
export * from './inventory.js';
export * from './state.js';
