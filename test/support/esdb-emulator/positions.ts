/**
 * A place in `$all` as the server knows it (TFPos): a commit and a prepare position, both
 * byte offsets into the transaction log. Current servers write records that commit
 * themselves, so an event's position has commit = prepare = the offset where its record
 * starts. Checkpoints are not always event positions: a catch-up checkpoint can be
 * `{ commit: <start of the next page>, prepare: 0 }`, exactly as the server sends it.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** TFPos.HeadOfTf: before everything. Never sent to a client. */
export const HEAD_OF_LOG: LogPosition = { commit: -1n, prepare: -1n };

export const selfCommitted = (offset: bigint): LogPosition => ({ commit: offset, prepare: offset });

export const comparePositions = (a: LogPosition, b: LogPosition): number => {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
};

export const laterOf = (a: LogPosition, b: LogPosition): LogPosition => (comparePositions(a, b) >= 0 ? a : b);

export const isHeadOfLog = (position: LogPosition): boolean => comparePositions(position, HEAD_OF_LOG) === 0;

/** Where the first record goes: a real log starts with an epoch record that `$all` never shows. */
export const FIRST_RECORD_OFFSET = 128n;

/*
 * Roughly what a v2 prepare record occupies (length prefix and suffix, flags, positions,
 * expected version, event and correlation ids, timestamp, string and payload lengths).
 * Offsets therefore advance by the size of what was written, as on a real server, so
 * nothing above the store can treat positions as consecutive numbers.
 */
const PREPARE_OVERHEAD = 94;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

export const recordLength = (stream: string, type: string, dataLength: number, metadataLength: number): bigint =>
  BigInt(PREPARE_OVERHEAD + utf8Length(stream) + utf8Length(type) + dataLength + metadataLength);

/** uint64 fields travel as decimal strings; the server writes -1 as its two's complement. */
export const toUInt64 = (value: bigint): string => BigInt.asUintN(64, value).toString();

export const fromUInt64 = (text: string): bigint => {
  if (!/^\d{1,20}$/.test(text)) throw new RangeError(`not a uint64: ${JSON.stringify(text)}`);
  return BigInt(text);
};
