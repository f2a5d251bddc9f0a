import { SUBJECT_TOKEN } from '../../actors/runtime/protocol/subjects.js';

/**
 * The actor id of a stream `<category>-<id>` (`player-p42` → `p42`); undefined for a
 * stream of another category.
 */
export const idOfStream = (category: string, stream: string): string | undefined => {
  const prefix = `${category}-`;
  return stream.startsWith(prefix) && stream.length > prefix.length ? stream.slice(prefix.length) : undefined;
};

/**
 * Whether an id may stand as one token of a NATS subject. Ids in the log were checked by
 * the actors; a projection still publishes nothing on a subject an id would break.
 */
export const isSubjectToken = (id: string): boolean => SUBJECT_TOKEN.test(id);
