import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { NatsAuthorizationError, renderNatsAuthorization, type NatsAuthorizationPlan } from '../infra/nats/index.js';

/**
 * `npm run nats-config -- --input roles.json [--players players.jsonl] [--out authorization.conf]`:
 * renders the nats-server authorization block of a deployment (infra/nats/authorization.ts)
 * from its hosts, game servers, rebuilds and players, for infra/deploy/nats-server.conf to
 * include. After writing it, `nats-server --signal reload` applies it without a restart.
 *
 * Exit codes: 0 written; 2 bad usage or a bad input (every problem listed).
 */
const EXIT_USAGE = 2;

const Credential = z.strictObject({
  user: z.string(),
  password: z.string().optional(),
  nkey: z.string().optional(),
});

const Roles = z.strictObject({
  hosts: z.array(Credential),
  gameServers: z.array(Credential).default([]),
  rebuilds: z.array(Credential).default([]),
  players: z.array(Credential).default([]),
  queueGroup: z.string().optional(),
  tradeQueueId: z.string().optional(),
});

const program = new Command('nats-config')
  .description('Render the nats-server authorization block (users and permissions) of a Shardkeep deployment.')
  .requiredOption('--input <file>', 'roles.json: { "hosts": [...], "gameServers": [...], "rebuilds": [...], "players": [...] }, each credential { "user", "password" | "nkey" }')
  .option('--players <file>', 'more players, one JSON credential per line (for populations kept apart from roles.json)')
  .option('--out <file>', 'where to write the block (written to a temporary file, then renamed; mode 0600); default stdout')
  .addHelpText(
    'after',
    '\nPasswords may be bcrypt hashes (`nats server passwd`), so the rendered file holds no secret.\n' +
      'Example: npm run nats-config -- --input roles.json --out /etc/nats/authorization.conf && nats-server --signal reload',
  )
  .exitOverride()
  .showHelpAfterError('(nats-config --help for usage)');

class InputError extends Error {}

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const parseJson = (file: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const issues = (file: string, error: z.ZodError): string =>
  error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`).join('\n');

const readPlan = (input: string, playersFile: string | undefined): NatsAuthorizationPlan => {
  const parsed = Roles.safeParse(parseJson(input, readText(input)));
  if (!parsed.success) throw new InputError(issues(input, parsed.error));
  const { queueGroup, tradeQueueId, ...roles } = parsed.data;
  const players = [...roles.players];
  if (playersFile !== undefined) {
    const lines = readText(playersFile).split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const player = Credential.safeParse(parseJson(`${playersFile}:${index + 1}`, line));
      if (!player.success) throw new InputError(issues(`${playersFile}:${index + 1}`, player.error));
      players.push(player.data);
    });
  }
  return {
    ...roles,
    players,
    ...(queueGroup === undefined ? {} : { queueGroup }),
    ...(tradeQueueId === undefined ? {} : { tradeQueueId }),
  };
};

const run = (): number => {
  program.parse();
  const options = program.opts<{ input: string; players?: string; out?: string }>();
  const text = renderNatsAuthorization(readPlan(options.input, options.players));
  if (options.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  // Never a half-written file for a reloading server to read.
  const temporary = `${options.out}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, options.out);
  console.error(`nats-config: wrote ${options.out}; apply it with nats-server --signal reload`);
  return 0;
};

try {
  process.exitCode = run();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  if (error instanceof InputError || error instanceof NatsAuthorizationError) {
    console.error(`nats-config: ${error.message}`);
    process.exit(EXIT_USAGE);
  }
  throw error;
}
