export * from './errors.js';
export * from './event-store.js';
export * from './expected-revision.js';
export * from './filter.js';
export * from './position.js';
export * from './stream-name.js';
