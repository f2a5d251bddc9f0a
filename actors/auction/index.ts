export * from './bidding.js';
export * from './commands.js';
export * from './decider.js';
export * from './definition.js';
export * from './schedule.js';
export * from './snapshot.js';
export * from './state.js';
export * from './steps.js';
