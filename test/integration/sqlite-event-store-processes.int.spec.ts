import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/store/index.js';
import { eventsOf, ids, proposedMany, takeUntil, toArray } from '../support/events.js';
import type { AckLine, BatchMetadata } from '../support/sqlite/append-loop.js';
import type { EventLine } from '../support/sqlite/follow-log.js';
import { startScript } from '../support/sqlite/script-process.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';

const APPEND_LOOP = fileURLToPath(new URL('../support/sqlite/append-loop.ts', import.meta.url));
const FOLLOW_LOG = fileURLToPath(new URL('../support/sqlite/follow-log.ts', import.meta.url));

const payloads = (lines: readonly string[], kind: string): string[] =>
  lines.filter((line) => line.startsWith(`${kind} `)).map((line) => line.slice(kind.length + 1));
const acks = (lines: readonly string[]): AckLine[] => payloads(lines, 'ack').map((json) => JSON.parse(json) as AckLine);
const decoder = new TextDecoder();

describe('sqlite event store across processes', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-sqlite-processes-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /**
   * Kills a writer three times at a varying point, while it is deep in its loop (mid-append,
   * most likely mid-fsync), restarting it on the same file, then checks every acknowledged
   * append against the file. With several writers, group commit batches their appends.
   */
  const killRepeatedly = async (file: string, writers: number): Promise<void> => {
    const acknowledged: AckLine[] = [];
    const rounds = ['full', 'normal', 'full'] as const;
    for (const synchronous of rounds) {
      const args = ['--streams', String(Math.max(5, writers)), '--writers', String(writers), '--synchronous', synchronous];
      const writer = startScript(APPEND_LOOP, [file, ...args]);
      const killAfter = acknowledged.length + 60 * writers + Math.floor(Math.random() * 60 * writers);
      await writer.waitFor((lines) => acknowledged.length + acks(lines).length >= killAfter);
      writer.child.kill('SIGKILL');
      const { signal } = await writer.exited;
      expect(signal).toBe('SIGKILL');
      acknowledged.push(...acks(writer.lines));
    }

    const store = openSqliteEventStore({ path: file });
    try {
      for (const ack of acknowledged) {
        const first = BigInt(ack.nextExpectedRevision) - BigInt(ack.ids.length - 1);
        const read = await toArray(store.read(ack.stream, { from: first, maxCount: ack.ids.length }));
        expect(ids(read)).toEqual(ack.ids);
        expect(read.at(-1)?.position.commit).toBe(BigInt(ack.position));
      }

      const batches = new Map<string, StoredEvent[]>();
      for await (const event of store.readAll()) {
        const { batch } = JSON.parse(decoder.decode(event.metadata)) as BatchMetadata;
        batches.set(batch, [...(batches.get(batch) ?? []), event]);
      }
      for (const events of batches.values()) {
        const metadata = events.map((event) => JSON.parse(decoder.decode(event.metadata)) as BatchMetadata);
        expect(metadata.map((entry) => entry.index)).toEqual(Array.from({ length: metadata[0]?.size ?? 0 }, (_, i) => i));
        expect(new Set(events.map((event) => event.stream)).size).toBe(1);
        events.forEach((event, index) => {
          expect(event.revision).toBe((events[0]?.revision ?? 0n) + BigInt(index));
          expect(event.position.commit).toBe((events[0]?.position.commit ?? 0n) + BigInt(index));
        });
      }
      const acknowledgedBatches = new Set(acknowledged.map((ack) => ack.batch));
      expect([...acknowledgedBatches].filter((batch) => !batches.has(batch))).toEqual([]);
      // Committed but killed before its ack line: at most the appends in flight per kill, one per writer.
      expect(batches.size - acknowledgedBatches.size).toBeLessThanOrEqual(rounds.length * writers);
    } finally {
      await store.close();
    }
  };

  it('keeps every acknowledged append, whole, when the writer is killed with SIGKILL', async () => {
    await killRepeatedly(join(folder, 'crash.db'), 1);
  }, 60_000);

  it('keeps every acknowledged append, whole, when 16 concurrent writers sharing commits are killed', async () => {
    await killRepeatedly(join(folder, 'crash-grouped.db'), 16);
  }, 60_000);

  it('lets a read-only process follow the log while this process writes', async () => {
    const file = join(folder, 'follow.db');
    const store = openSqliteEventStore({ path: file });
    try {
      const before = proposedMany(10);
      await store.append('xp-0', before, { expectedRevision: 'no_stream' });
      const live = Array.from({ length: 12 }, () => proposedMany(5));
      const expected = [...before, ...live.flat()];
      const follower = startScript(FOLLOW_LOG, [file, '--expect', String(expected.length), '--prefix', 'xp-']);
      await follower.waitFor((lines) => lines.includes('caught_up'));
      let revision = 9n;
      for (const [index, batch] of live.entries()) {
        const result = await store.append(`xp-${index % 2}`, batch, { expectedRevision: index % 2 === 0 ? revision : 'any' });
        if (index % 2 === 0) revision = result.nextExpectedRevision;
        // Unrelated appends in between must be filtered out by the follower, not miscounted.
        await store.append('other-1', proposedMany(1), { expectedRevision: 'any' });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const { code } = await follower.exited;
      expect(code, follower.stderr()).toBe(0);
      const seen = payloads(follower.lines, 'event').map((json) => JSON.parse(json) as EventLine);
      expect(seen.map((line) => line.id)).toEqual(ids(expected));
      expect(follower.lines).toContain(`read ${expected.length}`);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('delivers appends made by another process to a live subscription here, by polling', async () => {
    const file = join(folder, 'poll.db');
    const store = openSqliteEventStore({ path: file, pollIntervalMs: 20 });
    const subscription = store.subscribeAll({ from: 'end' });
    try {
      await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
      const writer = startScript(APPEND_LOOP, [file, '--count', '30', '--streams', '3', '--delay-ms', '5']);
      const { code } = await writer.exited;
      expect(code, writer.stderr()).toBe(0);
      const written = acks(writer.lines).flatMap((ack) => ack.ids);
      expect(written.length).toBeGreaterThanOrEqual(30);
      const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= written.length);
      expect(ids(eventsOf(received))).toEqual(written);
      expect(ids(await toArray(store.readAll()))).toEqual(written);
    } finally {
      await subscription.close();
      await store.close();
    }
  }, 30_000);
});
