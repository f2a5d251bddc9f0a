import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
