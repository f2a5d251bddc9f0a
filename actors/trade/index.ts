export * from './commands.js';
export * from './decider.js';
export * from './definition.js';
export * from './legs.js';
export * from './machine.js';
export * from './state.js';
