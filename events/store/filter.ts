/**
 * Which events of `$all` a reader wants. EventStoreDB applies these on the server;
 * embedded stores apply `matchesFilter`. Events whose type starts with `$` are system
 * events and never reach Shardkeep code, whatever the filter.
 */
export type AllFilter =
  | { readonly on: 'streamName'; readonly prefixes: readonly string[] }
  | { readonly on: 'eventType'; readonly prefixes: readonly string[] }
  | { readonly on: 'streamName'; readonly regex: string }
  | { readonly on: 'eventType'; readonly regex: string };

export const isSystemEventType = (type: string): boolean => type.startsWith('$');

/** Compiles a filter once, so embedded stores test each event with one call. */
export const compileFilter = (
  filter: AllFilter | undefined,
): ((stream: string, type: string) => boolean) => {
  if (filter === undefined) return (_stream, type) => !isSystemEventType(type);
  const pick = filter.on === 'streamName'
    ? (stream: string, _type: string) => stream
    : (_stream: string, type: string) => type;
  if ('regex' in filter) {
    const pattern = new RegExp(filter.regex);
    return (stream, type) => !isSystemEventType(type) && pattern.test(pick(stream, type));
  }
  const prefixes = filter.prefixes;
  return (stream, type) => {
    if (isSystemEventType(type)) return false;
    const subject = pick(stream, type);
    return prefixes.some((prefix) => subject.startsWith(prefix));
  };
};
