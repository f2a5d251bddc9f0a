export * from './roster-notice.js';
export * from './roster-values.js';
export * from './rosters-projection.js';
