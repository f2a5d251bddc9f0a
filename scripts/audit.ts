import { runAudit } from './audit/cli.js';

/**
 * `npm run audit -- <command>`: actor, world, item, economy, report. See scripts/audit/
 * and `npm run audit -- --help`; exit codes 0 clean, 1 not clean, 2 bad usage.
 */
const code = await runAudit(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
});
process.exitCode = code;
