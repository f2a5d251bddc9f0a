import type { ActorType } from '../../actors/runtime/actor-definition.js';
import type { DecisionContext } from '../../actors/runtime/decider.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { DomainEvent, RecordedEvent } from '../../events/catalog/index.js';
import { parseStreamName } from '../../events/store/index.js';

/**
 * Shadow replay: runs a decider (a new version, usually) over the commands the log
 * recorded — each command's name and data travel in the metadata of its first event —
 * against the state the recorded events built, and reports every command it decides
 * differently: other events, other data, or a refusal where the log has events.
 *
 * The recorded history stays the reference: after each command the state is folded from
 * what was recorded, not from what the shadow decided, so one difference does not cascade.
 * Commands that drew randomness (a login's token) cannot be decided again byte for byte:
 * they are compared by event types only and counted as such. Refused commands left no
 * events, so a new version that would accept one cannot be seen here.
 */
export interface ShadowDifference {
  readonly stream: string;
  /** The revision of the command's first recorded event. */
  readonly revision: bigint;
  readonly commandId: string;
  readonly command: string;
  readonly recorded: readonly string[];
  /** The event types the shadow decided, or `refused <CODE>: <message>`. */
  readonly shadow: readonly string[];
  readonly detail: string;
}

export interface ShadowReport {
  readonly streams: number;
  readonly commands: number;
  /** Events with no recorded command (written before commands were recorded, or by no command). */
  readonly eventsWithoutCommand: number;
  /** Commands that drew randomness: compared by event types only. */
  readonly comparedByTypeOnly: number;
  readonly differenceCount: number;
  /** The first 100. */
  readonly differences: readonly ShadowDifference[];
}

export interface ShadowReplay {
  apply(event: RecordedEvent<DomainEvent>): void;
  report(): ShadowReport;
}

const MAX_LISTED = 100;

/** Canonical JSON: object keys sorted, Maps and Sets as plain values, bigints as strings. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Map) {
      const entries: [string, unknown][] = [...(item as Map<unknown, unknown>).entries()].map(([key, entry]) => [String(key), entry]);
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    if (item instanceof Set) return [...(item as Set<unknown>)].map((entry) => canonical(entry)).sort();
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return item;
  });

const parseIssuer = (issuer: string | undefined): Issuer => {
  const colon = issuer?.indexOf(':') ?? -1;
  const kind = issuer?.slice(0, colon);
  const id = issuer?.slice(colon + 1) ?? 'unknown';
  return kind === 'player' ? { kind: 'player', id } : { kind: 'server', id };
};

interface StreamShadow {
  readonly type: ActorType;
  readonly id: string;
  state: unknown;
  group: RecordedEvent<DomainEvent>[];
}

export const createShadowReplay = (types: ReadonlyMap<string, ActorType>): ShadowReplay => {
  const streams = new Map<string, StreamShadow>();
  const differences: ShadowDifference[] = [];
  const counts = { commands: 0, eventsWithoutCommand: 0, comparedByTypeOnly: 0, differenceCount: 0 };

  const differ = (difference: ShadowDifference): void => {
    counts.differenceCount += 1;
    if (differences.length < MAX_LISTED) differences.push(difference);
  };

  /** Decides the group's command again against the state before it, then folds the recorded events. */
  const settle = (shadow: StreamShadow): void => {
    const group = shadow.group;
    shadow.group = [];
    const first = group[0];
    if (first === undefined) return;
    const before = shadow.state;
    for (const event of group) shadow.state = shadow.type.evolve(shadow.state, event);
    const command = first.metadata.command;
    if (command === undefined || first.metadata.commandId === undefined) {
      counts.eventsWithoutCommand += group.length;
      return;
    }
    counts.commands += 1;
    let drewRandomness = false;
    const context: DecisionContext = {
      actorId: shadow.id,
      commandId: first.metadata.commandId,
      issuer: parseIssuer(first.metadata.issuer),
      now: first.metadata.occurredAt,
      get entropy() {
        drewRandomness = true;
        return new Uint8Array(32);
      },
    };
    const recorded = group.map((event) => event.type);
    const where = { stream: first.stream, revision: first.revision, commandId: first.metadata.commandId, command: command.name, recorded };
    let decision;
    try {
      decision = shadow.type.decide({ type: command.name, data: command.data }, before, context);
    } catch (error) {
      differ({ ...where, shadow: ['threw'], detail: `the decider threw: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (!decision.ok) {
      const { code, message } = decision.rejection;
      differ({ ...where, shadow: [`refused ${code}: ${message}`], detail: 'the log has events for a command the decider now refuses' });
      return;
    }
    const decided = decision.events.map((event) => event.type);
    if (canonical(decided) !== canonical(recorded)) {
      differ({ ...where, shadow: decided, detail: 'other events' });
      return;
    }
    if (drewRandomness) {
      counts.comparedByTypeOnly += 1;
      return;
    }
    const index = decision.events.findIndex((event, at) => canonical(event.data) !== canonical(group[at]?.data));
    if (index >= 0) {
      differ({
        ...where,
        shadow: decided,
        detail: `${decided[index] ?? '?'} differs: recorded ${canonical(group[index]?.data)}, decided ${canonical(decision.events[index]?.data)}`,
      });
    }
  };

  return {
    apply: (event) => {
      const address = parseStreamName(event.stream);
      const type = address === undefined ? undefined : types.get(address.category);
      if (address === undefined || type === undefined) return;
      let shadow = streams.get(event.stream);
      if (shadow === undefined) {
        shadow = { type, id: address.id, state: type.initialState(), group: [] };
        streams.set(event.stream, shadow);
      }
      const current = shadow.group[0];
      // One command's events are contiguous in its stream: a new command id closes the group.
      if (current !== undefined && (current.metadata.commandId !== event.metadata.commandId || event.metadata.command !== undefined)) settle(shadow);
      shadow.group.push(event);
    },
    report: () => {
      for (const shadow of streams.values()) settle(shadow);
      return { streams: streams.size, ...counts, differences };
    },
  };
};
