import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventLog, eventOf, positionOf } from './event-log.js';

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, index) => (index * 7 + seed) % 256);

describe('memory event log', () => {
  it('gives back every event exactly, across many slabs, with large events in slabs of their own', () => {
    const log = createEventLog();
    // About 3 MiB of small events with a few large ones between them.
    const written = Array.from({ length: 3_000 }, (_, index) => ({
      stream: `s${index % 7}`,
      id: randomUUID(),
      type: `T${index % 3}.v1`,
      data: bytes(index % 500 === 499 ? 300_000 : 1_000, index),
      metadata: bytes(index % 50, index + 1),
      created: 1_700_000_000_000 + index,
    }));
    const revisions = written.map((event) => log.add(event.stream, event.id, event.type, event.data, event.metadata, event.created));

    expect(log.length).toBe(written.length);
    written.forEach((event, index) => {
      const read = log.read(index);
      expect(read.stream).toBe(event.stream);
      expect(read.revision).toBe(BigInt(revisions[index] ?? -1));
      expect(read.revision).toBe(BigInt(Math.floor(index / 7)));
      expect(read.position).toEqual(positionOf(index));
      expect(eventOf(read.position)).toBe(index);
      expect(read.id).toBe(event.id);
      expect(read.type).toBe(event.type);
      expect(Buffer.from(read.data).equals(Buffer.from(event.data))).toBe(true);
      expect(Buffer.from(read.metadata).equals(Buffer.from(event.metadata))).toBe(true);
      expect(read.created.getTime()).toBe(event.created);
    });
    expect(log.eventsOf('s3')).toEqual(written.flatMap((event, index) => (event.stream === 's3' ? [index] : [])));
    expect(log.eventsOf('missing')).toEqual([]);
  });

  it('keeps its own copy of the bytes', () => {
    const log = createEventLog();
    const data = bytes(16, 1);
    const metadata = bytes(16, 2);
    log.add('s', randomUUID(), 'T.v1', data, metadata, 0);
    data.fill(0);
    metadata.fill(0);
    expect(Array.from(log.read(0).data)).toEqual(Array.from(bytes(16, 1)));
    expect(Array.from(log.read(0).metadata)).toEqual(Array.from(bytes(16, 2)));
  });

  it('finds every id after its index has grown many times, and no id it does not hold', () => {
    const log = createEventLog();
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    ids.forEach((id, index) => log.add(`s${index % 100}`, id, 'T.v1', bytes(4, index), bytes(4, index), 0));
    ids.forEach((id, index) => expect(log.find(id)).toBe(index));
    expect(log.find(randomUUID())).toBe(-1);
    // Ids differ from stored ones by case only: the log compares them exactly.
    expect(log.find((ids[5] ?? '').toUpperCase())).toBe(-1);
    expect(log.hasId(5, ids[5] ?? '')).toBe(true);
    expect(log.hasId(5, ids[6] ?? '')).toBe(false);
    expect(log.streamOf(205)).toBe('s5');
    expect(log.revisionOf(205)).toBe(2);
    expect(log.typeOf(205)).toBe('T.v1');
  });
});
