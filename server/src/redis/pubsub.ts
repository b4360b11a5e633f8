/**
 * The event channel's fan-out across instances: one Redis channel every instance subscribes to. Redis pub/sub
 * delivers at most once (nothing is stored), so an event only carries what the database already holds.
 */
import Redis from 'ioredis';

/** Publishes to and receives from one Redis channel (a subscriber connection of its own, as Redis requires). */
export class RedisBus {
  private readonly subscriber: Redis;

  constructor(
    url: string,
    private readonly publisher: Redis,
    private readonly channel: string,
    onMessage: (message: string) => void,
    onError: (error: Error) => void,
  ) {
    // Its own connection: a subscribed connection can issue nothing else. ioredis re-subscribes after a reconnect.
    this.subscriber = new Redis(url, {
      connectTimeout: 1000,
      disconnectTimeout: 200,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.subscriber.on('error', onError);
    this.subscriber.on('message', (_channel: string, message: string) => onMessage(message));
  }

  /** Resolves once subscribed (or rejects after timeoutMs); events published before that miss this instance. */
  async subscribe(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.subscriber.subscribe(this.channel),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('Redis subscribe timed out')), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes one message to every subscribed instance (this one included). */
  async publish(message: string): Promise<void> {
    await this.publisher.publish(this.channel, message);
  }

  /** Closes the subscriber connection (the publisher belongs to the redis plugin). */
  close(): void {
    this.subscriber.disconnect();
  }
}
