import type { Issuer } from './issuer.js';

/**
 * Command subjects: `mmo.cmd.<issuerKind>.<issuerId>.<category>.<actorId>.<command>`,
 * e.g. `mmo.cmd.player.p42.item.sword-7.transfer`. The issuer comes first so one NATS
 * permission (`mmo.cmd.player.p42.>`) confines a player's credentials to its own
 * commands; a game server's credentials are allowed `mmo.cmd.>`.
 */
export const COMMAND_SUBJECT_ROOT = 'mmo.cmd';

/** Ids and names inside subjects: no dots, spaces or wildcards, bounded length. */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const NAME_TOKEN = /^[a-z][a-zA-Z0-9]{0,31}$/;

export interface CommandAddress {
  readonly issuer: Issuer;
  readonly category: string;
  readonly actorId: string;
  readonly command: string;
}

export const isSubjectToken = (value: string): boolean => SUBJECT_TOKEN.test(value);

export const commandSubject = (address: CommandAddress): string =>
  `${COMMAND_SUBJECT_ROOT}.${address.issuer.kind}.${address.issuer.id}.${address.category}.${address.actorId}.${address.command}`;

/** What a host subscribes to for one actor category (all issuers, actors and commands). */
export const categorySubscription = (category: string): string => `${COMMAND_SUBJECT_ROOT}.*.*.${category}.*.*`;

/**
 * Every subject under the command root, the well-formed and the malformed: what a host
 * serving every category of its queue group subscribes to, so that a subject no category
 * subscription matches (an unknown category; an id with a dot, which NATS splits into two
 * tokens) still gets a typed answer instead of none.
 */
export const allCommandsSubscription = `${COMMAND_SUBJECT_ROOT}.>`;

export type SubjectProblem = { readonly problem: string };

/** Parses and validates every token; the answer is an address or the reason it is not one. */
export const parseCommandSubject = (subject: string): CommandAddress | SubjectProblem => {
  const tokens = subject.split('.');
  if (tokens.length !== 7 || `${tokens[0]}.${tokens[1]}` !== COMMAND_SUBJECT_ROOT) {
    return { problem: `subject must be ${COMMAND_SUBJECT_ROOT}.<issuerKind>.<issuerId>.<category>.<actorId>.<command>` };
  }
  const [, , kind = '', issuerId = '', category = '', actorId = '', command = ''] = tokens;
  if (kind !== 'player' && kind !== 'server') return { problem: `issuer kind must be player or server, got ${kind}` };
  if (!SUBJECT_TOKEN.test(issuerId)) return { problem: 'issuer id must match [A-Za-z0-9_-]{1,64}' };
  if (!NAME_TOKEN.test(category)) return { problem: 'category must match [a-z][a-zA-Z0-9]{0,31}' };
  if (!SUBJECT_TOKEN.test(actorId)) return { problem: 'actor id must match [A-Za-z0-9_-]{1,64}' };
  if (!NAME_TOKEN.test(command)) return { problem: 'command must match [a-z][a-zA-Z0-9]{0,31}' };
  return { issuer: { kind, id: issuerId }, category, actorId, command };
};

export const isSubjectProblem = (value: CommandAddress | SubjectProblem): value is SubjectProblem => 'problem' in value;

/**
 * `parseCommandSubject` with a bounded memory of the subjects it accepted: a host sees the
 * same subject for every command to one actor from one issuer, and the split and four
 * regular expressions cost more than a map lookup. Same answers as `parseCommandSubject`
 * (problems are never remembered); the address objects are shared between calls, so they
 * must not be changed. When full, it forgets everything and starts over.
 */
export const createCommandSubjectParser = (capacity: number): ((subject: string) => CommandAddress | SubjectProblem) => {
  const accepted = new Map<string, CommandAddress>();
  return (subject) => {
    const known = accepted.get(subject);
    if (known !== undefined) return known;
    const parsed = parseCommandSubject(subject);
    if (isSubjectProblem(parsed) || capacity <= 0) return parsed;
    if (accepted.size >= capacity) accepted.clear();
    accepted.set(subject, parsed);
    return parsed;
  };
};
