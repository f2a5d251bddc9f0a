import { z } from 'zod';
import { SUBJECT_TOKEN } from '../runtime/protocol/subjects.js';

/**
 * Bounds of the economy, explicit so that no amount ever leaves the range where
 * JavaScript numbers are exact: one operation moves at most 10^12 gold, and no balance
 * (player, guild bank, escrow) exceeds 10^15, far below 2^53.
 */
export const MAX_GOLD_PER_OPERATION = 1_000_000_000_000;
export const MAX_BALANCE = 1_000_000_000_000_000;

/**
 * A positive whole amount of gold. Rejects negatives, zero, fractions, NaN, infinities,
 * strings, and integers past 2^53 (the protocol decodes those as bigint).
 */
export const GoldAmount = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be positive')
  .max(MAX_GOLD_PER_OPERATION, `must be at most ${MAX_GOLD_PER_OPERATION}`);

/** Ids of actors and references: the subject-safe alphabet of the protocol. */
export const ActorId = z.string().regex(SUBJECT_TOKEN, 'must match [A-Za-z0-9_-]{1,64}');

/** Free text shown to players (names, messages of the day): bounded, no control characters. */
export const DisplayText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'must not contain control characters');

/** Whether `balance + amount` stays within MAX_BALANCE. */
export const fitsBalance = (balance: number, amount: number): boolean => balance + amount <= MAX_BALANCE;
