import Redis from 'ioredis';

/** Options of the Redis connection; keyPrefix separates deployments (and test runs) sharing one Redis. */
export interface RedisOptions {
  onError?: (error: Error) => void;
}

/**
 * A Redis client for REDIS_URL, tuned for rate limiting: a command fails fast (one retry, 1 s connect timeout)
 * instead of queueing while Redis is away, and the client keeps reconnecting in the background.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every reconnect failure; the caller logs them once, at warn.
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/** Resolves when Redis answers PING within timeoutMs. */
export async function pingRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('Redis did not answer PING')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
