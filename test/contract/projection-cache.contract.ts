import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Position } from '../../events/store/index.js';
import {
  CacheKeyError,
  CacheTypeError,
  type CacheEntry,
  type CacheRead,
  type CacheWrite,
  type ProjectionCache,
} from '../../projections/runner/index.js';

export interface ProjectionCacheSubject {
  readonly cache: ProjectionCache;
  /** Lets `ms` of cache time pass: a fake clock for the embedded cache, a real wait for Redis. */
  advance(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
/** Short enough to keep the Redis run fast, long enough to outlast a loaded machine's round trips. */
const TTL_MS = 300;

/**
 * The ProjectionCache port's contract: what the embedded cache and Redis must do alike.
 * Every test works in a projection of its own, so the suite also runs on a shared server.
 */
export const describeProjectionCacheContract = (label: string, open: () => Promise<ProjectionCacheSubject>): void => {
  describe(`projection cache contract: ${label}`, () => {
    let subject: ProjectionCacheSubject;
    let cache: ProjectionCache;
    let name: string;
    let checkpoint: Position | undefined;

    beforeAll(async () => {
      subject = await open();
      cache = subject.cache;
    });
    afterAll(async () => subject.dispose());
    beforeEach(() => {
      name = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      checkpoint = undefined;
    });

    /** Commits `writes` in version 1 after the previous commit of this test. */
    const commit = async (writes: readonly CacheWrite[], version = 1): Promise<void> => {
      const next = at(checkpoint === undefined ? 1 : Number(checkpoint.commit) + 1);
      expect(await cache.commit(name, version, checkpoint, next, writes)).toBe('committed');
      checkpoint = next;
    };
    const value = async (key: string, version = 1): Promise<Uint8Array | undefined> => {
      const [result] = await cache.read(name, version, [{ kind: 'value', key }]);
      if (result?.kind !== 'value') throw new Error('expected a value result');
      return result.value;
    };
    const hash = async (key: string): Promise<Record<string, string>> => {
      const [result] = await cache.read(name, 1, [{ kind: 'hash', key }]);
      if (result?.kind !== 'hash') throw new Error('expected a hash result');
      return Object.fromEntries([...result.fields].map(([field, data]) => [field, new TextDecoder().decode(data)]));
    };
    const text = async (key: string): Promise<string | undefined> => {
      const data = await value(key);
      return data === undefined ? undefined : new TextDecoder().decode(data);
    };

    describe('versions and checkpoints', () => {
      it('has no active version and no checkpoint before the first build', async () => {
        expect(await cache.activeVersion(name)).toBeUndefined();
        expect(await cache.checkpoint(name, 1)).toBeUndefined();
      });

      it('activates a version, and another one later', async () => {
        await cache.activate(name, 1);
        expect(await cache.activeVersion(name)).toBe(1);
        await cache.activate(name, 2);
        expect(await cache.activeVersion(name)).toBe(2);
      });

      it('moves the checkpoint with the writes it covers', async () => {
        const next: Position = { commit: 2n ** 63n + 5n, prepare: 2n ** 63n + 3n };
        expect(await cache.commit(name, 1, undefined, next, [{ op: 'set', key: 'a', value: bytes('1') }])).toBe('committed');
        expect(await cache.checkpoint(name, 1)).toEqual(next);
        expect(await text('a')).toBe('1');
      });

      it('fences a commit whose expected checkpoint is not the stored one, writing nothing', async () => {
        await commit([{ op: 'set', key: 'a', value: bytes('1') }]);
        const stale = await cache.commit(name, 1, undefined, at(9), [{ op: 'set', key: 'a', value: bytes('stale') }]);
        const behind = await cache.commit(name, 1, at(0), at(9), [{ op: 'set', key: 'b', value: bytes('stale') }]);
        expect([stale, behind]).toEqual(['fenced', 'fenced']);
        expect(await text('a')).toBe('1');
        expect(await value('b')).toBeUndefined();
        expect(await cache.checkpoint(name, 1)).toEqual(at(1));
      });

      it('lets exactly one of two commits from the same checkpoint through', async () => {
        await commit([]);
        const outcomes = await Promise.all(
          ['left', 'right'].map((side) =>
            cache.commit(name, 1, at(1), at(2), [{ op: 'hashSet', key: 'winner', fields: new Map([[side, bytes('1')]]) }]),
          ),
        );
        expect([...outcomes].sort()).toEqual(['committed', 'fenced']);
        expect(Object.keys(await hash('winner'))).toHaveLength(1);
      });

      it('keeps versions and projections apart', async () => {
        await commit([{ op: 'set', key: 'a', value: bytes('v1') }], 1);
        expect(await cache.commit(name, 2, undefined, at(5), [{ op: 'set', key: 'a', value: bytes('v2') }])).toBe('committed');
        expect(await text('a')).toBe('v1');
        expect(new TextDecoder().decode(await value('a', 2))).toBe('v2');
        expect(await cache.checkpoint(name, 2)).toEqual(at(5));
        expect(await cache.checkpoint(`${name}-other`, 1)).toBeUndefined();
      });

      it('drops every key of one version, its checkpoint included, and nothing else', async () => {
        await cache.activate(name, 1);
        const many: CacheWrite[] = Array.from({ length: 1_200 }, (_, index) => ({ op: 'set', key: `k${index}`, value: bytes(String(index)) }));
        await commit([...many, { op: 'hashSet', key: 'h', fields: new Map([['f', bytes('1')]]) }]);
        expect(await cache.commit(name, 2, undefined, at(1), [{ op: 'set', key: 'k0', value: bytes('kept') }])).toBe('committed');
        expect(await cache.dropVersion(name, 1)).toBe(1_200 + 1 + 1);
        expect(await value('k0')).toBeUndefined();
        expect(await hash('h')).toEqual({});
        expect(await cache.checkpoint(name, 1)).toBeUndefined();
        expect(new TextDecoder().decode(await value('k0', 2))).toBe('kept');
        expect(await cache.activeVersion(name)).toBe(1);
        expect(await cache.dropVersion(name, 1)).toBe(0);
      });
    });

    describe('what the rebuild needs', () => {
      const scanned = async (version: number): Promise<Record<string, unknown>> => {
        const seen: CacheEntry[] = [];
        for await (const page of cache.scanVersion(name, version)) seen.push(...page);
        const shown = (data: Uint8Array): string => new TextDecoder().decode(data);
        return Object.fromEntries(
          seen.map((entry) => [entry.key, entry.kind === 'value' ? shown(entry.value) : Object.fromEntries([...entry.fields].map(([field, data]) => [field, shown(data)]))]),
        );
      };

      it('switches the active version only from the one expected', async () => {
        expect(await cache.switchActive(name, undefined, 1)).toBe(true);
        expect(await cache.switchActive(name, undefined, 2)).toBe(false);
        expect(await cache.switchActive(name, 3, 2)).toBe(false);
        expect(await cache.activeVersion(name)).toBe(1);
        expect(await cache.switchActive(name, 1, 2)).toBe(true);
        expect(await cache.activeVersion(name)).toBe(2);
        await expect(cache.switchActive(name, 2, 0)).rejects.toBeInstanceOf(CacheKeyError);
      });

      it('lets exactly one of two switches from the same version through', async () => {
        await cache.activate(name, 1);
        const outcomes = await Promise.all([cache.switchActive(name, 1, 2), cache.switchActive(name, 1, 3)]);
        expect([...outcomes].sort()).toEqual([false, true]);
        expect(await cache.activeVersion(name)).toBe(outcomes[0] ? 2 : 3);
      });

      it('records, reads and clears the version being built', async () => {
        expect(await cache.buildingVersion(name)).toBeUndefined();
        await cache.setBuildingVersion(name, 4);
        expect(await cache.buildingVersion(name)).toBe(4);
        await cache.setBuildingVersion(name, undefined);
        expect(await cache.buildingVersion(name)).toBeUndefined();
        await expect(cache.setBuildingVersion(name, 0)).rejects.toBeInstanceOf(CacheKeyError);
      });

      it('lists the versions that hold keys, whatever else the projection records', async () => {
        expect(await cache.versions(name)).toEqual([]);
        await commit([{ op: 'set', key: 'a', value: bytes('1') }], 1);
        expect(await cache.commit(name, 12, undefined, at(1), [])).toBe('committed');
        await cache.activate(name, 1);
        await cache.setBuildingVersion(name, 12);
        expect(await cache.commit(`${name}-other`, 5, undefined, at(1), [])).toBe('committed');
        expect(await cache.versions(name)).toEqual([1, 12]);
        await cache.dropVersion(name, 1);
        expect(await cache.versions(name)).toEqual([12]);
      });

      it('scans every key of one version with its content, and nothing of other versions or the checkpoint', async () => {
        const many: CacheWrite[] = Array.from({ length: 1_200 }, (_, index) => ({ op: 'set', key: `k${index}`, value: bytes(String(index)) }));
        await commit([...many, { op: 'hashSet', key: 'h', fields: new Map([['f', bytes('1')], ['g', bytes('2')]]) }]);
        expect(await cache.commit(name, 2, undefined, at(1), [{ op: 'set', key: 'other', value: bytes('x') }])).toBe('committed');
        const keys = await scanned(1);
        expect(Object.keys(keys)).toHaveLength(1_201);
        expect(keys['k7']).toBe('7');
        expect(keys['h']).toEqual({ f: '1', g: '2' });
        expect(await scanned(2)).toEqual({ other: 'x' });
        expect(await scanned(3)).toEqual({});
      });

      it('leaves expired keys out of a scan', async () => {
        await commit([
          { op: 'set', key: 'gone', value: bytes('1'), ttlMs: TTL_MS },
          { op: 'set', key: 'kept', value: bytes('2') },
        ]);
        await subject.advance(TTL_MS * 2);
        expect(await scanned(1)).toEqual({ kept: '2' });
      });
    });

    describe('values', () => {
      it('returns the bytes written, every byte value included', async () => {
        const all = Uint8Array.from({ length: 256 }, (_, index) => index);
        await commit([{ op: 'set', key: 'binary', value: all }]);
        expect(await value('binary')).toEqual(all);
      });

      it('answers reads in the order asked, duplicates and missing keys included', async () => {
        await commit([
          { op: 'set', key: 'a', value: bytes('A') },
          { op: 'hashSet', key: 'h', fields: new Map([['x', bytes('X')]]) },
        ]);
        const reads: CacheRead[] = [
          { kind: 'value', key: 'missing' },
          { kind: 'hash', key: 'h' },
          { kind: 'value', key: 'a' },
          { kind: 'value', key: 'a' },
          { kind: 'hash', key: 'nothing' },
        ];
        const results = await cache.read(name, 1, reads);
        expect(results.map((result) => (result.kind === 'value' ? result.value?.length : result.fields.size))).toEqual([undefined, 1, 1, 1, 0]);
      });

      it('applies a commit in order', async () => {
        await commit([
          { op: 'set', key: 'a', value: bytes('1') },
          { op: 'delete', key: 'a' },
          { op: 'delete', key: 'b' },
          { op: 'set', key: 'b', value: bytes('2') },
          { op: 'set', key: 'b', value: bytes('3') },
        ]);
        expect(await value('a')).toBeUndefined();
        expect(await text('b')).toBe('3');
      });

      it('expires a value after its TTL', async () => {
        await commit([{ op: 'set', key: 'a', value: bytes('1'), ttlMs: TTL_MS }]);
        expect(await text('a')).toBe('1');
        await subject.advance(TTL_MS * 2);
        expect(await value('a')).toBeUndefined();
      });

      it('refreshes a TTL with expire, and clears it with a set without one', async () => {
        await commit([
          { op: 'set', key: 'refreshed', value: bytes('1'), ttlMs: TTL_MS },
          { op: 'set', key: 'cleared', value: bytes('1'), ttlMs: TTL_MS },
        ]);
        await subject.advance(TTL_MS / 2);
        await commit([
          { op: 'expire', key: 'refreshed', ttlMs: TTL_MS * 4 },
          { op: 'set', key: 'cleared', value: bytes('2') },
        ]);
        await subject.advance(TTL_MS);
        expect(await text('refreshed')).toBe('1');
        expect(await text('cleared')).toBe('2');
      });

      it('ignores expire on a missing key', async () => {
        await commit([{ op: 'expire', key: 'ghost', ttlMs: TTL_MS }]);
        expect(await value('ghost')).toBeUndefined();
      });
    });

    describe('hashes', () => {
      it('merges fields, deletes fields, and deletes the key with its last field', async () => {
        await commit([{ op: 'hashSet', key: 'h', fields: new Map([['a', bytes('1')], ['b', bytes('2')]]) }]);
        await commit([{ op: 'hashSet', key: 'h', fields: new Map([['b', bytes('3')], ['c', bytes('4')]]) }]);
        expect(await hash('h')).toEqual({ a: '1', b: '3', c: '4' });
        await commit([{ op: 'hashDelete', key: 'h', fields: ['a', 'missing'] }]);
        expect(await hash('h')).toEqual({ b: '3', c: '4' });
        await commit([
          { op: 'hashDelete', key: 'h', fields: ['b', 'c'] },
          // The emptied hash is gone: a value may take its key in the same commit.
          { op: 'set', key: 'h2', value: bytes('x') },
        ]);
        expect(await hash('h')).toEqual({});
        await commit([{ op: 'hashDelete', key: 'never', fields: ['a'] }, { op: 'delete', key: 'h2' }]);
      });

      it('keeps a hash TTL across field writes, and expires it', async () => {
        await commit([
          { op: 'hashSet', key: 'h', fields: new Map([['a', bytes('1')]]) },
          { op: 'expire', key: 'h', ttlMs: TTL_MS },
        ]);
        await commit([{ op: 'hashSet', key: 'h', fields: new Map([['b', bytes('2')]]) }]);
        await subject.advance(TTL_MS * 2);
        expect(await hash('h')).toEqual({});
      });

      it('lets a set replace a hash, and a delete remove one', async () => {
        await commit([{ op: 'hashSet', key: 'h', fields: new Map([['a', bytes('1')]]) }, { op: 'hashSet', key: 'g', fields: new Map([['a', bytes('1')]]) }]);
        await commit([{ op: 'set', key: 'h', value: bytes('now a value') }, { op: 'delete', key: 'g' }]);
        expect(await text('h')).toBe('now a value');
        expect(await hash('g')).toEqual({});
      });
    });

    describe('refusals', () => {
      it('refuses a hash write on a value key and a read of the wrong kind', async () => {
        await commit([{ op: 'set', key: 'v', value: bytes('1') }]);
        await expect(cache.commit(name, 1, checkpoint, at(99), [{ op: 'hashSet', key: 'v', fields: new Map([['f', bytes('1')]]) }])).rejects.toBeInstanceOf(CacheTypeError);
        await expect(cache.read(name, 1, [{ kind: 'hash', key: 'v' }])).rejects.toBeInstanceOf(CacheTypeError);
      });

      it('refuses malformed writes before writing anything', async () => {
        const malformed: CacheWrite[][] = [
          [{ op: 'set', key: 'a', value: bytes('1'), ttlMs: 0 }],
          [{ op: 'expire', key: 'a', ttlMs: 1.5 }],
          [{ op: 'set', key: 'checkpoint', value: bytes('1') }],
          [{ op: 'set', key: '', value: bytes('1') }],
          [{ op: 'hashDelete', key: 'h', fields: [] }],
        ];
        for (const writes of malformed) {
          await expect(cache.commit(name, 1, undefined, at(1), [{ op: 'set', key: 'first', value: bytes('1') }, ...writes])).rejects.toBeInstanceOf(CacheKeyError);
        }
        expect(await value('first')).toBeUndefined();
        expect(await cache.checkpoint(name, 1)).toBeUndefined();
      });

      it('refuses projection names and versions outside the layout', async () => {
        await expect(cache.activeVersion('Bad:Name')).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.checkpoint(name, 0)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.activate(name, 1.5)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.dropVersion('*', 1)).rejects.toBeInstanceOf(CacheKeyError);
      });
    });
  });
};
