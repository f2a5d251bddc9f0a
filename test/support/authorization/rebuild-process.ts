import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HOST_PASSWORD, type SecuredWorld } from './secured-world.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface RebuildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run rebuild` in a process of its own, with only the configuration given here. */
export const runRebuild = (args: readonly string[], env: Readonly<Record<string, string>>): Promise<RebuildRun> => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(ESDB_URL|NATS_URL|NATS_USER|NATS_PASSWORD|REDIS_URL|SHARDKEEP_.*)$/.test(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rebuild.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
};

/** The deployment's own settings (NATS as `host`, Redis as `projector`), as an operator's environment holds them. */
export const deploymentEnvironment = (world: SecuredWorld): Record<string, string> => ({
  SHARDKEEP_DATA_DIR: world.dataDir,
  REDIS_URL: world.redisUrl('projector'),
  NATS_URL: world.nats.url,
  NATS_USER: 'host',
  NATS_PASSWORD: HOST_PASSWORD,
});

/** The same with the rebuild's own credentials added (SHARDKEEP_REBUILD_*). */
export const rebuildEnvironment = (world: SecuredWorld): Record<string, string> => ({
  ...deploymentEnvironment(world),
  SHARDKEEP_REBUILD_REDIS_URL: world.redisUrl('rebuild'),
  SHARDKEEP_REBUILD_NATS_USER: 'rebuild',
  SHARDKEEP_REBUILD_NATS_PASSWORD: world.passwordOf('rebuild'),
});
