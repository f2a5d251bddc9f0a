import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  StoreRequestError,
  StoreUnavailableError,
  compileFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '../../../events/store/index.js';
import { validateMaxCount } from '../shared/validate.js';
import { toStoredEvent, type EventRow } from './rows.js';
import type { Statements } from './statements.js';

/**
 * Rows fetched per query. Reads page by keyset (the last revision or position seen)
 * rather than holding a cursor open: better-sqlite3 blocks the connection while an
 * iterator lives, and a consumer may await (and append) between two events.
 */
export const READ_PAGE_SIZE = 500;

/** One page query; a failing file surfaces as the port's StoreUnavailableError, not a raw SqliteError. */
export const fetchPage = <Row>(query: () => Row[]): Row[] => {
  try {
    return query();
  } catch (cause) {
    throw new StoreUnavailableError('sqlite event store read failed', { cause });
  }
};

/**
 * Between two full pages: let timers and I/O run, so a long catch-up or a filter that
 * rejects page after page never holds the event loop the actors share.
 */
export const betweenPages = (): Promise<void> => nextTurn();

/** Larger than any rowid or revision SQLite can hold: "the end" for backward reads. */
const END = 0x7fff_ffff_ffff_ffffn;

/** `ensureOpen` runs before every page, so a read outliving its store fails loudly. */
export const readStream = async function* (
  statements: Statements,
  ensureOpen: () => void,
  stream: string,
  options: ReadStreamOptions = {},
): AsyncGenerator<StoredEvent> {
  const forwards = (options.direction ?? 'forwards') === 'forwards';
  let remaining = validateMaxCount(options.maxCount);
  const from = options.from ?? (forwards ? 'start' : 'end');
  let cursor = from === 'start' ? 0n : from === 'end' ? END : from;
  if (cursor < 0n) throw new StoreRequestError(`read from revision ${cursor.toString()}: revisions start at 0`);
  while (remaining > 0) {
    ensureOpen();
    const limit = Math.min(READ_PAGE_SIZE, remaining);
    const rows = fetchPage(() =>
      forwards ? statements.streamForwards.all(stream, cursor, limit) : statements.streamBackwards.all(stream, cursor, limit),
    );
    for (const row of rows) yield toStoredEvent(row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < limit) return;
    remaining -= rows.length;
    cursor = forwards ? last.revision + 1n : last.revision - 1n;
    await betweenPages();
  }
};

export const readAll = async function* (
  statements: Statements,
  ensureOpen: () => void,
  options: ReadAllOptions = {},
): AsyncGenerator<StoredEvent> {
  const forwards = (options.direction ?? 'forwards') === 'forwards';
  let remaining = validateMaxCount(options.maxCount);
  const matches = compileFilter(options.filter);
  const from = options.from ?? (forwards ? 'start' : 'end');
  let cursor = from === 'start' ? 0n : from === 'end' ? END : from.commit;
  while (remaining > 0) {
    ensureOpen();
    // maxCount counts matches; a filter may reject whole pages, so filtered reads fetch full pages.
    const limit = options.filter === undefined ? Math.min(READ_PAGE_SIZE, remaining) : READ_PAGE_SIZE;
    const rows: EventRow[] = fetchPage(() =>
      forwards ? statements.allForwards.all(cursor, limit) : statements.allBackwards.all(cursor, limit),
    );
    for (const row of rows) {
      if (!matches(row.stream, row.type)) continue;
      yield toStoredEvent(row);
      remaining -= 1;
      if (remaining === 0) return;
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < limit) return;
    cursor = forwards ? last.position + 1n : last.position - 1n;
    await betweenPages();
  }
};
