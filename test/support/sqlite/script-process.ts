import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Complete stdout lines so far; a line cut off by a kill never appears. */
  readonly lines: readonly string[];
  /** Resolves once `done(lines)` holds; rejects on timeout or if the process ends first. */
  waitFor(done: (lines: readonly string[]) => boolean, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs a TypeScript file under tsx in a child node process, from the repository root. */
export const startScript = (script: string, args: readonly string[], env?: Readonly<Record<string, string>>): ScriptProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let errors = '';
  let ended = false;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      notify();
      resolve({ code, signal });
    });
  });

  const waitFor = (done: (lines: readonly string[]) => boolean, timeoutMs = 15_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (done(lines)) finish();
        else if (ended) finish(new Error(`${script} ended before the condition held; stderr:\n${errors}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`${script}: condition not met within ${timeoutMs} ms; stderr:\n${errors}`)),
        timeoutMs,
      );
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      listeners.add(check);
      check();
    });

  return { child, lines, waitFor, exited, stderr: () => errors };
};
