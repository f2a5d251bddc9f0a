export * from './cache-errors.js';
export * from './cache-port.js';
export * from './key-layout.js';
export * from './projection-set.js';
export * from './projection.js';
export * from './runner-stats.js';
export * from './runner.js';
