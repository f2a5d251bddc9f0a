import type { ActorType } from '../../actors/runtime/actor-definition.js';
import type { EventStore } from '../../events/store/index.js';
import { streamName } from '../../events/store/index.js';

/**
 * What the console shows of one actor: its state now (folded from its stream with its
 * own decider) and its latest events with the commands and issuers that caused them.
 */
export interface TimelineEntry {
  readonly revision: string;
  readonly position: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly commandId: string | undefined;
  readonly issuer: string | undefined;
  readonly correlationId: string;
  readonly data: unknown;
}

export interface ActorView {
  readonly category: string;
  readonly id: string;
  readonly revision: string;
  readonly exists: boolean;
  readonly state: unknown;
  /** The latest events, newest last. */
  readonly events: readonly TimelineEntry[];
}

/** States hold Maps, Sets, bigints and (trades) xstate snapshots: made plain for JSON. */
export const toPlain = (value: unknown, depth = 0): unknown => {
  if (depth > 12) return '…';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([key, item]) => [String(key), toPlain(item, depth + 1)]));
  if (value instanceof Set) return [...value].map((item) => toPlain(item, depth + 1));
  if (Array.isArray(value)) return value.map((item) => toPlain(item, depth + 1));
  if (typeof value === 'object' && value !== null) {
    // An xstate snapshot: its state name and context are what a person wants to see.
    if ('machine' in value && 'value' in value && 'context' in value) {
      const snapshot = value as { readonly value: unknown; readonly context: unknown };
      return { status: toPlain(snapshot.value, depth + 1), ...(toPlain(snapshot.context, depth + 1) as object) };
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item, depth + 1)]));
  }
  return value;
};

const RECENT_EVENTS = 25;

export const lookUpActor = async (store: EventStore, type: ActorType, id: string): Promise<ActorView> => {
  let state = type.initialState();
  let revision = -1n;
  const recent: TimelineEntry[] = [];
  for await (const stored of store.read(streamName(type.category, id))) {
    const recorded = type.events.decode(stored);
    state = type.evolve(state, recorded);
    revision = stored.revision;
    const { metadata } = recorded;
    recent.push({
      revision: stored.revision.toString(),
      position: `${stored.position.commit}/${stored.position.prepare}`,
      type: recorded.type,
      occurredAt: metadata.occurredAt.toISOString(),
      commandId: metadata.commandId,
      issuer: metadata.issuer,
      correlationId: metadata.correlationId,
      data: toPlain(recorded.data),
    });
    if (recent.length > RECENT_EVENTS) recent.shift();
  }
  return { category: type.category, id, revision: revision.toString(), exists: revision >= 0n, state: toPlain(state), events: recent };
};
