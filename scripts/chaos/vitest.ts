import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { SpecStatus } from './outcomes.js';

export const CHAOS_CONFIG = 'vitest.chaos.config.ts';

export interface VitestRun {
  /** The command as a person would type it, for the report. */
  readonly command: string;
  readonly code: number | null;
  /** Each file's status, by path from the repository root; empty when vitest wrote no JSON report. */
  readonly files: ReadonlyMap<string, SpecStatus>;
}

export interface VitestOptions {
  readonly root: string;
  readonly files: readonly string[];
  readonly profile: 'short' | 'full';
  /** The JSON-lines file the scenarios append their records to. */
  readonly recordsFile: string;
  /** Where vitest's JSON reporter writes each file's status. */
  readonly resultsFile: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface JsonReport {
  readonly testResults?: readonly { readonly name?: string; readonly status?: string }[];
}

const readStatuses = async (root: string, resultsFile: string): Promise<Map<string, SpecStatus>> => {
  const statuses = new Map<string, SpecStatus>();
  try {
    const report = JSON.parse(await readFile(resultsFile, 'utf8')) as JsonReport;
    for (const { name, status } of report.testResults ?? []) {
      if (name === undefined) continue;
      statuses.set(relative(root, name), status === 'passed' ? 'passed' : 'failed');
    }
  } catch {
    // No report (vitest crashed before writing it): the exit code alone says how it went.
  }
  return statuses;
};

/**
 * Runs the given spec files under the chaos configuration, one after the other, with
 * the profile and the records file in the environment; vitest's output goes straight to
 * this process's, so a long run shows its progress. The JSON reporter beside the default
 * one tells which file failed.
 */
export const runVitest = async (options: VitestOptions): Promise<VitestRun> => {
  const args = ['vitest', 'run', '--config', CHAOS_CONFIG, ...options.files];
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${options.resultsFile}`];
  const child = spawn('npx', [...args, ...reporters], {
    cwd: options.root,
    env: { ...options.env, SHARDKEEP_CHAOS_PROFILE: options.profile, SHARDKEEP_CHAOS_OUT: options.recordsFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  const command = `SHARDKEEP_CHAOS_PROFILE=${options.profile} npx ${args.join(' ')}`;
  return { command, code, files: await readStatuses(options.root, options.resultsFile) };
};
