import { formatPosition, type Position } from '../../events/store/position.js';

/**
 * How answers are printed: tables for people, and plain JSON for tools (maps as objects,
 * sets as arrays, big integers as numbers when exact, dates as ISO strings, positions as
 * `C/P`).
 */

const isPosition = (value: object): value is Position =>
  Object.keys(value).length === 2 && typeof (value as Partial<Position>).commit === 'bigint' && typeof (value as Partial<Position>).prepare === 'bigint';

const hasToJson = (value: object): value is { toJSON(): unknown } => typeof (value as { toJSON?: unknown }).toJSON === 'function';

/**
 * JSON-safe data from any state an actor folds: a state machine's snapshot through its
 * own toJSON (the trade's xstate snapshot: status and context, not the machine), functions
 * left out, a cycle cut.
 */
export const plain = (value: unknown, ancestors: readonly object[] = []): unknown => {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) return '[circular]';
  const within = [...ancestors, value];
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>).entries()];
    if (entries.every(([key]) => typeof key === 'string')) return Object.fromEntries(entries.map(([key, item]) => [key, plain(item, within)]));
    return entries.map(([key, item]) => [plain(key, within), plain(item, within)]);
  }
  if (value instanceof Set) return [...(value as Set<unknown>)].map((item) => plain(item, within));
  if (Array.isArray(value)) return value.map((item: unknown) => plain(item, within));
  if (isPosition(value)) return formatPosition(value);
  if (hasToJson(value)) return plain(value.toJSON(), within);
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, item]) => [key, plain(item, within)] as const)
      .filter(([, item]) => item !== undefined),
  );
};

export const toJson = (value: unknown): string => `${JSON.stringify(plain(value), null, 2)}\n`;

export const count = (value: number): string => value.toLocaleString('en-US');

export const iso = (date: Date | undefined): string => (date === undefined ? '' : date.toISOString());

/** One line of compact JSON, cut at `width` characters. */
export const brief = (value: unknown, width = 60): string => {
  const text = JSON.stringify(plain(value)) ?? '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
};

const NUMERIC = /^-?[\d,]+(\.\d+)?$/;

/** A plain-text table: a header, a rule, the rows; columns of numbers aligned right. */
export const table = (headers: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => (row[column] ?? '') === '' || NUMERIC.test(row[column] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (numeric[column] === true ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ').trimEnd();
  return [line(headers), rule, ...rows.map(line)].join('\n') + '\n';
};

/** Two columns, label and figure: a summary. */
export const figures = (rows: readonly (readonly [string, string | number])[]): string => {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => (typeof value === 'number' ? count(value) : value).length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${typeof value === 'number' ? count(value).padStart(valueWidth) : value}`).join('\n') + '\n';
};
