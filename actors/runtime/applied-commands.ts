/** What a command did, enough to answer its retry exactly as the first time. */
export interface AppliedCommand {
  /** Stream revision of the command's last event. */
  readonly revision: bigint;
  /** Domain types of the events it appended, in order. */
  readonly events: readonly string[];
}

/**
 * The commands an actor applied most recently, oldest first, bounded. It is rebuilt
 * from event metadata on activation and carried in snapshots, so a retry is recognised
 * after passivation, a restart or on another host, as long as it falls in the window.
 */
export interface AppliedCommands {
  get(commandId: string): AppliedCommand | undefined;
  /** Records events of `commandId`; consecutive events of one command extend its entry. */
  record(commandId: string, revision: bigint | number, eventType: string): void;
  entries(): [string, AppliedCommand][];
  readonly size: number;
}

// Every command of a type that appended one event shares one list of that type.
const singleEvents = new Map<string, readonly string[]>();
/** A frozen list of the one type, shared by every caller (event types are few: a registry's). */
export const singleEventList = (eventType: string): readonly string[] => {
  let events = singleEvents.get(eventType);
  if (events === undefined) {
    events = Object.freeze([eventType]);
    singleEvents.set(eventType, events);
  }
  return events;
};

/**
 * A window per resident actor, and every command it applied stays in it until 256 (by
 * default) newer ones have: so an entry holds no object of its own. The commands sit in
 * a ring, oldest first from `oldest`: their ids, the revision of their last event (a
 * number: streams stay far below 2^53 events) and their event types (a shared list for a
 * single event); a map finds a command's place in the ring.
 */
class AppliedWindow implements AppliedCommands {
  private readonly places = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly revisions: number[] = [];
  private readonly events: (readonly string[])[] = [];
  private oldest = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.places.size;
  }

  get(commandId: string): AppliedCommand | undefined {
    const place = this.places.get(commandId);
    if (place === undefined) return undefined;
    return { revision: BigInt(this.revisions[place] as number), events: this.events[place] as readonly string[] };
  }

  record(commandId: string, revision: bigint | number, eventType: string): void {
    const place = this.places.get(commandId);
    if (place !== undefined) {
      this.revisions[place] = Number(revision);
      this.events[place] = [...(this.events[place] as readonly string[]), eventType];
      return;
    }
    this.insert(commandId, Number(revision), singleEventList(eventType));
  }

  /** An entry carried over from a snapshot. */
  restore(commandId: string, applied: AppliedCommand): void {
    const place = this.places.get(commandId);
    if (place === undefined) {
      this.insert(commandId, Number(applied.revision), applied.events);
      return;
    }
    this.revisions[place] = Number(applied.revision);
    this.events[place] = applied.events;
  }

  private insert(commandId: string, revision: number, events: readonly string[]): void {
    if (this.limit <= 0) return;
    let place = this.ids.length;
    if (place >= this.limit) {
      // Full: the oldest command leaves, the new one takes its place.
      place = this.oldest;
      this.places.delete(this.ids[place] as string);
      this.oldest = (place + 1) % this.limit;
    }
    this.ids[place] = commandId;
    this.revisions[place] = revision;
    this.events[place] = events;
    this.places.set(commandId, place);
  }

  entries(): [string, AppliedCommand][] {
    const entries: [string, AppliedCommand][] = [];
    const count = this.ids.length;
    for (let offset = 0; offset < count; offset += 1) {
      const place = (this.oldest + offset) % count;
      const id = this.ids[place] as string;
      entries.push([id, { revision: BigInt(this.revisions[place] as number), events: this.events[place] as readonly string[] }]);
    }
    return entries;
  }
}

export const createAppliedCommands = (limit: number, initial: readonly [string, AppliedCommand][] = []): AppliedCommands => {
  const window = new AppliedWindow(limit);
  for (const [commandId, applied] of initial.slice(-limit)) window.restore(commandId, applied);
  return window;
};
