import type { ChainableCommander, Redis } from 'ioredis';
import { formatPosition, parsePosition, type Position } from '../../events/store/index.js';
import {
  activeVersionKey,
  assertCacheWrites,
  assertKeyVersion,
  assertProjectionKey,
  assertProjectionName,
  checkpointKey,
  parseKeyVersion,
  projectionKey,
  versionPrefix,
  type CacheReadResult,
  type CacheWrite,
  type ProjectionCache,
} from '../../projections/runner/index.js';
import { asBuffer, asBytes, failedReply, RedisCacheError } from './replies.js';
import { createSerialQueue } from './serial-queue.js';

/**
 * The projection cache on Redis, with the key layout of projections/runner/key-layout.ts.
 *
 * A commit WATCHes the version's checkpoint, compares it with the one the batch started
 * from, and sends the writes and the new checkpoint in one MULTI/EXEC: EXEC answers nil
 * when the checkpoint moved in between (another runner of the same version), and then
 * nothing was written. WATCH belongs to the connection, so commits on one connection go
 * one at a time, and a commit whose connection dropped after its WATCH is abandoned
 * before EXEC (ioredis would otherwise send the MULTI on a new, unwatched connection).
 * Nothing else should WATCH on this connection.
 */
export interface RedisProjectionCacheOptions {
  /** Keys UNLINKed per command by dropVersion, and the SCAN COUNT hint; default 500. */
  readonly dropBatchSize?: number;
  /** Whether close() also closes the connection; default true. */
  readonly closeConnection?: boolean;
}

const queueWrite = (transaction: ChainableCommander, key: string, write: CacheWrite): void => {
  switch (write.op) {
    case 'set':
      if (write.ttlMs === undefined) transaction.set(key, asBuffer(write.value));
      else transaction.set(key, asBuffer(write.value), 'PX', write.ttlMs);
      return;
    case 'expire':
      transaction.pexpire(key, write.ttlMs);
      return;
    case 'delete':
      transaction.del(key);
      return;
    case 'hashSet': {
      const pairs: (string | Buffer)[] = [];
      for (const [field, value] of write.fields) pairs.push(field, asBuffer(value));
      transaction.hset(key, ...pairs);
      return;
    }
    case 'hashDelete':
      transaction.hdel(key, ...write.fields);
      return;
  }
};

export const createRedisProjectionCache = (redis: Redis, options: RedisProjectionCacheOptions = {}): ProjectionCache => {
  const dropBatchSize = options.dropBatchSize ?? 500;
  const commits = createSerialQueue();
  // Counts connections lost: a WATCH is only good on the connection that sent it.
  let connectionsLost = 0;
  const onClose = (): void => {
    connectionsLost += 1;
  };
  redis.on('close', onClose);

  const checkedVersion = (projection: string, version: number): void => {
    assertProjectionName(projection);
    assertKeyVersion(version);
  };

  const readCheckpoint = (projection: string, text: string | null): Position | undefined => {
    if (text === null) return undefined;
    const position = parsePosition(text);
    if (position === undefined) throw new RedisCacheError(`the checkpoint of ${projection} is not a position: ${JSON.stringify(text)}`);
    return position;
  };

  const commitNow = async (
    projection: string,
    version: number,
    expected: Position | undefined,
    next: Position,
    writes: readonly CacheWrite[],
  ): Promise<'committed' | 'fenced'> => {
    const checkpoint = checkpointKey(projection, version);
    const watched = await redis.pipeline().watch(checkpoint).get(checkpoint).exec();
    const [watchReply, currentReply] = watched ?? [];
    if (watchReply?.[0]) throw failedReply(watchReply[0]);
    if (currentReply?.[0]) throw failedReply(currentReply[0]);
    const lostBefore = connectionsLost;
    const current = currentReply?.[1];
    if (current !== (expected === undefined ? null : formatPosition(expected))) {
      await redis.unwatch();
      return 'fenced';
    }
    if (lostBefore !== connectionsLost || redis.status !== 'ready') {
      throw new RedisCacheError('redis: the connection dropped between WATCH and EXEC; nothing was written');
    }
    // Queued and sent in this same turn: no reconnect can come between the check and the write.
    const transaction = redis.multi();
    for (const write of writes) queueWrite(transaction, projectionKey(projection, version, write.key), write);
    transaction.set(checkpoint, formatPosition(next));
    const replies = await transaction.exec();
    if (replies === null) return 'fenced';
    const failed = replies.find(([error]) => error !== null);
    // Redis has no rollback: the other commands of the transaction were applied.
    if (failed?.[0]) throw failedReply(failed[0]);
    return 'committed';
  };

  return {
    activeVersion: async (projection) => {
      assertProjectionName(projection);
      const text = await redis.get(activeVersionKey(projection));
      if (text === null) return undefined;
      const version = parseKeyVersion(text);
      if (version === undefined) throw new RedisCacheError(`the active version of ${projection} is not a version: ${JSON.stringify(text)}`);
      return version;
    },
    checkpoint: async (projection, version) => {
      checkedVersion(projection, version);
      return readCheckpoint(projection, await redis.get(checkpointKey(projection, version)));
    },
    read: async (projection, version, reads) => {
      checkedVersion(projection, version);
      if (reads.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const read of reads) {
        assertProjectionKey(read.key);
        const key = projectionKey(projection, version, read.key);
        if (read.kind === 'value') pipeline.getBuffer(key);
        else pipeline.hgetallBuffer(key);
      }
      const replies = (await pipeline.exec()) ?? [];
      return reads.map((read, index): CacheReadResult => {
        const [error, reply] = replies[index] ?? [new RedisCacheError('redis: a read got no reply'), null];
        if (error) throw failedReply(error);
        if (read.kind === 'value') return { kind: 'value', value: reply instanceof Buffer ? asBytes(reply) : undefined };
        const fields = new Map<string, Uint8Array>();
        for (const [field, value] of Object.entries((reply ?? {}) as Record<string, Buffer>)) fields.set(field, asBytes(value));
        return { kind: 'hash', fields };
      });
    },
    commit: async (projection, version, expected, next, writes) => {
      checkedVersion(projection, version);
      assertCacheWrites(writes);
      return commits.run(() => commitNow(projection, version, expected, next, writes));
    },
    activate: async (projection, version) => {
      checkedVersion(projection, version);
      await redis.set(activeVersionKey(projection), String(version));
    },
    dropVersion: async (projection, version) => {
      checkedVersion(projection, version);
      // Built from checked parts: no glob character can reach the pattern.
      const pattern = `${versionPrefix(projection, version)}*`;
      let cursor = '0';
      let dropped = 0;
      do {
        const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', dropBatchSize);
        cursor = nextCursor;
        for (let start = 0; start < keys.length; start += dropBatchSize) {
          dropped += await redis.unlink(...keys.slice(start, start + dropBatchSize));
        }
      } while (cursor !== '0');
      return dropped;
    },
    close: async () => {
      redis.off('close', onClose);
      if (options.closeConnection ?? true) await redis.quit().catch(() => undefined);
    },
  };
};
