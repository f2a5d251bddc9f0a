import { formatPosition, type Position } from '../../events/store/position.js';

/**
 * How answers are printed: tables for people, and plain JSON for tools (maps as objects,
 * sets as arrays, big integers as numbers when exact, dates as ISO strings, positions as
 * `C/P`).
 */

const isPosition = (value: object): value is Position =>
  Object.keys(value).length === 2 && typeof (value as Partial<Position>).commit === 'bigint' && typeof (value as Partial<Position>).prepare === 'bigint';

/** JSON-safe data from any state an actor folds. */
export const plain = (value: unknown): unknown => {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>).entries()];
    if (entries.every(([key]) => typeof key === 'string')) return Object.fromEntries(entries.map(([key, item]) => [key, plain(item)]));
    return entries.map(([key, item]) => [plain(key), plain(item)]);
  }
  if (value instanceof Set) return [...(value as Set<unknown>)].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    if (isPosition(value)) return formatPosition(value);
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, plain(item)]));
  }
  return value;
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
