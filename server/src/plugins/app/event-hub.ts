/**
 * The sockets of this instance's signed-in apps, by user: each socket's protocol (the session in its first message,
 * the heartbeat, a message limit) and the bound on what waits to be written to it (a slow socket is closed rather
 * than allowed to grow memory).
 */
import { EVENT_CLOSE, type ClientFrame } from '@zego-live/contract';
import type { WebSocket } from 'ws';

/** The channel's limits (tests shorten them). */
export interface EventHubOptions {
  /** How long a new socket may take to send its session (ms). */
  helloTimeoutMs: number;
  /** A socket with no message (or pong) for this long is closed (ms): twice the app's heartbeat. */
  silenceMs: number;
  /** Bytes a socket may have waiting to be written before it is closed as too slow. */
  maxBufferedBytes: number;
  /** Messages an app may send per window; more closes the socket. */
  messageLimit: { max: number; windowMs: number };
}

/** Defaults: 10 s to say who you are, 45 s of silence (the app pings every 20 s), 64 KiB waiting, 30 messages/10 s. */
export const DEFAULT_EVENT_HUB_OPTIONS: EventHubOptions = {
  helloTimeoutMs: 10_000,
  silenceMs: 45_000,
  maxBufferedBytes: 64 * 1024,
  messageLimit: { max: 30, windowMs: 10_000 },
};

/** One signed-in socket. */
interface Device {
  socket: WebSocket;
  userId: string;
  tokenHash: string;
}

/** Who a session token belongs to: its stored hash and user, or null when it is not live. */
export type SessionCheck = (sessionToken: string) => Promise<{ userId: string; tokenHash: string } | null>;

/** This instance's sockets; the plugin feeds it what the bus delivers. */
export class EventHub {
  private readonly devices = new Map<string, Set<Device>>();
  private readonly lastSeen = new Map<WebSocket, number>();
  private count = 0;

  constructor(
    private readonly options: EventHubOptions,
    private readonly checkSession: SessionCheck,
    private readonly onJoin: (userId: string, send: (payload: string) => void) => void,
  ) {}

  /** Open sockets that have signed in. */
  get size(): number {
    return this.count;
  }

  /** Takes a new socket: its first message must carry a live session, within helloTimeoutMs. */
  accept(socket: WebSocket): void {
    const { helloTimeoutMs, messageLimit } = this.options;
    let device: Device | null = null;
    let pending = true;
    let windowStart = Date.now();
    let inWindow = 0;
    const hello = setTimeout(
      () => socket.close(EVENT_CLOSE.UNAUTHORIZED, 'send your session first'),
      helloTimeoutMs,
    );
    this.lastSeen.set(socket, Date.now());
    socket.on('pong', () => this.lastSeen.set(socket, Date.now()));
    // Attached at once: a message that arrives while the session is being read must not be lost.
    socket.on('message', (data) => {
      const now = Date.now();
      this.lastSeen.set(socket, now);
      if (now - windowStart >= messageLimit.windowMs) [windowStart, inWindow] = [now, 0];
      if (++inWindow > messageLimit.max) return socket.close(EVENT_CLOSE.RATE_LIMITED, 'too many messages');
      const frame = parseFrame(data.toString());
      if (frame?.type === 'ping') return socket.send('{"type":"pong"}');
      if (frame?.type !== 'hello' || !pending) return;
      pending = false;
      clearTimeout(hello);
      void this.checkSession(frame.sessionToken).then(
        (session) => {
          if (session === null)
            return socket.close(EVENT_CLOSE.UNAUTHORIZED, 'session expired or signed out');
          if (socket.readyState !== socket.OPEN) return;
          device = { socket, ...session };
          this.add(device);
          socket.send(JSON.stringify({ type: 'ready', userId: session.userId }));
          this.onJoin(session.userId, (payload) => this.write(device as Device, payload));
        },
        () => socket.close(1011, 'try again'),
      );
    });
    socket.on('close', () => {
      clearTimeout(hello);
      this.lastSeen.delete(socket);
      if (device !== null) this.remove(device);
    });
  }

  /** Writes the payload to every socket of the user on this instance; returns how many it reached. */
  deliver(userId: string, payload: string): number {
    const mine = this.devices.get(userId);
    if (mine === undefined) return 0;
    let reached = 0;
    for (const device of [...mine]) if (this.write(device, payload)) reached += 1;
    return reached;
  }

  /** Closes the user's sockets opened with this session (sign-out, revocation). */
  closeSession(userId: string, tokenHash: string): void {
    for (const device of [...(this.devices.get(userId) ?? [])]) {
      if (device.tokenHash === tokenHash) device.socket.close(EVENT_CLOSE.SIGNED_OUT, 'signed out');
    }
  }

  /** Closes sockets silent for silenceMs and pings the rest (a dead peer is found by its missing pong). */
  sweep(now = Date.now()): void {
    for (const [socket, seen] of this.lastSeen) {
      if (now - seen >= this.options.silenceMs) socket.terminate();
      else if (socket.readyState === socket.OPEN) socket.ping();
    }
  }

  private write(device: Device, payload: string): boolean {
    const { socket } = device;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      // It cannot read what it has: a close frame would wait behind that, so the connection is dropped.
      this.remove(device);
      socket.terminate();
      return false;
    }
    socket.send(payload);
    return true;
  }

  private add(device: Device): void {
    const mine = this.devices.get(device.userId) ?? new Set<Device>();
    mine.add(device);
    this.devices.set(device.userId, mine);
    this.count += 1;
  }

  private remove(device: Device): void {
    const mine = this.devices.get(device.userId);
    if (!mine?.delete(device)) return;
    this.count -= 1;
    if (mine.size === 0) this.devices.delete(device.userId);
  }
}

/** A frame the app may send, or null for anything else (ignored, but counted against the limit). */
function parseFrame(text: string): ClientFrame | null {
  try {
    const value = JSON.parse(text) as { type?: unknown; sessionToken?: unknown };
    if (value.type === 'ping') return { type: 'ping' };
    if (
      value.type === 'hello' &&
      typeof value.sessionToken === 'string' &&
      value.sessionToken.length <= 256
    ) {
      return { type: 'hello', sessionToken: value.sessionToken };
    }
  } catch {
    // Not JSON: ignored.
  }
  return null;
}
