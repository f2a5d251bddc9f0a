/**
 * What every audit subcommand is given: where to write (so the CLI runs the same in this
 * process, in a test, or as `npm run audit`), the environment to find the configured
 * store in, and the exit codes it answers with.
 */
export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** 0: the answer is clean; 1: it is not (violations, contradictions, nothing found) or reading failed; 2: bad usage or configuration. */
export const EXIT_CLEAN = 0;
export const EXIT_NOT_CLEAN = 1;
export const EXIT_USAGE = 2;

/** Bad arguments or configuration: reported in one line, exit code 2. */
export class UsageError extends Error {}

/** Options every subcommand takes. */
export interface CommonOptions {
  readonly sqlite?: string;
  readonly esdb?: string;
  readonly json?: boolean;
}
