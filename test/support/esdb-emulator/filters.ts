import { invalidArgument, messageOf } from './errors.js';
import type { LogRecord } from './log.js';
import type { StreamsModule } from './proto.js';

type FilterOptions = StreamsModule.ReadReq.Options.FilterOptions;

/** The page size of the server's enumerators, and the search window when the client asks for none. */
export const READ_BATCH_SIZE = 32;

export interface CompiledFilter {
  readonly matches: (record: LogRecord) => boolean;
  /** How many events one catch-up page may scan. */
  readonly maxSearchWindow: number;
  /** Scanned events between checkpoints: window × multiplier. */
  readonly checkpointInterval: number;
}

/**
 * A `$all` filter as the server applies it (EventFilter): a prefix list or a regex, on
 * the stream name or the event type. Regexes are searched, not anchored, as .NET's
 * `Regex.Match` does; .NET and JavaScript syntax agree on everything filters normally use.
 */
export const compileFilter = (options: FilterOptions): CompiledFilter => {
  const subject = options.hasStreamIdentifier()
    ? (record: LogRecord) => record.stream
    : options.hasEventType()
      ? (record: LogRecord) => record.type
      : undefined;
  const expression = options.getStreamIdentifier() ?? options.getEventType();
  if (subject === undefined || expression === undefined) throw invalidArgument('A filter needs a stream name or an event type expression.');

  let test: (value: string) => boolean;
  const regex = expression.getRegex();
  if (regex !== '') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch (error) {
      throw invalidArgument(`Invalid filter regex ${JSON.stringify(regex)}: ${messageOf(error)}`);
    }
    test = (value) => pattern.test(value);
  } else {
    const prefixes = expression.getPrefixList();
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
  }

  const multiplier = options.getCheckpointintervalmultiplier();
  if (multiplier <= 0) throw invalidArgument('The checkpoint interval multiplier must be greater than 0.');
  const maxSearchWindow = options.hasMax() ? options.getMax() : READ_BATCH_SIZE;
  if (maxSearchWindow <= 0) throw invalidArgument('The max search window must be greater than 0.');
  return {
    matches: (record) => test(subject(record)),
    maxSearchWindow,
    checkpointInterval: maxSearchWindow * multiplier,
  };
};
