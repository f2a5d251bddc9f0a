import { Redis } from 'ioredis';

export type { Redis as RedisConnection } from 'ioredis';

export interface RedisConnectOptions {
  /** Shows up in CLIENT LIST. */
  readonly name?: string;
  /** How long the first connection may take before connectRedis gives up; default 10 000 ms. */
  readonly readyTimeoutMs?: number;
  /**
   * Reconnect attempts a command waits through before it fails; default 3. Low on purpose:
   * the runner resumes from its checkpoint by itself, and readers fall back to the log.
   */
  readonly maxRetriesPerRequest?: number;
  /** Connection errors ioredis reports while it reconnects; default: ignored (commands fail on their own). */
  readonly onError?: (error: Error) => void;
}

/** Reconnect delays: 50 ms doubling to at most 2 s, for as long as the server is away. */
const reconnectDelayMs = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000);

/** The host and port only: a URL may carry a password, which has no place in an error. */
const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured server';
  }
};

/**
 * Connects at once (no lazy connect) and resolves when the server answers. Values are read
 * with ioredis's Buffer commands by the adapters, so bytes come back as written.
 */
export const connectRedis = async (url: string, options: RedisConnectOptions = {}): Promise<Redis> => {
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const redis = new Redis(url, {
    lazyConnect: false,
    ...(options.name === undefined ? {} : { connectionName: options.name }),
    connectTimeout: readyTimeoutMs,
    retryStrategy: reconnectDelayMs,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3,
  });
  // Without a listener ioredis prints every failed reconnect as an unhandled error.
  redis.on('error', options.onError ?? (() => undefined));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.disconnect();
      reject(new Error(`redis: no answer from ${hostOf(url)} within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    function onReady(): void {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
  return redis;
};
