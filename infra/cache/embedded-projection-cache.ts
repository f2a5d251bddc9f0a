import { comparePositions, type Position } from '../../events/store/index.js';
import {
  assertCacheWrites,
  assertKeyVersion,
  assertProjectionKey,
  assertProjectionName,
  type CacheEntry,
  type CacheReadResult,
  type ProjectionCache,
} from '../../projections/runner/index.js';
import { applyWrites, isLive, wrongType, type Entry } from './keyspace.js';

/**
 * The projection cache of the one-process default: the same contract as Redis (the
 * contract suite runs against both), held in memory. Every call completes within one
 * turn of the event loop, so a commit is atomic by construction; fencing compares the
 * checkpoint as the Redis adapter's WATCH does. Nothing survives the process: on start
 * the runner finds no checkpoint and projects the log from the beginning.
 */
export interface EmbeddedProjectionCacheOptions {
  /** TTLs are measured on it; default the system clock. */
  readonly clock?: () => Date;
  /** Expired keys are dropped when read, and all at once this often; default 60 000 ms. */
  readonly sweepEveryMs?: number;
}

export interface EmbeddedProjectionCache extends ProjectionCache {
  /** Live keys of one version (the checkpoint excluded): for tests and the rebuild's dry run. */
  keys(projection: string, version: number): string[];
}

class ClosedCacheError extends Error {
  constructor() {
    super('the embedded projection cache is closed');
  }
}

export const createEmbeddedProjectionCache = (options: EmbeddedProjectionCacheOptions = {}): EmbeddedProjectionCache => {
  const clock = options.clock ?? (() => new Date());
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const versions = new Map<string, Map<string, Entry>>();
  const checkpoints = new Map<string, Position>();
  const active = new Map<string, number>();
  const building = new Map<string, number>();
  let lastSweep = clock().getTime();
  let closed = false;

  const slot = (projection: string, version: number): string => {
    if (closed) throw new ClosedCacheError();
    assertProjectionName(projection);
    assertKeyVersion(version);
    return `${projection}:${version}`;
  };

  const sweepIfDue = (now: number): void => {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    for (const keys of versions.values()) {
      for (const [key, entry] of keys) if (!isLive(entry, now)) keys.delete(key);
    }
  };

  const keysOf = (projection: string, version: number): Map<string, Entry> => {
    const id = slot(projection, version);
    let keys = versions.get(id);
    if (keys === undefined) {
      keys = new Map();
      versions.set(id, keys);
    }
    return keys;
  };

  return {
    activeVersion: async (projection) => {
      if (closed) throw new ClosedCacheError();
      assertProjectionName(projection);
      return active.get(projection);
    },
    checkpoint: async (projection, version) => checkpoints.get(slot(projection, version)),
    read: async (projection, version, reads) => {
      const now = clock().getTime();
      sweepIfDue(now);
      const keys = keysOf(projection, version);
      return reads.map((read): CacheReadResult => {
        assertProjectionKey(read.key);
        const entry = keys.get(read.key);
        const live = isLive(entry, now) ? entry : undefined;
        if (live !== undefined && live.kind !== read.kind) throw wrongType(read.key, read.kind);
        if (read.kind === 'value') {
          return { kind: 'value', value: live?.kind === 'value' ? new Uint8Array(live.bytes) : undefined };
        }
        const fields = new Map<string, Uint8Array>();
        if (live?.kind === 'hash') for (const [field, value] of live.fields) fields.set(field, new Uint8Array(value));
        return { kind: 'hash', fields };
      });
    },
    commit: async (projection, version, expected, next, writes) => {
      const id = slot(projection, version);
      assertCacheWrites(writes);
      const stored = checkpoints.get(id);
      const matches = stored === undefined || expected === undefined ? stored === expected : comparePositions(stored, expected) === 0;
      if (!matches) return 'fenced';
      const now = clock().getTime();
      sweepIfDue(now);
      applyWrites(keysOf(projection, version), writes, now);
      checkpoints.set(id, next);
      return 'committed';
    },
    activate: async (projection, version) => {
      slot(projection, version);
      active.set(projection, version);
    },
    switchActive: async (projection, expected, next) => {
      slot(projection, next);
      if (active.get(projection) !== expected) return false;
      active.set(projection, next);
      return true;
    },
    dropVersion: async (projection, version) => {
      const id = slot(projection, version);
      const now = clock().getTime();
      const keys = versions.get(id);
      let dropped = 0;
      for (const entry of keys?.values() ?? []) if (isLive(entry, now)) dropped += 1;
      if (checkpoints.delete(id)) dropped += 1;
      versions.delete(id);
      return dropped;
    },
    buildingVersion: async (projection) => {
      if (closed) throw new ClosedCacheError();
      assertProjectionName(projection);
      return building.get(projection);
    },
    setBuildingVersion: async (projection, version) => {
      if (closed) throw new ClosedCacheError();
      assertProjectionName(projection);
      if (version === undefined) {
        building.delete(projection);
        return;
      }
      assertKeyVersion(version);
      building.set(projection, version);
    },
    versions: async (projection) => {
      if (closed) throw new ClosedCacheError();
      assertProjectionName(projection);
      const now = clock().getTime();
      const found: number[] = [];
      for (const id of new Set([...versions.keys(), ...checkpoints.keys()])) {
        const [name, version] = id.split(':');
        if (name !== projection || version === undefined) continue;
        const live = [...(versions.get(id)?.values() ?? [])].some((entry) => isLive(entry, now));
        if (live || checkpoints.has(id)) found.push(Number(version));
      }
      return found.sort((a, b) => a - b);
    },
    scanVersion: async function* (projection, version) {
      const now = clock().getTime();
      const page: CacheEntry[] = [];
      for (const [key, entry] of versions.get(slot(projection, version)) ?? []) {
        if (!isLive(entry, now)) continue;
        // Copies: what the caller holds must not change with later commits.
        page.push(
          entry.kind === 'value'
            ? { key, kind: 'value', value: new Uint8Array(entry.bytes) }
            : { key, kind: 'hash', fields: new Map([...entry.fields].map(([field, value]) => [field, new Uint8Array(value)])) },
        );
      }
      if (page.length > 0) yield page;
    },
    keys: (projection, version) => {
      const now = clock().getTime();
      const keys = versions.get(slot(projection, version));
      return [...(keys ?? new Map<string, Entry>())].filter(([, entry]) => isLive(entry, now)).map(([key]) => key);
    },
    close: async () => {
      closed = true;
      versions.clear();
      checkpoints.clear();
    },
  };
};
