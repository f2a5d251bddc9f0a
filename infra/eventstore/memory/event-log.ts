import type { Position, StoredEvent } from '../../../events/store/index.js';

/**
 * The memory store's log, laid out so that a process holding millions of events pays
 * almost nothing for them at garbage collection. An event is no object on the heap: its
 * id, data and metadata are copied, back to back, into large byte slabs, and everything
 * else about it (stream, revision, type, where its bytes are, when it was written) is
 * numbers in typed arrays, which the collector never looks into. `StoredEvent` objects
 * are made when an event is read, with `data` and `metadata` as views of the slab.
 *
 * Ids are looked up in an open-addressing hash table of event numbers (a typed array
 * too), and compared with the id's bytes in the slab; ids are UUIDs (checked before they
 * get here), so one byte per character.
 */
export interface EventLog {
  /** Events in the log; event `n` (0-based) is at position n + 1. */
  readonly length: number;
  /** The numbers of `stream`'s events in revision order (empty for a missing stream); grows with the stream. */
  eventsOf(stream: string): readonly number[];
  /** The event number of the event whose id is `id`, or -1. */
  find(id: string): number;
  /** Whether event `event` has the id `id`. */
  hasId(event: number, id: string): boolean;
  streamOf(event: number): string;
  revisionOf(event: number): number;
  typeOf(event: number): string;
  /** Appends one event at the end of `stream`; returns its revision. */
  add(stream: string, id: string, type: string, data: Uint8Array, metadata: Uint8Array, createdMs: number): number;
  /** Event `event` as the port hands it out: a fresh object, bytes as views of the slab. */
  read(event: number): StoredEvent;
}

export const positionOf = (event: number): Position => {
  const value = BigInt(event + 1);
  return { commit: value, prepare: value };
};

/** The index of the event at `position`: its number, when the position is in the log. */
export const eventOf = (position: Position): number => Number(position.commit) - 1;

const SLAB_BYTES = 1 << 20;
/** Events at least this large get a slab of their own, so slabs are never mostly waste. */
const OWN_SLAB_BYTES = SLAB_BYTES / 8;
const INITIAL_EVENTS = 1024;
const NO_EVENTS: readonly number[] = [];

// One record of 32-bit fields per event.
const STREAM = 0;
const REVISION = 1;
const TYPE = 2;
const SLAB = 3;
const OFFSET = 4;
const ID_BYTES = 5;
const DATA_BYTES = 6;
const METADATA_BYTES = 7;
const FIELDS = 8;

/** FNV-1a over the id's characters (all one byte: ids are UUIDs). */
const fnv1a = (id: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return hash | 0;
};

export const createEventLog = (): EventLog => {
  let length = 0;
  let records = new Uint32Array(INITIAL_EVENTS * FIELDS);
  let created = new Float64Array(INITIAL_EVENTS);
  let hashes = new Int32Array(INITIAL_EVENTS);
  // Event number + 1 per slot, 0 for empty; at most half full.
  let slots = new Int32Array(INITIAL_EVENTS * 2);

  const slabs: Buffer[] = [Buffer.allocUnsafeSlow(SLAB_BYTES)];
  // The slab small events go to, and how much of it they filled.
  let current = 0;
  let used = 0;

  const streamNames: string[] = [];
  const streamNumbers = new Map<string, number>();
  /** Per stream, its events' numbers in revision order. */
  const streamEvents: number[][] = [];
  const typeNames: string[] = [];
  const typeNumbers = new Map<string, number>();

  // An append looks its ids up before it adds them: the last hash is remembered for add.
  let hashedId = '';
  let hashed = fnv1a(hashedId);
  const hashOf = (id: string): number => {
    if (id !== hashedId) {
      hashed = fnv1a(id);
      hashedId = id;
    }
    return hashed;
  };

  const grow = (): void => {
    const capacity = created.length * 2;
    const nextRecords = new Uint32Array(capacity * FIELDS);
    nextRecords.set(records);
    records = nextRecords;
    const nextCreated = new Float64Array(capacity);
    nextCreated.set(created);
    created = nextCreated;
    const nextHashes = new Int32Array(capacity);
    nextHashes.set(hashes);
    hashes = nextHashes;
    slots = new Int32Array(capacity * 2);
    for (let event = 0; event < length; event += 1) place(event);
  };

  const place = (event: number): void => {
    const mask = slots.length - 1;
    let slot = (hashes[event] as number) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = event + 1;
  };

  const numberOf = (names: string[], numbers: Map<string, number>, name: string): number => {
    let number = numbers.get(name);
    if (number === undefined) {
      number = names.push(name) - 1;
      numbers.set(name, number);
    }
    return number;
  };

  const field = (event: number, name: number): number => records[event * FIELDS + name] as number;

  const hasId = (event: number, id: string): boolean => {
    if (field(event, ID_BYTES) !== id.length) return false;
    const bytes = slabs[field(event, SLAB)] as Buffer;
    const start = field(event, OFFSET);
    for (let index = 0; index < id.length; index += 1) {
      if (bytes[start + index] !== id.charCodeAt(index)) return false;
    }
    return true;
  };

  return {
    get length() {
      return length;
    },
    eventsOf: (stream) => {
      const number = streamNumbers.get(stream);
      return number === undefined ? NO_EVENTS : (streamEvents[number] as number[]);
    },
    find: (id) => {
      const hash = hashOf(id);
      const mask = slots.length - 1;
      for (let slot = hash & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
        const event = (slots[slot] as number) - 1;
        if (hashes[event] === hash && hasId(event, id)) return event;
      }
      return -1;
    },
    hasId,
    streamOf: (event) => streamNames[field(event, STREAM)] as string,
    revisionOf: (event) => field(event, REVISION),
    typeOf: (event) => typeNames[field(event, TYPE)] as string,
    add: (stream, id, type, data, metadata, createdMs) => {
      if (length === created.length) grow();
      const event = length;
      const streamNumber = numberOf(streamNames, streamNumbers, stream);
      let events = streamEvents[streamNumber];
      if (events === undefined) {
        events = [];
        streamEvents[streamNumber] = events;
      }
      const revision = events.push(event) - 1;

      // Small events go to the current slab (a fresh one when it is full), large ones to
      // a slab of their own.
      const size = id.length + data.length + metadata.length;
      let slabNumber = current;
      let offset = used;
      if (size >= OWN_SLAB_BYTES) {
        slabNumber = slabs.push(Buffer.allocUnsafeSlow(size)) - 1;
        offset = 0;
      } else {
        if (used + size > SLAB_BYTES) {
          current = slabs.push(Buffer.allocUnsafeSlow(SLAB_BYTES)) - 1;
          slabNumber = current;
          offset = 0;
        }
        used = offset + size;
      }
      const bytes = slabs[slabNumber] as Buffer;
      for (let index = 0; index < id.length; index += 1) bytes[offset + index] = id.charCodeAt(index);
      bytes.set(data, offset + id.length);
      bytes.set(metadata, offset + id.length + data.length);

      const base = event * FIELDS;
      records[base + STREAM] = streamNumber;
      records[base + REVISION] = revision;
      records[base + TYPE] = numberOf(typeNames, typeNumbers, type);
      records[base + SLAB] = slabNumber;
      records[base + OFFSET] = offset;
      records[base + ID_BYTES] = id.length;
      records[base + DATA_BYTES] = data.length;
      records[base + METADATA_BYTES] = metadata.length;
      created[event] = createdMs;
      hashes[event] = hashOf(id);
      length += 1;
      place(event);
      return revision;
    },
    read: (event) => {
      const bytes = slabs[field(event, SLAB)] as Buffer;
      const idStart = field(event, OFFSET);
      const dataStart = idStart + field(event, ID_BYTES);
      const metadataStart = dataStart + field(event, DATA_BYTES);
      return {
        stream: streamNames[field(event, STREAM)] as string,
        revision: BigInt(field(event, REVISION)),
        position: positionOf(event),
        id: bytes.toString('latin1', idStart, dataStart),
        type: typeNames[field(event, TYPE)] as string,
        data: new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart, metadataStart - dataStart),
        metadata: new Uint8Array(bytes.buffer, bytes.byteOffset + metadataStart, field(event, METADATA_BYTES)),
        created: new Date(created[event] as number),
      };
    },
  };
};
