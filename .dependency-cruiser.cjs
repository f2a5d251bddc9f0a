/**
 * The import rules of DESIGN.md: dependencies point inward
 * (scripts -> infra -> projections/actors -> events), no cycles, and only infra/
 * (and test harnesses) may reach the network, the disk or the server clients.
 */
const ADAPTER_PACKAGES = '^(nats|ioredis|@eventstore/db-client|better-sqlite3|@grpc/grpc-js)($|/)';
const IO_MODULES = '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|tls|child_process|cluster|worker_threads|dns)$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'events-are-innermost',
      comment: 'The catalog and the port know nothing of actors, projections, adapters or entry points.',
      severity: 'error',
      from: { path: '^events/' },
      to: { path: '^(actors|projections|infra|scripts|test)/' },
    },
    {
      name: 'domain-never-imports-infra',
      comment: 'Actors and projections declare ports; infra implements them.',
      severity: 'error',
      from: { path: '^(actors|projections)/' },
      to: { path: '^(infra|scripts|test)/' },
    },
    {
      name: 'infra-never-imports-entry-points',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(scripts|test)/' },
    },
    {
      name: 'only-infra-talks-to-servers',
      severity: 'error',
      from: { path: '^(events|actors|projections|scripts)/' },
      to: { dependencyTypes: ['npm', 'npm-dev'], path: ADAPTER_PACKAGES },
    },
    {
      name: 'domain-does-no-io',
      comment: 'Time, ids and randomness arrive in command metadata; disk and network live in infra/.',
      severity: 'error',
      from: { path: '^(events|actors|projections)/' },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(events|actors|projections|infra|scripts)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '(^test/|\\.spec\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|data)/' },
    includeOnly: '^(actors|events|projections|infra|scripts|test)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
