import {
  AccessDeniedError,
  NotLeaderError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  StoreRequestError,
  StoreUnavailableError,
  StreamDeletedError,
} from '../../../events/store/index.js';
import { isStreamNotFound, toStoreError } from './errors.js';

const append = { operation: 'append to', stream: 'player-1', expected: 3n } as const;

/** The shape @grpc/grpc-js gives a failed call, as the ServerFeatures probe lets it through. */
const grpcError = (code: number, details: string): Error => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('toStoreError', () => {
  it('turns a wrong expected version into a ConcurrencyError with our expectation and the actual revision', () => {
    const cause = new WrongExpectedVersionError(undefined, { streamName: 'player-1', expected: BigInt(3), current: BigInt(7) });
    const error = toStoreError(cause, append);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ stream: 'player-1', expected: 3n, actual: 7n, cause });
  });

  it('reports a missing stream as no_stream', () => {
    const cause = new WrongExpectedVersionError(undefined, { streamName: 'player-1', expected: BigInt(0), current: 'no_stream' });
    expect(toStoreError(cause, { ...append, expected: 0n })).toMatchObject({ expected: 0n, actual: 'no_stream' });
  });

  it('falls back to the expectation the client reports when the adapter has none', () => {
    const cause = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 'stream_exists', current: 'no_stream' });
    expect(toStoreError(cause, { operation: 'append' })).toMatchObject({ stream: 's-1', expected: 'stream_exists' });
  });

  it('turns a deleted stream into StreamDeletedError', () => {
    const error = toStoreError(ClientStreamDeletedError.fromStreamName('player-1'), append);
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect(error).toMatchObject({ code: 'STREAM_DELETED', stream: 'player-1' });
  });

  it('turns the client’s unavailable, not-leader and access-denied errors into StoreUnavailableError', () => {
    const metadata = { getMap: () => ({ 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }) };
    const notLeader = new NotLeaderError(Object.assign(new Error('not leader'), { code: 5, details: '', metadata }) as never);
    for (const cause of [new UnavailableError(), notLeader, new AccessDeniedError()]) {
      const error = toStoreError(cause, append);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).cause).toBe(cause);
    }
  });

  it('turns a raw gRPC UNAVAILABLE (a refused connection) into StoreUnavailableError', () => {
    const error = toStoreError(grpcError(14, 'No connection established'), append);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain('unreachable');
  });

  it('turns a raw gRPC INVALID_ARGUMENT into StoreRequestError', () => {
    expect(toStoreError(grpcError(3, 'bad'), append)).toBeInstanceOf(StoreRequestError);
  });

  it('passes the port’s own errors through and wraps anything else', () => {
    const ours = new StoreRequestError('bad id');
    expect(toStoreError(ours, append)).toBe(ours);
    expect(toStoreError('Impossible situation', append)).toBeInstanceOf(StoreUnavailableError);
  });

  it('recognises the client’s stream-not-found', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'player-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });
});
