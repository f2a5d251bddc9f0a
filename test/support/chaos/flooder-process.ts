/**
 * One player flooding the hosts with commands, in a process of its own (so its sending
 * does not share an event loop with the players whose latency is measured), on its own
 * NATS connection with its own credentials, as a hostile client would. It sends
 * `player.changeZone` on its own player, each to a new zone (so every accepted command
 * appends exactly one event), at a fixed rate far above any budget, for a while; then it
 * waits for the last replies and prints one line, `result <json>` (`FloodResult`).
 *
 *   node --import tsx test/support/chaos/flooder-process.ts '<json FloodOptions>'
 *
 * It prints `ready` once connected and starts `startDelayMs` later.
 */
import { randomUUID } from 'node:crypto';
import { encodeCommandEnvelope } from '../../../actors/runtime/protocol/envelope.js';
import { decodeReply } from '../../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../../actors/runtime/protocol/subjects.js';
import { connectNats, createNatsRequestTransport } from '../../../infra/nats/index.js';

export interface FloodOptions {
  readonly url: string;
  readonly user: string;
  readonly pass: string;
  readonly player: string;
  /** Zones are named `<zonePrefix><n>`; a new prefix per round keeps rounds apart. */
  readonly zonePrefix: string;
  readonly perSecond: number;
  readonly durationMs: number;
  readonly startDelayMs: number;
  /** Requests awaiting a reply at most; past it the flood skips a beat (counted). */
  readonly maxInFlight: number;
}

export interface FloodResult {
  readonly sent: number;
  readonly ok: number;
  readonly rateLimited: number;
  /** Any other answer, by code (`TIMEOUT` for none). */
  readonly other: Readonly<Record<string, number>>;
  /** Sends skipped because maxInFlight requests were unanswered. */
  readonly skipped: number;
  /** From the first send to the last reply: the longest the host can have been refilling this flood's bucket. */
  readonly spanMs: number;
  /** The zones of the accepted commands, to find in the log. */
  readonly acceptedZones: readonly string[];
}

const TICK_MS = 5;

const options = JSON.parse(process.argv[2] ?? '{}') as FloodOptions;
const connection = await connectNats({ servers: options.url, user: options.user, pass: options.pass, name: `flooder-${options.player}` });
const transport = createNatsRequestTransport(connection);
process.stdout.write('ready\n');
await new Promise((resolve) => setTimeout(resolve, options.startDelayMs));

const subject = commandSubject({ issuer: { kind: 'player', id: options.player }, category: 'player', actorId: options.player, command: 'changeZone' });
const counts = { sent: 0, ok: 0, rateLimited: 0, skipped: 0 };
const other: Record<string, number> = {};
const acceptedZones: string[] = [];
let inFlight = 0;
let lastReplyAt = 0;
const pending: Promise<void>[] = [];

const sendOne = async (): Promise<void> => {
  const zone = `${options.zonePrefix}${counts.sent}`;
  counts.sent += 1;
  inFlight += 1;
  const reply = await transport.request(subject, encodeCommandEnvelope({ commandId: randomUUID(), data: { zone } }), { timeoutMs: 10_000 });
  inFlight -= 1;
  lastReplyAt = performance.now();
  if (typeof reply === 'string') {
    other[reply.toUpperCase()] = (other[reply.toUpperCase()] ?? 0) + 1;
    return;
  }
  const decoded = decodeReply(reply);
  if (decoded.ok) {
    counts.ok += 1;
    acceptedZones.push(zone);
  } else if (decoded.error.code === 'RATE_LIMITED') counts.rateLimited += 1;
  else other[decoded.error.code] = (other[decoded.error.code] ?? 0) + 1;
};

// Open loop: each tick sends what the rate owes since the start, whatever the replies do.
const startedAt = performance.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = performance.now() - startedAt;
    const due = Math.floor((Math.min(elapsed, options.durationMs) * options.perSecond) / 1000);
    while (counts.sent + counts.skipped < due) {
      if (inFlight >= options.maxInFlight) counts.skipped += 1;
      else pending.push(sendOne());
    }
    if (elapsed >= options.durationMs) {
      clearInterval(timer);
      resolve();
    }
  }, TICK_MS);
});
await Promise.all(pending);

const result: FloodResult = { ...counts, other, spanMs: lastReplyAt - startedAt, acceptedZones };
process.stdout.write(`result ${JSON.stringify(result)}\n`);
await transport.close();
await connection.close();
process.exit(0);
