/**
 * The base of every error Shardkeep raises on purpose. A stable `code` lets callers
 * (and clients in other languages, once an error crosses NATS) branch without parsing
 * messages; `cause` keeps the underlying failure for logs.
 */
export abstract class ShardkeepError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export const isShardkeepError = (error: unknown): error is ShardkeepError =>
  error instanceof ShardkeepError;
