/**
 * One player flooding the hosts with commands, in a process of its own (so its sending
 * does not share an event loop with the players whose latency is measured), on its own
 * NATS connection with its own credentials, as a hostile client would. It sends
 * `player.changeZone` on its own player, each to a new zone (so every accepted command
 * appends exactly one event), at a fixed rate far above any budget, in every other
 * window of a schedule: windows 0, 2, 4… are quiet, 1, 3, 5… are flooded, so the
 * latency of other players can be compared between the two, window by window.
 *
 *   node --import tsx test/support/chaos/flooder-process.ts '<json FloodOptions>'
 *
 * It runs at the lowest CPU priority (nice 19), as if on a machine of its own.
 *
 * Once connected and its payloads are encoded it prints `start <epoch ms>`: when window
 * 0 begins (`leadMs` from then, on the wall clock both processes share). After the last
 * window and the last replies it prints `result <json FloodWindow[]>` and exits.
 */
import { randomUUID } from 'node:crypto';
import { setPriority } from 'node:os';
import { encodeCommandEnvelope } from '../../../actors/runtime/protocol/envelope.js';
import { decodeReply } from '../../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../../actors/runtime/protocol/subjects.js';
import { connectNats, createNatsRequestTransport } from '../../../infra/nats/index.js';

export interface FloodOptions {
  readonly url: string;
  readonly user: string;
  readonly pass: string;
  readonly player: string;
  readonly perSecond: number;
  readonly windowMs: number;
  /** Windows in all, quiet and flooded. */
  readonly windows: number;
  readonly leadMs: number;
  /** Requests awaiting a reply at most; past it the flood skips a beat (counted). */
  readonly maxInFlight: number;
}

export interface FloodWindow {
  readonly window: number;
  readonly sent: number;
  readonly ok: number;
  readonly rateLimited: number;
  /** Any other answer, by code (`TIMEOUT` for none). */
  readonly other: Readonly<Record<string, number>>;
  /** Sends skipped because maxInFlight requests were unanswered. */
  readonly skipped: number;
  /** From the window's first send to its last reply: the longest the host can have been refilling the bucket for it. */
  readonly spanMs: number;
  /** The same span on the wall clock (epoch ms). */
  readonly firstSendAt: number;
  readonly lastReplyAt: number;
  /** The zones of its accepted commands, to find in the log. */
  readonly acceptedZones: readonly string[];
}

const TICK_MS = 5;
const now = (): number => performance.timeOrigin + performance.now();

// At the lowest CPU priority: a real flooder's sending costs its own machine, not the
// hosts'. Here it shares the cores with the host and the players being measured; it
// still sends what it owes, in bursts if it falls behind, which is no kinder to the host.
setPriority(19);

const options = JSON.parse(process.argv[2] ?? '{}') as FloodOptions;
const connection = await connectNats({ servers: options.url, user: options.user, pass: options.pass, name: `flooder-${options.player}` });
const transport = createNatsRequestTransport(connection);
const subject = commandSubject({ issuer: { kind: 'player', id: options.player }, category: 'player', actorId: options.player, command: 'changeZone' });

interface Tally {
  sent: number;
  ok: number;
  rateLimited: number;
  skipped: number;
  other: Record<string, number>;
  firstSendAt: number;
  lastReplyAt: number;
  acceptedZones: string[];
}

// Every payload encoded before the flood: during it, the flooder spends its time sending.
const floodWindows = Array.from({ length: options.windows }, (_, window) => window).filter((window) => window % 2 === 1);
const perWindow = Math.ceil((options.perSecond * options.windowMs) / 1000);
const payloads = new Map(
  floodWindows.map((window) => [
    window,
    Array.from({ length: perWindow }, (_, index) => {
      const zone = `f${window}-${index}`;
      return { zone, bytes: encodeCommandEnvelope({ commandId: randomUUID(), data: { zone } }) };
    }),
  ]),
);

const startAt = now() + options.leadMs;
process.stdout.write(`start ${startAt}\n`);

let inFlight = 0;
const pending: Promise<void>[] = [];
const sendOne = async (tally: Tally, zone: string, bytes: Uint8Array): Promise<void> => {
  tally.sent += 1;
  inFlight += 1;
  const reply = await transport.request(subject, bytes, { timeoutMs: 10_000 });
  inFlight -= 1;
  tally.lastReplyAt = now();
  if (typeof reply === 'string') {
    tally.other[reply.toUpperCase()] = (tally.other[reply.toUpperCase()] ?? 0) + 1;
    return;
  }
  const decoded = decodeReply(reply);
  if (decoded.ok) {
    tally.ok += 1;
    tally.acceptedZones.push(zone);
  } else if (decoded.error.code === 'RATE_LIMITED') tally.rateLimited += 1;
  else tally.other[decoded.error.code] = (tally.other[decoded.error.code] ?? 0) + 1;
};

const flood = async (window: number): Promise<Tally> => {
  const tally: Tally = { sent: 0, ok: 0, rateLimited: 0, skipped: 0, other: {}, firstSendAt: now(), lastReplyAt: now(), acceptedZones: [] };
  const batch = payloads.get(window) ?? [];
  const windowStart = startAt + window * options.windowMs;
  // Open loop: each tick sends what the rate owes since the window began, whatever the replies do.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = Math.min(now() - windowStart, options.windowMs);
      const due = Math.min(batch.length, Math.floor((elapsed * options.perSecond) / 1000));
      while (tally.sent + tally.skipped < due) {
        const next = batch[tally.sent + tally.skipped];
        if (next === undefined) break;
        if (inFlight >= options.maxInFlight) tally.skipped += 1;
        else pending.push(sendOne(tally, next.zone, next.bytes));
      }
      if (elapsed >= options.windowMs) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });
  return tally;
};

const tallies = new Map<number, Tally>();
for (const window of floodWindows) {
  const wait = startAt + window * options.windowMs - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  tallies.set(window, await flood(window));
}
await Promise.all(pending);

const result: FloodWindow[] = [...tallies].map(([window, tally]) => ({
  window,
  sent: tally.sent,
  ok: tally.ok,
  rateLimited: tally.rateLimited,
  other: tally.other,
  skipped: tally.skipped,
  spanMs: tally.lastReplyAt - tally.firstSendAt,
  firstSendAt: tally.firstSendAt,
  lastReplyAt: tally.lastReplyAt,
  acceptedZones: tally.acceptedZones,
}));
process.stdout.write(`result ${JSON.stringify(result)}\n`);
await transport.close();
await connection.close();
process.exit(0);
