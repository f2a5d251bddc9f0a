import type { ChainableCommander, Redis } from 'ioredis';
import { formatPosition, parsePosition, type Position } from '../../events/store/index.js';
import {
  activeVersionKey,
  assertCacheWrites,
  assertKeyVersion,
  assertProjectionKey,
  assertProjectionName,
  buildingVersionKey,
  checkpointKey,
  parseKeyVersion,
  projectionKey,
  projectionPrefix,
  versionOfKey,
  versionPrefix,
  type CacheEntry,
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
 * The active version's compare-and-switch is a WATCH/MULTI of the same kind, in the same
 * queue. Nothing else should WATCH on this connection.
 */
export interface RedisProjectionCacheOptions {
  /** Keys UNLINKed per command by dropVersion, and the SCAN COUNT hint of every scan; default 500. */
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

/** HGETALL's reply (ioredis's Buffer variant) as the port's fields. */
const hashFields = (reply: unknown): Map<string, Uint8Array> => {
  const fields = new Map<string, Uint8Array>();
  for (const [field, value] of Object.entries((reply ?? {}) as Record<string, Buffer>)) fields.set(field, asBytes(value));
  return fields;
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

  /**
   * WATCHes `key` and compares its value with `expected` (null: absent). True when they
   * match and the connection that sent the WATCH is still the one in use, so a MULTI
   * queued in the same turn is conditional on it; false (and unwatched) when they differ.
   */
  const watchEquals = async (key: string, expected: string | null): Promise<boolean> => {
    const watched = await redis.pipeline().watch(key).get(key).exec();
    const [watchReply, currentReply] = watched ?? [];
    if (watchReply?.[0]) throw failedReply(watchReply[0]);
    if (currentReply?.[0]) throw failedReply(currentReply[0]);
    const lostBefore = connectionsLost;
    if (currentReply?.[1] !== expected) {
      await redis.unwatch();
      return false;
    }
    if (lostBefore !== connectionsLost || redis.status !== 'ready') {
      throw new RedisCacheError('redis: the connection dropped between WATCH and EXEC; nothing was written');
    }
    return true;
  };

  const commitNow = async (
    projection: string,
    version: number,
    expected: Position | undefined,
    next: Position,
    writes: readonly CacheWrite[],
  ): Promise<'committed' | 'fenced'> => {
    const checkpoint = checkpointKey(projection, version);
    if (!(await watchEquals(checkpoint, expected === undefined ? null : formatPosition(expected)))) return 'fenced';
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

  const switchNow = async (projection: string, expected: number | undefined, next: number): Promise<boolean> => {
    const key = activeVersionKey(projection);
    if (!(await watchEquals(key, expected === undefined ? null : String(expected)))) return false;
    const replies = await redis.multi().set(key, String(next)).exec();
    if (replies === null) return false;
    const [error] = replies[0] ?? [null];
    if (error) throw failedReply(error);
    return true;
  };

  /** SCAN over `pattern`, a page of keys at a time. */
  const scanKeys = async function* (pattern: string): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', dropBatchSize);
      cursor = nextCursor;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  };

  /** The content of a page of keys: their types, then their values (a key gone in between is left out). */
  const readEntries = async (prefix: string, keys: readonly string[]): Promise<CacheEntry[]> => {
    if (keys.length === 0) return [];
    const typing = redis.pipeline();
    for (const key of keys) typing.type(key);
    const typed = (await typing.exec()) ?? [];
    const kinds = keys.map((key, index) => {
      const [error, type] = typed[index] ?? [new RedisCacheError('redis: TYPE got no reply'), null];
      if (error) throw failedReply(error);
      return { key, type };
    });
    const wanted = kinds.filter(({ type }) => type === 'string' || type === 'hash');
    const pipeline = redis.pipeline();
    for (const { key, type } of wanted) {
      if (type === 'string') pipeline.getBuffer(key);
      else pipeline.hgetallBuffer(key);
    }
    const replies = wanted.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    const entries: CacheEntry[] = [];
    wanted.forEach(({ key, type }, index) => {
      const [error, reply] = replies[index] ?? [new RedisCacheError('redis: a read got no reply'), null];
      if (error) throw failedReply(error);
      const relative = key.slice(prefix.length);
      if (type === 'string') {
        if (reply instanceof Buffer) entries.push({ key: relative, kind: 'value', value: asBytes(reply) });
        return;
      }
      const fields = hashFields(reply);
      if (fields.size > 0) entries.push({ key: relative, kind: 'hash', fields });
    });
    return entries;
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
        return { kind: 'hash', fields: hashFields(reply) };
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
    switchActive: async (projection, expected, next) => {
      assertProjectionName(projection);
      if (expected !== undefined) assertKeyVersion(expected);
      assertKeyVersion(next);
      return commits.run(() => switchNow(projection, expected, next));
    },
    dropVersion: async (projection, version) => {
      checkedVersion(projection, version);
      // The checkpoint first: from then on a runner of this version is fenced and writes nothing behind the scan.
      let dropped = await redis.unlink(checkpointKey(projection, version));
      // Built from checked parts: no glob character can reach the pattern.
      for await (const keys of scanKeys(`${versionPrefix(projection, version)}*`)) {
        for (let start = 0; start < keys.length; start += dropBatchSize) {
          dropped += await redis.unlink(...keys.slice(start, start + dropBatchSize));
        }
      }
      return dropped;
    },
    buildingVersion: async (projection) => {
      assertProjectionName(projection);
      const text = await redis.get(buildingVersionKey(projection));
      if (text === null) return undefined;
      const version = parseKeyVersion(text);
      if (version === undefined) throw new RedisCacheError(`the building version of ${projection} is not a version: ${JSON.stringify(text)}`);
      return version;
    },
    setBuildingVersion: async (projection, version) => {
      assertProjectionName(projection);
      if (version === undefined) {
        await redis.unlink(buildingVersionKey(projection));
        return;
      }
      assertKeyVersion(version);
      await redis.set(buildingVersionKey(projection), String(version));
    },
    versions: async (projection) => {
      assertProjectionName(projection);
      const found = new Set<number>();
      for await (const keys of scanKeys(`${projectionPrefix(projection)}*`)) {
        for (const key of keys) {
          const version = versionOfKey(projection, key);
          if (version !== undefined) found.add(version);
        }
      }
      return [...found].sort((a, b) => a - b);
    },
    scanVersion: async function* (projection, version) {
      checkedVersion(projection, version);
      const prefix = versionPrefix(projection, version);
      const checkpoint = checkpointKey(projection, version);
      for await (const keys of scanKeys(`${prefix}*`)) {
        const entries = await readEntries(prefix, keys.filter((key) => key !== checkpoint));
        if (entries.length > 0) yield entries;
      }
    },
    close: async () => {
      redis.off('close', onClose);
      if (options.closeConnection ?? true) await redis.quit().catch(() => undefined);
    },
  };
};
