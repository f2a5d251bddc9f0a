import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError, StoreUnavailableError, type ProposedEvent } from '../../../events/store/index.js';
import type { AppendRequest } from './append.js';
import type { BatchResult } from './batch-transaction.js';
import { createAppendQueue, type AppendQueueOptions } from './group-commit.js';

const event = (bytes = 0): ProposedEvent => ({
  id: '00000000-0000-4000-8000-000000000000',
  type: 'T.v1',
  data: new Uint8Array(bytes),
  metadata: new Uint8Array(),
});
const request = (stream: string, bytes = 0): AppendRequest => ({ stream, events: [event(bytes)], expectedRevision: 'any' });
const resultFor = (stream: string) => ({
  nextExpectedRevision: BigInt(stream.length),
  position: { commit: 1n, prepare: 1n },
});
const commitAll = (batch: readonly AppendRequest[]): BatchResult => ({
  kind: 'committed',
  outcomes: batch.map(({ stream }) => ({ ok: true, result: resultFor(stream) })),
});

/** A queue over a fake transaction that records the streams of every batch it runs. */
const recording = (options: Partial<AppendQueueOptions> = {}) => {
  const batches: string[][] = [];
  let wakes = 0;
  const queue = createAppendQueue({
    grouped: true,
    onCommitted: () => (wakes += 1),
    ...options,
    run: (batch) => {
      batches.push(batch.map(({ stream }) => stream));
      return (options.run ?? commitAll)(batch);
    },
  });
  return { queue, batches, wakes: () => wakes };
};

describe('append queue (group commit)', () => {
  it('runs the appends of one turn as one batch, in arrival order, after microtask hops', async () => {
    const { queue, batches, wakes } = recording();
    const hops = async (count: number, stream: string) => {
      for (let hop = 0; hop < count; hop += 1) await Promise.resolve();
      return queue.append(request(stream));
    };
    const results = await Promise.all([queue.append(request('a')), hops(5, 'bbb'), hops(1, 'cc')]);
    expect(batches).toEqual([['a', 'cc', 'bbb']]);
    expect(results.map((result) => result.nextExpectedRevision)).toEqual([1n, 3n, 2n]);
    expect(wakes()).toBe(1);
    await queue.append(request('d'));
    expect(batches).toEqual([['a', 'cc', 'bbb'], ['d']]);
  });

  it('runs each append on its own, at once, when not grouped', async () => {
    const { queue, batches } = recording({ grouped: false });
    const pending = [queue.append(request('a')), queue.append(request('b'))];
    expect(batches).toEqual([['a'], ['b']]);
    await Promise.all(pending);
  });

  it('bounds a batch by count and by bytes; an oversized append goes alone; the rest waits a turn', async () => {
    const { queue, batches } = recording({ limits: { maxAppends: 3, maxBytes: 100 } });
    const first = ['a', 'b', 'c', 'd'].map((stream) => queue.append(request(stream, 10)));
    const sized = [queue.append(request('big', 500)), queue.append(request('x', 60)), queue.append(request('y', 60))];
    await first[0];
    expect(batches).toEqual([['a', 'b', 'c']]);
    // Arrives after the first flush, so it queues behind what was left.
    const late = queue.append(request('late'));
    await Promise.all([...first, ...sized, late]);
    expect(batches).toEqual([['a', 'b', 'c'], ['d'], ['big'], ['x'], ['y', 'late']]);
  });

  it('settles each caller with its own outcome, and wakes nobody when nothing was written', async () => {
    const conflict = new ConcurrencyError('b', 0n, 'no_stream');
    const { queue, wakes } = recording({
      run: () => ({ kind: 'committed', outcomes: [{ ok: false, error: conflict }] }),
    });
    await expect(queue.append(request('b'))).rejects.toBe(conflict);
    expect(wakes()).toBe(0);
  });

  it('rejects the whole batch when the transaction fails, or when running it throws', async () => {
    const error = new StoreUnavailableError('commit failed');
    const failing = recording({ run: () => ({ kind: 'failed', error }) });
    const attempts = await Promise.allSettled([failing.queue.append(request('a')), failing.queue.append(request('b'))]);
    expect(attempts).toEqual([
      { status: 'rejected', reason: error },
      { status: 'rejected', reason: error },
    ]);
    const throwing = recording({
      run: () => {
        throw new Error('bug');
      },
    });
    await expect(throwing.queue.append(request('a'))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(failing.wakes() + throwing.wakes()).toBe(0);
  });

  it('fails a poisoned append alone and runs the others again, first, in the next batch', async () => {
    const error = new StoreUnavailableError('disk I/O error');
    const { queue, batches } = recording({
      run: (batch) => {
        const index = batch.findIndex(({ stream }) => stream === 'poison');
        return index >= 0 ? { kind: 'poisoned', index, error } : commitAll(batch);
      },
    });
    const attempts = Promise.allSettled(['a', 'poison', 'b'].map((stream) => queue.append(request(stream))));
    await nextTurn();
    const late = queue.append(request('late'));
    expect((await attempts).map((attempt) => attempt.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await late;
    expect(batches).toEqual([['a', 'poison', 'b'], ['a', 'b', 'late']]);
  });

  it('runs everything queued, now, on drain', async () => {
    const { queue, batches } = recording({ limits: { maxAppends: 2, maxBytes: 100 } });
    const pending = ['a', 'b', 'c'].map((stream) => queue.append(request(stream)));
    queue.drain();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    await Promise.all(pending);
    await nextTurn();
    expect(batches).toHaveLength(2);
  });
});
