import { randomUUID } from 'node:crypto';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { send } from '../runtime/harness.js';

/** Game-server and player commands against a running world, in the words of the README. */
export const gameServer: Issuer = { kind: 'server', id: 'gs1' };
export const asPlayer = (id: string): Issuer => ({ kind: 'player', id });

export const command = (
  transport: RequestTransport,
  category: string,
  actorId: string,
  name: string,
  data: Record<string, unknown>,
  issuer: Issuer = gameServer,
  commandId: string = randomUUID(),
): Promise<CommandReply> => send(transport, actorId, name, data, { category, issuer, commandId, timeoutMs: 10_000 });

const expectOk = (reply: CommandReply, what: string): CommandReply => {
  if (!reply.ok) throw new Error(`${what}: ${reply.error.code} ${reply.error.message}`);
  return reply;
};

/** Registers each player with `gold` (an admin grant), and mints `items` items each, named `<player>-i<n>`. */
export const seedWorld = async (
  transport: RequestTransport,
  players: readonly string[],
  { gold, items }: { readonly gold: number; readonly items: number },
): Promise<void> => {
  await Promise.all(
    players.map(async (playerId) => {
      expectOk(await command(transport, 'player', playerId, 'register', { name: playerId }), `register ${playerId}`);
      if (gold > 0) {
        expectOk(
          await command(transport, 'player', playerId, 'credit', { amount: gold, cause: 'adminGrant', reference: `seed-${playerId}` }),
          `grant ${playerId}`,
        );
      }
      for (let index = 0; index < items; index += 1) {
        expectOk(await command(transport, 'item', `${playerId}-i${index}`, 'mint', { templateId: 'sword', owner: playerId }), 'mint');
      }
    }),
  );
};

export interface TradeTerms {
  readonly tradeId: string;
  readonly initiator: string;
  readonly counterparty: string;
  readonly initiatorItems?: readonly string[];
  readonly initiatorGold?: number;
  readonly counterpartyItems?: readonly string[];
  readonly counterpartyGold?: number;
  readonly expiresAt?: number;
}

/**
 * Proposes, offers and accepts a trade as its two players would. Resolves with the reply
 * to the last acceptance (or the first refusal): the trade queue takes it from there.
 */
export const agreeTrade = async (transport: RequestTransport, terms: TradeTerms): Promise<CommandReply> => {
  const { tradeId, initiator, counterparty } = terms;
  const trade = (name: string, data: Record<string, unknown>, by: string) => command(transport, 'trade', tradeId, name, data, asPlayer(by));
  const offers: [string, Record<string, unknown>, string][] = [
    ['offer', { items: terms.initiatorItems ?? [], gold: terms.initiatorGold ?? 0 }, initiator],
    ['offer', { items: terms.counterpartyItems ?? [], gold: terms.counterpartyGold ?? 0 }, counterparty],
  ];
  // An empty offer changes nothing, so it bumps no version.
  const made = offers.filter(([, data]) => (data['items'] as unknown[]).length > 0 || data['gold'] !== 0);
  const steps: [string, Record<string, unknown>, string][] = [
    ['propose', { initiator, counterparty, expiresAt: terms.expiresAt ?? Date.now() + 600_000 }, initiator],
    ...made,
    ['accept', { offerVersion: made.length }, initiator],
    ['accept', { offerVersion: made.length }, counterparty],
  ];
  let reply: CommandReply = { ok: false, error: { code: 'INTERNAL', message: 'no steps' } };
  for (const [name, data, by] of steps) {
    reply = await trade(name, data, by);
    if (!reply.ok) return reply;
  }
  return reply;
};
