export * from './build-version.js';
export * from './dry-run.js';
export * from './keyspace-diff.js';
export * from './keyspace-digest.js';
export * from './rebuild-errors.js';
export * from './rebuild.js';
