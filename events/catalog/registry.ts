import { ShardkeepError } from '../errors.js';
import type { DomainEvent } from './recorded-event.js';

/** A stored payload: what msgpack gives back before any upcasting. */
export type Payload = unknown;

/**
 * One event type of the catalog. Its stored name is `<type>.v<version>`: explicit and
 * versioned, so renaming a TypeScript type never renames history. Each older version
 * that may still be in a log has an upcaster to the next version.
 */
export interface EventDefinition<E extends DomainEvent = DomainEvent> {
  readonly type: E['type'];
  readonly version: number;
  /** `upcasters[n]` turns the data of version n into the data of version n + 1. */
  readonly upcasters?: Readonly<Record<number, (data: Payload) => Payload>>;
}

export class UnknownEventTypeError extends ShardkeepError {
  readonly code = 'UNKNOWN_EVENT_TYPE';

  constructor(readonly storedType: string) {
    super(`no event definition for stored type ${storedType}`);
  }
}

export class EventRegistryError extends ShardkeepError {
  readonly code = 'EVENT_REGISTRY';
}

export interface EventRegistry<E extends DomainEvent> {
  /** The stored name the current version of `type` is written under. */
  storedNameOf(type: E['type']): string;
  /**
   * Parses a stored name and returns the domain type with a function that brings
   * data of that version up to the current one; `undefined` for names not in the catalog.
   */
  resolve(storedType: string): { type: E['type']; upcast: (data: Payload) => Payload } | undefined;
}

/**
 * The definitions of a catalog from its map of current versions. Writing the map with
 * `satisfies Record<E['type'], number>` makes a new event type without a version a
 * compile error instead of a failed encode at run time.
 */
export const eventDefinitions = <E extends DomainEvent>(
  versions: Readonly<Record<E['type'], number>>,
  upcasters: Partial<Record<E['type'], Readonly<Record<number, (data: Payload) => Payload>>>> = {},
): EventDefinition<E>[] =>
  (Object.keys(versions) as E['type'][]).map((type) => {
    const upcast = upcasters[type];
    return upcast === undefined ? { type, version: versions[type] } : { type, version: versions[type], upcasters: upcast };
  });

const STORED_NAME = /^([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]{0,3})$/;

export const storedName = (type: string, version: number): string => `${type}.v${version}`;

/** Builds the registry and checks, once, that every old version can reach the current one. */
export const createEventRegistry = <E extends DomainEvent>(
  definitions: readonly EventDefinition<E>[],
): EventRegistry<E> => {
  const byType = new Map<string, EventDefinition<E>>();
  for (const definition of definitions) {
    if (!STORED_NAME.test(storedName(definition.type, definition.version))) {
      throw new EventRegistryError(`event type ${definition.type}: name must be alphanumeric, version 1-9999`);
    }
    if (byType.has(definition.type)) throw new EventRegistryError(`event type ${definition.type} defined twice`);
    for (let version = 1; version < definition.version; version += 1) {
      if (definition.upcasters?.[version] === undefined) {
        throw new EventRegistryError(`event type ${definition.type}: no upcaster from v${version} to v${version + 1}`);
      }
    }
    byType.set(definition.type, definition);
  }

  return {
    storedNameOf: (type) => {
      const definition = byType.get(type);
      if (definition === undefined) throw new UnknownEventTypeError(type);
      return storedName(definition.type, definition.version);
    },
    resolve: (stored) => {
      const match = STORED_NAME.exec(stored);
      if (match === null) return undefined;
      const definition = byType.get(match[1] ?? '');
      const version = Number(match[2]);
      if (definition === undefined || version > definition.version) return undefined;
      const upcasters = definition.upcasters ?? {};
      return {
        type: definition.type,
        upcast: (data) => {
          let current = data;
          for (let from = version; from < definition.version; from += 1) current = (upcasters[from] as (d: Payload) => Payload)(current);
          return current;
        },
      };
    },
  };
};
