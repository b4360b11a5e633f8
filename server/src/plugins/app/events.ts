/**
 * The event channel: the one way the service pushes to an app outside a ZEGO room. Events are addressed to users
 * and reach every open socket of that user: through memory in one process, through Redis pub/sub (REDIS_URL) across
 * instances. Sockets live in EventHub; this plugin is the bus and the small interface features use.
 */
import fastifyWebsocket from '@fastify/websocket';
import type { AppEvent } from '@zego-live/contract';
import fp from 'fastify-plugin';
import { hashToken } from '../../lib/ids';
import { RedisBus } from '../../redis/pubsub';
import { warnOnce } from '../warn-once';
import { DEFAULT_EVENT_HUB_OPTIONS, EventHub, type EventHubOptions } from './event-hub';

/** What features use: push to a user, hear of a device that signs in, close a session's sockets. */
export interface EventChannel {
  /** Sends the event to every open socket of the user, on every instance (at most once: state is in the database). */
  publish(userId: string, event: AppEvent): Promise<void>;
  /** Called for each socket that signs in on this instance, with a way to send to that socket alone. */
  onJoin(listener: (userId: string, send: (event: AppEvent) => void) => Promise<void>): void;
  /** Closes the sockets of this session on every instance (sign-out, revocation). */
  closeSession(userId: string, tokenHash: string): Promise<void>;
  /** Signed-in sockets on this instance. */
  readonly openSockets: number;
}

/** REDIS_URL (null: this process only), the Redis channel's name and the hub's limits. */
export interface EventsPluginOptions {
  redisUrl: string | null;
  channel: string;
  hub?: Partial<EventHubOptions>;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: EventChannel;
  }
}

/** One message on the bus: an event for a user, or a session whose sockets close. */
type BusMessage = { u: string; e: AppEvent } | { u: string; s: string };

/** Decorates `events`, and registers @fastify/websocket for the channel's route (features/events). */
export default fp<EventsPluginOptions>(
  async (app, { redisUrl, channel, hub: limits }) => {
    const options = { ...DEFAULT_EVENT_HUB_OPTIONS, ...limits };
    const listeners: Array<(userId: string, send: (event: AppEvent) => void) => Promise<void>> = [];
    const hub = new EventHub(
      options,
      async (sessionToken) => {
        const tokenHash = hashToken(sessionToken);
        const user = await app.live.store.sessions.findUser(tokenHash, app.live.now());
        return user === null ? null : { userId: user.id, tokenHash };
      },
      (userId, sendRaw) => {
        const send = (event: AppEvent): void => sendRaw(JSON.stringify(event));
        for (const listener of listeners) {
          listener(userId, send).catch((error: unknown) => app.log.warn({ err: error }, 'event join failed'));
        }
      },
    );
    const receive = (text: string): void => {
      const message = JSON.parse(text) as BusMessage;
      if ('e' in message) hub.deliver(message.u, JSON.stringify(message.e));
      else hub.closeSession(message.u, message.s);
    };
    const bus =
      redisUrl === null || app.redis === null
        ? null
        : new RedisBus(redisUrl, app.redis, channel, receive, warnOnce(app.log, 'Redis (events)'));
    const send = async (message: BusMessage): Promise<void> => {
      const text = JSON.stringify(message);
      if (bus === null) return receive(text);
      await bus.publish(text).catch((error: unknown) => {
        // Redis away: this instance's own sockets still hear it.
        app.log.warn({ err: error }, 'event not published through Redis');
        receive(text);
      });
    };

    const events: EventChannel = {
      publish: (userId, event) => send({ u: userId, e: event }),
      onJoin: (listener) => void listeners.push(listener),
      closeSession: (userId, tokenHash) => send({ u: userId, s: tokenHash }),
      get openSockets() {
        return hub.size;
      },
    };
    app.decorate('events', events);
    app.decorate('eventHub', hub);
    await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

    const sweep = setInterval(() => hub.sweep(), Math.max(1000, Math.floor(options.silenceMs / 3)));
    sweep.unref();
    app.addHook('onReady', async () => {
      await bus
        ?.subscribe(2000)
        .catch(() => app.log.warn('Redis is not reachable yet: events reach this instance only'));
    });
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      bus?.close();
    });
  },
  { name: 'events', dependencies: ['live', 'redis'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's sockets (the channel's route hands them new sockets). */
    eventHub: EventHub;
  }
}
