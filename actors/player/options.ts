import { ShardkeepError } from '../../events/errors.js';

export interface PlayerOptions {
  /** One session per player: a new login revokes the previous one. */
  readonly singleSession: boolean;
  /** A session not touched for this long is expired. */
  readonly idleTimeoutMs: number;
  /** A session older than this is expired however active it was. */
  readonly absoluteTimeoutMs: number;
}

/** How many sessions a player may hold at once when `singleSession` is off. */
export const MAX_CONCURRENT_SESSIONS = 5;

export const defaultPlayerOptions = (): PlayerOptions => ({
  singleSession: true,
  idleTimeoutMs: 30 * 60 * 1000,
  absoluteTimeoutMs: 24 * 60 * 60 * 1000,
});

export class PlayerOptionsError extends ShardkeepError {
  readonly code = 'PLAYER_OPTIONS';
}

/** Epoch-millisecond instants must stay exact; a year is far beyond any sane timeout. */
const MAX_TIMEOUT_MS = 366 * 24 * 60 * 60 * 1000;

const checkTimeout = (name: string, value: number): void => {
  if (!Number.isSafeInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new PlayerOptionsError(`${name} must be a whole number of milliseconds in 1..${MAX_TIMEOUT_MS}, got ${value}`);
  }
};

/** Fills defaults and refuses conflicting values at startup rather than at the first login. */
export const parsePlayerOptions = (options: Partial<PlayerOptions> = {}): PlayerOptions => {
  // `??` rather than a spread: an explicit `undefined` (from a config object) means "default".
  const defaults = defaultPlayerOptions();
  const parsed: PlayerOptions = {
    singleSession: options.singleSession ?? defaults.singleSession,
    idleTimeoutMs: options.idleTimeoutMs ?? defaults.idleTimeoutMs,
    absoluteTimeoutMs: options.absoluteTimeoutMs ?? defaults.absoluteTimeoutMs,
  };
  checkTimeout('idleTimeoutMs', parsed.idleTimeoutMs);
  checkTimeout('absoluteTimeoutMs', parsed.absoluteTimeoutMs);
  if (parsed.idleTimeoutMs > parsed.absoluteTimeoutMs) {
    throw new PlayerOptionsError(
      `idleTimeoutMs (${parsed.idleTimeoutMs}) must not exceed absoluteTimeoutMs (${parsed.absoluteTimeoutMs})`,
    );
  }
  return parsed;
};
