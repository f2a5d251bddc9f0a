import { createHash } from 'node:crypto';

/**
 * A command id derived from what the command does, so that a process manager that
 * crashed and repeats a step sends the very command it sent before, and the receiving
 * actor answers it from its idempotency window instead of applying it twice. 128 bits
 * of SHA-256 in base64url: subject-safe, and unique across every step of every process.
 */
export const derivedCommandId = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);
