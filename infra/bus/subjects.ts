/**
 * NATS subject rules, for the in-process bus: tokens are separated by '.', `*` matches
 * exactly one token, `>` (last token only) matches one or more trailing tokens.
 */

/** A subscription pattern split into tokens once, at serve() time. */
export type SubjectPattern = readonly string[];

/** Splits and checks a pattern as nats-server would: no empty tokens, `>` only last. */
export const parsePattern = (pattern: string): SubjectPattern => {
  const tokens = pattern.split('.');
  tokens.forEach((token, index) => {
    if (token === '' || /\s/.test(token)) throw new Error(`invalid subject ${JSON.stringify(pattern)}: empty token or whitespace`);
    if (token === '>' && index !== tokens.length - 1) throw new Error(`invalid subject ${JSON.stringify(pattern)}: '>' must be last`);
  });
  return tokens;
};

/** A subject to publish on: at least one token, no empty tokens, no wildcards. */
export const isPublishSubject = (subject: string): boolean => {
  if (subject === '' || /\s/.test(subject)) return false;
  for (const token of subject.split('.')) {
    if (token === '' || token === '*' || token === '>') return false;
  }
  return true;
};

export const matchesPattern = (pattern: SubjectPattern, subject: readonly string[]): boolean => {
  for (let index = 0; index < pattern.length; index += 1) {
    const token = pattern[index];
    if (token === '>') return subject.length > index;
    if (index >= subject.length) return false;
    if (token !== '*' && token !== subject[index]) return false;
  }
  return pattern.length === subject.length;
};
