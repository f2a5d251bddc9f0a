import { createCommandClient, createTypedClient, type TypedCommand } from '../../infra/client/index.js';
import { connectNats, createNatsRequestTransport } from '../../infra/nats/index.js';
import type { BenchCommands } from './tally.js';

/** The typed client as a game server runs it: over createNatsRequestTransport, one connection. */
export interface BenchClient {
  readonly tally: TypedCommand<BenchCommands['tally']['add']>;
  readonly blackhole: TypedCommand<BenchCommands['blackhole']['add']>;
  readonly echo: TypedCommand<BenchCommands['echo']['add']>;
  readonly baseline: TypedCommand<BenchCommands['baseline']['add']>;
  close(): Promise<void>;
}

export const ISSUER = { kind: 'server', id: 'bench' } as const;
export const ONE = { amount: 1 } as const;

export const connectBenchClient = async (url: string): Promise<BenchClient> => {
  const nc = await connectNats({ servers: url, name: 'bench-runtime-client' });
  const transport = createNatsRequestTransport(nc);
  const client = createTypedClient<BenchCommands>(createCommandClient({ transport, issuer: ISSUER }));
  return {
    tally: client.command('tally', 'add'),
    blackhole: client.command('blackhole', 'add'),
    echo: client.command('echo', 'add'),
    baseline: client.command('baseline', 'add'),
    close: async () => {
      await transport.close();
      await nc.close();
    },
  };
};

/** Awaits a reply and throws on anything but success, so a failing bench is loud. */
export const expectOk = async (reply: ReturnType<TypedCommand<unknown>>): Promise<void> => {
  const answer = await reply;
  if (!answer.ok) throw new Error(`bench command failed: ${answer.error.code}: ${answer.error.message}`);
};

/** `count` actor ids, `${prefix}0` … */
export const actorIds = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
