import { parsePosition } from '../../events/store/position.js';
import type { LogPoint } from '../../projections/audit/points.js';
import { UsageError } from './context.js';

/** The point options of `actor` and `world`, as commander hands them over. */
export interface PointOptions {
  readonly atRevision?: string;
  readonly atPosition?: string;
  readonly atTime?: string;
}

/** An ISO 8601 instant with a date and a time (a zone or Z; without one, the machine's local time). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

export const parseTime = (text: string, flag: string): LogPoint => {
  const time = ISO_INSTANT.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) throw new UsageError(`${flag} ${text}: expected an ISO 8601 time such as 2026-11-24T21:04:00Z`);
  return { kind: 'time', time };
};

export const parsePositionPoint = (text: string, flag: string): LogPoint => {
  const position = parsePosition(text);
  if (position === undefined) throw new UsageError(`${flag} ${text}: expected a position C/P such as 1234/1234`);
  return { kind: 'position', position };
};

/** `C/P` is a position, anything else must be a time. */
export const parsePoint = (text: string, flag: string): LogPoint =>
  /^\d+\/\d+$/.test(text) ? parsePositionPoint(text, flag) : parseTime(text, flag);

export const pointOf = (options: PointOptions, { revisions }: { readonly revisions: boolean }): LogPoint => {
  const given = [options.atRevision, options.atPosition, options.atTime].filter((value) => value !== undefined);
  if (given.length > 1) throw new UsageError('give one of --at-revision, --at-position and --at-time');
  if (options.atRevision !== undefined) {
    if (!revisions) throw new UsageError('--at-revision is for one actor; the world takes --at-position or --at-time');
    if (!/^\d{1,18}$/.test(options.atRevision)) throw new UsageError(`--at-revision ${options.atRevision}: expected a revision (0, 1, 2, …)`);
    return { kind: 'revision', revision: BigInt(options.atRevision) };
  }
  if (options.atPosition !== undefined) return parsePositionPoint(options.atPosition, '--at-position');
  if (options.atTime !== undefined) return parseTime(options.atTime, '--at-time');
  return { kind: 'end' };
};
