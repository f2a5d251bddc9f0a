import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured logs: one JSON object per line on stderr (stdout carries the program's own
 * output, like the live figures), with the level from configuration.
 */
export const createLogger = (level: LogLevel, name = 'shardkeep'): Logger => pino({ name, level, base: { pid: process.pid } }, pino.destination(2));

/** The `onError` every part takes, logging the error with the context it happened in. */
export const errorReporter =
  (logger: Logger) =>
  (error: unknown, context: string): void => {
    logger.error({ err: error, context }, context);
  };
