import { describe, expect, it } from 'vitest';
import { StoreRequestError } from '../../../events/store/index.js';
import { checkpointMultiplier, toClientExpectedRevision, toClientFilter, toEventData, toReadRevision } from './mapping.js';

const noop = (): void => undefined;

describe('EventStoreDB mapping', () => {
  it('maps our expected revisions onto the client’s', () => {
    expect(toClientExpectedRevision('no_stream')).toBe('no_stream');
    expect(toClientExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toClientExpectedRevision('any')).toBe('any');
    expect(toClientExpectedRevision(41n)).toBe(41n);
  });

  it('sends events as binary, with metadata as a plain Uint8Array even from a Buffer', () => {
    const data = Buffer.from([1, 2, 3]);
    const event = toEventData({ id: '5f0b4b4e-6d2a-4d8e-9a37-1f2a3b4c5d6e', type: 'T.v1', data, metadata: Buffer.from('{}') });
    expect(event.contentType).toBe('application/octet-stream');
    expect(event.metadata?.constructor).toBe(Uint8Array);
    expect(Array.from(event.data as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('rounds the checkpoint interval to multiples of the server’s 32-event window', () => {
    expect(checkpointMultiplier(undefined)).toBe(1);
    expect(checkpointMultiplier(1)).toBe(1);
    expect(checkpointMultiplier(32)).toBe(1);
    expect(checkpointMultiplier(100)).toBe(3);
    expect(() => checkpointMultiplier(0)).toThrow(StoreRequestError);
    expect(() => checkpointMultiplier(Number.NaN)).toThrow(StoreRequestError);
  });

  it('always gives the server a filter, so checkpoints flow', () => {
    expect(toClientFilter(undefined, 2, noop)).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 2 });
    expect(toClientFilter({ on: 'streamName', prefixes: ['player-'] }, 1, noop)).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['player-'],
    });
    expect(toClientFilter({ on: 'eventType', regex: '^Item' }, 1, noop)).toMatchObject({ filterOn: 'eventType', regex: '^Item' });
  });

  it('refuses a negative revision', () => {
    expect(() => toReadRevision(-1n)).toThrow(StoreRequestError);
  });
});
