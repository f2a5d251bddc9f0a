import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { SNAPSHOT_STREAM_PREFIX } from '../../actors/runtime/snapshots.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { worldActors } from '../../infra/world/world-node.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import { seededRandom } from '../../scripts/simulation/random.js';
import { HOSTILE_CLASSES, TARGETS, type HostileRequest } from '../support/chaos/hostile-payloads.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * Figure 12 of RELIABILITY.md: hostile payloads against a world host in a process of its
 * own, started with a 64 MiB heap, behind a harness-started nats-server whose max_payload is
 * lowered to 64 KiB. Every class of hostile request (see test/support/chaos/hostile-payloads.ts)
 * is sent many times, each from a seeded generator; every one must be answered with the
 * error code the README promises for its class, the host must stay alive and answer a
 * valid command after each class, its resident memory must stay bounded, and the log must
 * end up holding the valid commands' events and nothing else. Payloads over NATS's own
 * max_payload never reach a host: they are sent on a raw socket and nats-server must refuse them.
 *
 * `HOSTILE_SEED=<n>` replays a run's bytes.
 */

const HOST_PROCESS = fileURLToPath(new URL('../support/world/world-host-process.ts', import.meta.url));
const SEED = Number(process.env['HOSTILE_SEED'] ?? 20261207);
const HEAP_MB = 64;
const MAX_PAYLOAD = 64 * 1024;
/** Every class is sent in rounds; memory is read after each, so growth shows apart from a plateau. */
const ROUNDS = scaled({ short: 2, full: 10 });
const PER_CLASS_PER_ROUND = scaled({ short: 12, full: 24 });
const PER_CLASS = ROUNDS * PER_CLASS_PER_ROUND;
const OVER_MAX_PAYLOAD = scaled({ short: 6, full: 30 });
const MALFORMED_HEADERS = scaled({ short: 8, full: 40 });
const CONCURRENCY = 24;
const REQUEST_TIMEOUT_MS = 10_000;
/** What the hostile run may add to the host's resident memory, start to end and at its peak. */
const RSS_GROWTH_BOUND_MB = 96;

const plain = new Packr({ useRecords: false });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc. */
const memoryOf = (pid: number): { rss: number; peak: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
};

/**
 * Publishes `size` bytes on a raw connection, as a client ignoring the server's max_payload
 * would, and returns what the server said before it closed the connection.
 */
const publishRaw = (url: string, subject: string, size: number): Promise<string> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connectTcp({ host: hostname, port: Number(port) });
    let said = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(said);
    }, 5_000);
    socket.on('data', (chunk) => {
      said += chunk.toString('latin1');
      if (said.startsWith('INFO') && !said.includes('PUB_SENT')) {
        said += 'PUB_SENT';
        socket.write(`CONNECT {"user":"gameserver","pass":"gameserver","verbose":false,"pedantic":false,"headers":true}\r\n`);
        socket.write(`PUB ${subject} _INBOX.raw ${size}\r\n`);
        // The payload follows a moment later: the server judges the header alone, and its
        // answer would otherwise race a reset caused by bytes it no longer reads.
        setTimeout(() => {
          if (!socket.destroyed) socket.write(Buffer.concat([Buffer.alloc(size, 0x91), Buffer.from('\r\n')]));
        }, 200);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(said);
    });
  });

/**
 * A request with a header block of our own making (nats.js refuses to write a malformed
 * one), on a raw connection subscribed to its own inbox: the reply's payload, or
 * `undefined` when none came within five seconds.
 */
const requestRaw = (url: string, subject: string, headerLines: readonly string[], payload: Uint8Array): Promise<Uint8Array | undefined> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connectTcp({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let sent = false;
    const finish = (reply: Uint8Array | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined), 5_000);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (!sent && received.includes('\r\n')) {
        sent = true;
        const header = Buffer.from(['NATS/1.0', ...headerLines, '', ''].join('\r\n'), 'utf8');
        socket.write('CONNECT {"user":"gameserver","pass":"gameserver","verbose":false,"pedantic":false,"headers":true}\r\nSUB _INBOX.raw.h 1\r\nPING\r\n');
        socket.write(Buffer.concat([Buffer.from(`HPUB ${subject} _INBOX.raw.h ${header.length} ${header.length + payload.length}\r\n`), header, payload, Buffer.from('\r\n')]));
        return;
      }
      const start = received.indexOf('MSG _INBOX.raw.h');
      if (start < 0) return;
      const lineEnd = received.indexOf('\r\n', start);
      if (lineEnd < 0) return;
      const size = Number(received.subarray(start, lineEnd).toString('latin1').split(' ').pop());
      if (received.length >= lineEnd + 2 + size) finish(Uint8Array.from(received.subarray(lineEnd + 2, lineEnd + 2 + size)));
    });
    socket.on('error', () => finish(undefined));
  });

/** Header blocks nats.js cannot parse (keys with spaces, colons or non-ASCII), around trace headers. */
const MALFORMED_HEADER_BLOCKS: readonly (readonly string[])[] = [
  ['bad key: 1', 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ['traceparent: x', 'é: 1'],
  ['tracestate: a=1', ' leading: space'],
  ['trace parent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
];

describe('hostile input (figure 12)', () => {
  let nats: NatsServerHandle | undefined;
  let folder: string | undefined;
  let host: ScriptProcess | undefined;
  let connection: NatsConnection | undefined;
  let reader: EventStore | undefined;

  afterAll(async () => {
    if (host !== undefined && host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
    await host?.exited;
    await connection?.close();
    await reader?.close();
    await nats?.stop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('answers every hostile request with its typed error, stays up, keeps its memory and the log clean', async () => {
    console.log(`hostile input: seed ${SEED} (HOSTILE_SEED), ${PER_CLASS} requests x ${HOSTILE_CLASSES.length} classes, host heap ${HEAP_MB} MiB`);
    const random = seededRandom(SEED);

    // The requests are dressed as real commands: their data must pass the command's schema.
    const actors = new Map(worldActors().map((type) => [type.category, type]));
    for (const target of TARGETS) {
      const spec = actors.get(target.category)?.commands[target.command];
      expect(spec?.schema.safeParse(target.data('h0')).success, `${target.category}.${target.command}`).toBe(true);
    }

    nats = await startNatsServer({
      jetstream: false,
      config: `
max_payload: ${MAX_PAYLOAD}
authorization {
  users = [
    { user: host, password: host }
    { user: gameserver, password: gameserver }
  ]
}`,
    });
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-hostile-'));
    const file = join(folder, 'events.sqlite');
    host = startScript(HOST_PROCESS, [file, nats.url, 'hostile-host'], { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` });
    await host.waitFor((lines) => lines.includes('ready'), 60_000);
    const pid = host.child.pid as number;

    connection = await connectNats({ servers: nats.url, user: 'gameserver', pass: 'gameserver', name: 'hostile-client' });
    const transport: RequestTransport = createNatsRequestTransport(connection);

    // Valid commands: each registers a new player, one event each.
    const validIds = new Set<string>();
    let validSent = 0;
    let validOk = 0;
    const sendValid = async (): Promise<boolean> => {
      validSent += 1;
      const playerId = `v${validSent}`;
      const commandId = `valid-${validSent}`;
      const reply = await transport.request(
        `mmo.cmd.server.gs.player.${playerId}.register`,
        plain.pack({ commandId, data: { name: `Valid ${validSent}` } }),
        { timeoutMs: REQUEST_TIMEOUT_MS },
      );
      const ok = typeof reply !== 'string' && decodeReply(reply).ok;
      if (ok) {
        validOk += 1;
        validIds.add(commandId);
      }
      return ok;
    };
    expect(await sendValid()).toBe(true);

    // The heap, as the host reports it on SIGUSR2 (a signal to the process this test started).
    let heapReports = 0;
    const heapOf = async (): Promise<number> => {
      const running = host as ScriptProcess;
      const wanted = (heapReports += 1);
      running.child.kill('SIGUSR2');
      await running.waitFor((lines) => lines.filter((line) => line.startsWith('memory ')).length >= wanted, 10_000);
      const line = running.lines.filter((entry) => entry.startsWith('memory '))[wanted - 1] ?? '';
      return Number(/heapUsed=(\d+)/.exec(line)?.[1] ?? NaN) / 2 ** 20;
    };
    const heapStart = await heapOf();
    let heapPeak = heapStart;
    const memory = memoryOf(pid);
    const rssStart = memory.rss;
    let rssPeak = memory.rss;
    const rssAfterRound: number[] = [];
    const sampler = setInterval(() => {
      try {
        rssPeak = Math.max(rssPeak, memoryOf(pid).rss);
      } catch {
        // The process is gone: the liveness check below says so.
      }
    }, 50);

    interface ClassResult {
      sent: number;
      expected: number;
      otherCode: Record<string, number>;
      unanswered: number;
      servedAfter: boolean;
    }
    const results = new Map<string, ClassResult>();
    const tracedIds = new Set<string>();
    const answerOf = async (request: HostileRequest): Promise<string> => {
      try {
        const reply = await transport.request(request.subject, request.payload, {
          timeoutMs: REQUEST_TIMEOUT_MS,
          ...(request.headers === undefined ? {} : { headers: request.headers }),
        });
        if (typeof reply === 'string') return reply;
        const decoded = decodeReply(reply);
        return decoded.ok ? 'OK' : decoded.error.code;
      } catch (error) {
        return `not sent: ${error instanceof Error ? error.message : String(error)}`;
      }
    };

    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [classIndex, hostile] of HOSTILE_CLASSES.entries()) {
        const result: ClassResult = results.get(hostile.name) ?? { sent: 0, expected: 0, otherCode: {}, unanswered: 0, servedAfter: true };
        results.set(hostile.name, result);
        const requests = Array.from({ length: PER_CLASS_PER_ROUND }, (_, index) => {
          const n = round * PER_CLASS_PER_ROUND + index;
          const actorId = `h${classIndex}x${n}`;
          if (hostile.expected === 'OK') tracedIds.add(`c${actorId}`);
          return hostile.make(actorId, n, random);
        });
        for (let start = 0; start < requests.length; start += CONCURRENCY) {
          const answers = await Promise.all(requests.slice(start, start + CONCURRENCY).map(answerOf));
          for (const answer of answers) {
            result.sent += 1;
            if (answer === hostile.expected) result.expected += 1;
            else if (answer === 'timeout' || answer === 'no_responders' || answer.startsWith('not sent')) result.unanswered += 1;
            else result.otherCode[answer] = (result.otherCode[answer] ?? 0) + 1;
            if (answer !== hostile.expected) console.log(`  ${hostile.name}: expected ${hostile.expected}, got ${answer}`);
          }
        }
        result.servedAfter = (await sendValid()) && result.servedAfter;
      }
      rssAfterRound.push(memoryOf(pid).rss);
      heapPeak = Math.max(heapPeak, await heapOf());
    }

    // Header blocks no NATS client would write: the command is served, the trace context dropped.
    let malformedHeadersOk = 0;
    for (let index = 0; index < MALFORMED_HEADERS; index += 1) {
      const commandId = `raw-headers-${index}`;
      const reply = await requestRaw(
        nats.url,
        `mmo.cmd.server.gs.player.rawh${index}.register`,
        MALFORMED_HEADER_BLOCKS[index % MALFORMED_HEADER_BLOCKS.length] as readonly string[],
        plain.pack({ commandId, data: { name: 'Raw' } }),
      );
      const answer = reply === undefined ? 'unanswered' : decodeReply(reply);
      if (answer !== 'unanswered' && answer.ok) {
        malformedHeadersOk += 1;
        tracedIds.add(commandId);
      } else console.log(`  malformed header block: expected OK, got ${answer === 'unanswered' ? answer : JSON.stringify(answer)}`);
    }
    expect(await sendValid()).toBe(true);

    // Over nats-server's own max_payload: refused by the server before any host sees it.
    let overMaxRefused = 0;
    for (let index = 0; index < OVER_MAX_PAYLOAD; index += 1) {
      const said = await publishRaw(nats.url, `mmo.cmd.server.gs.player.big${index}.register`, MAX_PAYLOAD + 1 + index * 10_000);
      if (said.includes('Maximum Payload')) overMaxRefused += 1;
      else console.log(`  over max_payload: nats-server said ${JSON.stringify(said)}`);
    }
    expect(await sendValid()).toBe(true);

    await sleep(500);
    clearInterval(sampler);
    const alive = host.child.exitCode === null && host.child.signalCode === null;
    const end = memoryOf(pid);
    rssPeak = Math.max(rssPeak, end.rss);
    const heapEnd = await heapOf();
    heapPeak = Math.max(heapPeak, heapEnd);

    // The log: the valid commands' events, nothing else.
    reader = openSqliteEventStore({ path: file });
    let events = 0;
    let hostileEvents = 0;
    let tracedRecorded = 0;
    for await (const stored of reader.readAll()) {
      if (stored.stream.startsWith(SNAPSHOT_STREAM_PREFIX)) continue;
      const recorded = worldCodec.decode(stored);
      events += 1;
      const commandId = recorded.metadata.commandId ?? '';
      if (tracedIds.has(commandId)) {
        if (recorded.metadata.traceparent !== undefined || recorded.metadata.tracestate !== undefined) tracedRecorded += 1;
      } else if (!validIds.has(commandId)) hostileEvents += 1;
    }

    const hostileSent = [...results.values()].reduce((total, result) => total + result.sent, 0);
    const typed = [...results.values()].reduce((total, result) => total + result.expected, 0);
    const percent = (100 * typed) / hostileSent;
    const measurements: Record<string, number | string> = {};
    for (const [name, result] of results) {
      const expected = HOSTILE_CLASSES.find((hostile) => hostile.name === name)?.expected ?? '';
      measurements[`${name} → ${expected}`] = `${result.expected}/${result.sent}`;
    }
    Object.assign(measurements, {
      'malformed NATS header blocks on a valid command (dropped, not recorded) → OK': `${malformedHeadersOk}/${MALFORMED_HEADERS}`,
      [`over max_payload (${MAX_PAYLOAD} B) → refused by nats-server`]: `${overMaxRefused}/${OVER_MAX_PAYLOAD}`,
      'hostile requests': hostileSent,
      'answered with the promised code (%)': Number(percent.toFixed(2)),
      unanswered: [...results.values()].reduce((total, result) => total + result.unanswered, 0),
      'valid commands ok': `${validOk}/${validSent}`,
      'host alive': alive ? 'yes' : 'no',
      'host heap limit (MiB)': HEAP_MB,
      'heap used start (MiB)': Number(heapStart.toFixed(1)),
      'heap used peak of samples (MiB)': Number(heapPeak.toFixed(1)),
      'heap used end (MiB)': Number(heapEnd.toFixed(1)),
      'RSS start (MiB)': Number(rssStart.toFixed(1)),
      'RSS after the first round (MiB)': Number((rssAfterRound[0] ?? NaN).toFixed(1)),
      'RSS peak (MiB)': Number(rssPeak.toFixed(1)),
      'RSS end (MiB)': Number(end.rss.toFixed(1)),
      'VmHWM, start-up included (MiB)': Number(end.peak.toFixed(1)),
      'events in the log': events,
      'events of hostile requests': hostileEvents,
      'malformed trace headers recorded': tracedRecorded,
    });
    console.log(measurements);

    const verdict =
      percent === 100 &&
      overMaxRefused === OVER_MAX_PAYLOAD &&
      malformedHeadersOk === MALFORMED_HEADERS &&
      validOk === validSent &&
      alive &&
      rssPeak - rssStart < RSS_GROWTH_BOUND_MB &&
      heapPeak < HEAP_MB &&
      hostileEvents === 0 &&
      tracedRecorded === 0 &&
      events === validIds.size + tracedIds.size;
    recordFigure({
      figure: 12,
      scenario: 'hostile payloads against a world host with a 64 MiB heap over NATS',
      verdict: verdict ? 'pass' : 'fail',
      measurements,
      seeds: [SEED],
      method:
        `${HOSTILE_CLASSES.length} classes of hostile requests, ${PER_CLASS} each (${ROUNDS} rounds of ${PER_CLASS_PER_ROUND}) from a seeded generator, sent over a harness-started nats-server ` +
        `(max_payload ${MAX_PAYLOAD} B) to a world host running with --max-old-space-size=${HEAP_MB}; each answer is checked against the code the README promises, ` +
        'a valid command follows every class, the RSS is sampled from /proc every 50 ms and the heap after every round, and the log is read back at the end.',
    });

    for (const [name, result] of results) {
      expect({ name, ...result }).toEqual({ name, sent: PER_CLASS, expected: PER_CLASS, otherCode: {}, unanswered: 0, servedAfter: true });
    }
    expect(overMaxRefused).toBe(OVER_MAX_PAYLOAD);
    expect(malformedHeadersOk).toBe(MALFORMED_HEADERS);
    expect(alive).toBe(true);
    expect(validOk).toBe(validSent);
    expect(rssPeak - rssStart).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(heapPeak).toBeLessThan(HEAP_MB);
    expect(end.rss - rssStart).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(hostileEvents).toBe(0);
    expect(tracedRecorded).toBe(0);
    expect(events).toBe(validIds.size + tracedIds.size);
  });
});
