/**
 * A small fuzz loop for figure 13: each target is a decoder or validator with a corpus of
 * valid inputs made by the real encoders. Cases are random inputs or stacked mutations of
 * corpus entries (bit flips, byte changes, truncation, insertion, deletion, splices from
 * other entries, repeated ranges, tampered length headers), each run synchronously and
 * timed. A crash is an exception the target does not document; a hang is a case slower
 * than the budget. The generator is seeded, so a printed seed replays a run.
 */
import { concatBytes } from './bytes.js';

export interface FuzzTarget<I> {
  readonly name: string;
  /** Valid inputs, from the real encoders. */
  readonly corpus: readonly I[];
  /** A mutation of `input`; `corpus` is there to splice from. */
  mutate(input: I, random: () => number, corpus: readonly I[]): I;
  /** A random input, with no corpus behind it. */
  generate(random: () => number): I;
  /** Runs the decoder; throws what it throws, or an OracleViolation when its answer breaks its contract. */
  run(input: I): void;
  /** The exceptions the decoder documents (its typed errors); every other one is a crash. */
  readonly documented?: (error: unknown) => boolean;
  /** How to show an input in a crash report. */
  readonly show?: (input: I) => string;
}

/** An answer the decoder returned instead of throwing, but which breaks its contract. */
export class OracleViolation extends Error {}

export interface FuzzResult {
  readonly name: string;
  readonly cases: number;
  readonly typedErrors: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly slowestMs: number;
  readonly examples: readonly string[];
}

export const runFuzzTarget = <I>(target: FuzzTarget<I>, random: () => number, budgetMs: number, hangMs: number): FuzzResult => {
  let cases = 0;
  let typedErrors = 0;
  let crashes = 0;
  let hangs = 0;
  let slowestMs = 0;
  const examples: string[] = [];
  const show = target.show ?? ((input: I) => String(input));
  const report = (what: string, input: I, error?: unknown): void => {
    if (examples.length < 5) examples.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error) ?? ''} on ${show(input).slice(0, 400)}`);
  };
  const runOne = (input: I): void => {
    const started = performance.now();
    try {
      target.run(input);
    } catch (error) {
      if (!(error instanceof OracleViolation) && target.documented?.(error) === true) typedErrors += 1;
      else {
        crashes += 1;
        report('crash', input, error);
      }
    }
    const elapsed = performance.now() - started;
    slowestMs = Math.max(slowestMs, elapsed);
    if (elapsed > hangMs) {
      hangs += 1;
      report(`hang (${elapsed.toFixed(0)} ms)`, input);
    }
    cases += 1;
  };

  // Every corpus entry as it is first: the decoder must take its own encoder's output.
  for (const input of target.corpus) runOne(input);
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline) {
    for (let batch = 0; batch < 32; batch += 1) {
      if (target.corpus.length === 0 || random() < 0.2) runOne(target.generate(random));
      else {
        let input = target.corpus[Math.floor(random() * target.corpus.length)] as I;
        const stacked = 1 + Math.floor(random() * 4);
        for (let step = 0; step < stacked; step += 1) input = target.mutate(input, random, target.corpus);
        runOne(input);
      }
    }
  }
  return { name: target.name, cases, typedErrors, crashes, hangs, slowestMs, examples };
};

const int = (random: () => number, below: number): number => Math.floor(random() * below);
const pick = <T>(random: () => number, values: readonly T[]): T => values[int(random, values.length)] as T;

export const randomBytes = (random: () => number, maxLength = 256): Uint8Array => {
  const out = new Uint8Array(int(random, maxLength + 1));
  for (let index = 0; index < out.length; index += 1) out[index] = int(random, 256);
  return out;
};

/** Bytes that mean something to a msgpack decoder: container and length headers, reserved, extension. */
const INTERESTING_BYTES = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff];
const LENGTH_HEADERS: Readonly<Record<number, number>> = { 0xc4: 1, 0xc5: 2, 0xc6: 4, 0xc7: 1, 0xc8: 2, 0xc9: 4, 0xd9: 1, 0xda: 2, 0xdb: 4, 0xdc: 2, 0xdd: 4, 0xde: 2, 0xdf: 4 };
const HUGE = [0xff, 0x7f, 0x80, 0x00, 0x01];

/** One mutation of msgpack (or any) bytes. */
export const mutateBytes = (input: Uint8Array, random: () => number, corpus: readonly Uint8Array[]): Uint8Array => {
  const at = (): number => int(random, input.length + 1);
  switch (int(random, 10)) {
    case 0: {
      if (input.length === 0) return Uint8Array.of(int(random, 256));
      const out = input.slice();
      const flips = 1 + int(random, 8);
      for (let flip = 0; flip < flips; flip += 1) {
        const index = int(random, out.length);
        out[index] = (out[index] as number) ^ (1 << int(random, 8));
      }
      return out;
    }
    case 1: {
      if (input.length === 0) return Uint8Array.of(pick(random, INTERESTING_BYTES));
      const out = input.slice();
      out[int(random, out.length)] = random() < 0.5 ? pick(random, INTERESTING_BYTES) : int(random, 256);
      return out;
    }
    case 2:
      return input.slice(0, at());
    case 3: {
      const index = at();
      return concatBytes(input.subarray(0, index), randomBytes(random, 16), input.subarray(index));
    }
    case 4: {
      const start = at();
      return concatBytes(input.subarray(0, start), input.subarray(Math.min(input.length, start + 1 + int(random, 16))));
    }
    case 5: {
      // Splice: a piece of another valid encoding, in place of a piece of this one.
      const other = pick(random, corpus.length > 0 ? corpus : [input]);
      const from = int(random, other.length + 1);
      const piece = other.subarray(from, from + 1 + int(random, 64));
      const start = at();
      return concatBytes(input.subarray(0, start), piece, input.subarray(Math.min(input.length, start + int(random, 8))));
    }
    case 6: {
      // A range repeated: nesting and lengths grow without new bytes.
      const start = at();
      const range = input.subarray(start, start + 1 + int(random, 8));
      const times = 1 + int(random, 64);
      return concatBytes(input.subarray(0, start), ...Array.from({ length: times }, () => range), input.subarray(start));
    }
    case 7:
    case 8: {
      // Length-header tampering: a header's length made huge, tiny or off by one.
      const headers: number[] = [];
      for (let index = 0; index < input.length; index += 1) {
        const head = input[index] as number;
        if (LENGTH_HEADERS[head] !== undefined || (head >= 0x80 && head <= 0xbf)) headers.push(index);
      }
      if (headers.length === 0) return mutateBytes(input, random, corpus);
      const index = pick(random, headers);
      const out = input.slice();
      const head = out[index] as number;
      const width = LENGTH_HEADERS[head];
      if (width === undefined) {
        // fixmap, fixarray, fixstr: another count in the same family.
        const base = head >= 0xa0 ? 0xa0 : head >= 0x90 ? 0x90 : 0x80;
        out[index] = base | int(random, base === 0xa0 ? 32 : 16);
        return out;
      }
      for (let byte = 1; byte <= width && index + byte < out.length; byte += 1) {
        const current = out[index + byte] as number;
        out[index + byte] = random() < 0.5 ? pick(random, HUGE) : (current + (random() < 0.5 ? 1 : 255)) & 0xff;
      }
      return out;
    }
    default:
      return concatBytes(input, randomBytes(random, 8));
  }
};

const ODD_CHARACTERS = ['.', '..', '*', '>', ' ', '\t', '\n', '\u0000', 'é', '\uD800', '😀', '$', '/', ':', '-', '_', '%', '\\', '"', 'v', '0', 'A'];

/** One mutation of a string: odd characters in, characters out, pieces repeated or swapped. */
export const mutateString = (input: string, random: () => number, corpus: readonly string[]): string => {
  const at = (): number => int(random, input.length + 1);
  switch (int(random, 6)) {
    case 0: {
      const index = at();
      return input.slice(0, index) + pick(random, ODD_CHARACTERS) + input.slice(index);
    }
    case 1: {
      const index = at();
      return input.slice(0, index) + input.slice(index + 1 + int(random, 8));
    }
    case 2: {
      const index = at();
      const piece = input.slice(index, index + 1 + int(random, 8));
      return input.slice(0, index) + piece.repeat(1 + int(random, 20)) + input.slice(index);
    }
    case 3: {
      const other = pick(random, corpus.length > 0 ? corpus : [input]);
      const from = int(random, other.length + 1);
      return input.slice(0, at()) + other.slice(from, from + 1 + int(random, 16));
    }
    case 4:
      return input.slice(0, at());
    default: {
      const index = int(random, Math.max(1, input.length));
      const code = input.charCodeAt(index);
      if (Number.isNaN(code)) return input + String.fromCharCode(int(random, 0x10000));
      return input.slice(0, index) + String.fromCharCode(code ^ (1 << int(random, 16))) + input.slice(index + 1);
    }
  }
};

export const randomString = (random: () => number, maxLength = 80): string =>
  Array.from({ length: int(random, maxLength + 1) }, () => (random() < 0.3 ? pick(random, ODD_CHARACTERS) : String.fromCharCode(32 + int(random, 95)))).join('');

/** Values a hostile client puts where data goes. */
export const hostileValue = (random: () => number): unknown =>
  pick(random, [
    () => 2 ** 53,
    () => 2n ** 64n - 1n,
    () => -(2n ** 63n),
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => -0,
    () => 1e308,
    () => 0.5,
    () => -1,
    () => '',
    () => 'x'.repeat(int(random, 20_000)),
    () => randomString(random),
    () => null,
    () => true,
    () => [],
    () => [randomString(random, 8)],
    () => ({}),
    () => ({ nested: { deeper: [1, { x: 2 }] } }),
    () => new Date(int(random, 2 ** 42)),
    () => new Uint8Array(int(random, 64)),
    () => int(random, 2 ** 31),
  ])();

/** One mutation of a plain data map: a field replaced, removed, added, or the map wrapped. */
export const mutateData = (input: Readonly<Record<string, unknown>>, random: () => number): Record<string, unknown> => {
  const keys = Object.keys(input);
  const copy: Record<string, unknown> = { ...input };
  switch (int(random, 5)) {
    case 0:
    case 1:
      if (keys.length > 0) copy[pick(random, keys)] = hostileValue(random);
      else copy[randomString(random, 8)] = hostileValue(random);
      return copy;
    case 2:
      if (keys.length > 0) delete copy[pick(random, keys)];
      return copy;
    case 3:
      copy[pick(random, ['extra', 'isAdmin', 'issuer', randomString(random, 12)])] = hostileValue(random);
      return copy;
    default: {
      const key = keys.length > 0 ? pick(random, keys) : 'x';
      copy[key] = { [key]: input[key] };
      return copy;
    }
  }
};

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
