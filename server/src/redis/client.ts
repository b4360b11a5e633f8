import Redis from 'ioredis';

/** Options of the Redis connection; keyPrefix separates deployments (and test runs) sharing one Redis. */
export interface RedisOptions {
  onError?: (error: Error) => void;
}

/**
 * A Redis client for REDIS_URL, tuned for rate limiting: while Redis is away a command fails at once (no offline
 * queue) rather than holding the request, and the client keeps reconnecting in the background.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    connectTimeout: 1000,
    // A socket that never connected never reports "close": don't wait the default 2 s to drop it on shutdown.
    disconnectTimeout: 200,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every reconnect failure; the caller logs them once, at warn.
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/** Closes the client: QUIT when connected, else just stop reconnecting (QUIT would wait for a connection). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}

/** Resolves once the client is connected (at once if it is), or rejects after timeoutMs. */
export function redisReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error('Redis is not connected'));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** Resolves when Redis answers PING within timeoutMs (waiting for a connection in progress). */
export async function pingRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redisReady(client, timeoutMs).then(() => client.ping()),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('Redis did not answer PING')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
