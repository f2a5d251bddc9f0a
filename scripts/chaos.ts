import { fileURLToPath } from 'node:url';
import { runChaos } from './chaos/cli.js';

/**
 * `npm run chaos`: the reliability figures of RELIABILITY.md, measured and written to
 * docs/RELIABILITY.md (`-- --short` for CI's profile, `--only 3,8`, `--out <file>`). See
 * scripts/chaos/ and `npm run chaos -- --help`; exit codes 0 all passed, 1 a figure
 * failed or is missing, 2 bad usage.
 */
const code = await runChaos(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  root: fileURLToPath(new URL('../', import.meta.url)),
});
process.exitCode = code;
