import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Settings that point the rebuild at servers: only what the caller gives may reach it. */
const SERVER_SETTINGS = /^(ESDB_URL|NATS_URL|NATS_USER|NATS_PASSWORD|REDIS_URL|SHARDKEEP_.*)$/;

/**
 * `npm run rebuild` (scripts/rebuild.ts under tsx) in a process of its own, with this
 * process's environment minus every server setting, plus `env`: the rebuild sees only the
 * configuration it is given, whatever the shell that started the caller had set.
 */
export const spawnRebuild = (args: readonly string[], env: Readonly<Record<string, string>>): ChildProcessByStdio<null, Readable, Readable> => {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SERVER_SETTINGS.test(name)));
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/rebuild.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};
