import { spawnRebuild } from '../../../scripts/shared/rebuild-process.js';

export interface RebuildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run rebuild` in a process of its own, with only the configuration given here. */
export const runRebuild = (args: readonly string[], env: Readonly<Record<string, string>>): Promise<RebuildRun> => {
  const child = spawnRebuild(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
};
