/**
 * A place in the global log (`$all`). EventStoreDB positions are commit/prepare pairs
 * that are opaque and not consecutive; embedded stores use one sequence for both.
 * Code above the store only compares, stores and restores positions.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const comparePositions = (a: Position, b: Position): number => {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
};

/** `C/P` in decimal: the form checkpoints are written in (Redis keys, files, CLI flags). */
export const formatPosition = (position: Position): string =>
  `${position.commit.toString()}/${position.prepare.toString()}`;

const POSITION_FORMAT = /^(\d{1,20})\/(\d{1,20})$/;

export const parsePosition = (text: string): Position | undefined => {
  const match = POSITION_FORMAT.exec(text);
  if (match === null) return undefined;
  const [, commit = '', prepare = ''] = match;
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
};
