/**
 * The app's end of the service's event channel (GET /api/events): one socket while the app is in the foreground,
 * signed in with the session in its first message (never in the URL), a heartbeat, reconnects through the shared
 * backoff policy, closed a little after the app hides and opened again when it shows. Platform-agnostic: WeChat
 * opens sockets with wx.connectSocket, Alipay with my.connectSocket (each a SocketOpener).
 */
import { EVENT_CLOSE, EVENT_HEARTBEAT_MS, type AppEvent } from '@zego-live/contract';
import type { ReconnectPolicy } from '../utils/backoff';

/** One open socket as the platform gives it (a SocketTask). */
export interface SocketPort {
  send(text: string): void;
  close(code?: number): void;
  onOpen(listener: () => void): void;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: (code: number) => void): void;
  onError(listener: () => void): void;
}

/** Opens a socket to a wss:// URL. */
export type SocketOpener = (url: string) => SocketPort;

/** What the client needs: where, who, how to open, when to retry and whom to tell. */
export interface EventSocketOptions {
  /** The service's https base; its wss:// twin is opened. */
  baseUrl: string;
  /** The current session token, or null when signed out. */
  sessionToken: () => string | null;
  open: SocketOpener;
  policy: ReconnectPolicy;
  onEvent: (event: AppEvent) => void;
  /** Told when the channel opens or drops: a (re)opened channel means "read what you missed". */
  onState?: (state: EventSocketState) => void;
  heartbeatMs?: number;
  /** How long after the app hides the socket closes (the app is suspended about 5 s after hiding). */
  hideGraceMs?: number;
}

/** closed: no socket; connecting: opened, not signed in yet; open: signed in, events arrive. */
export type EventSocketState = 'closed' | 'connecting' | 'open';

/** How long after hiding the socket is closed. */
export const HIDE_GRACE_MS = 3000;

/** The wss:// URL of the event channel for the service at baseUrl. */
export const eventChannelUrl = (baseUrl: string): string =>
  baseUrl.replace(/^http(s?):\/\//, (_m, s: string) => `ws${s}://`).replace(/\/+$/, '') + '/api/events';

/** The event channel's client: start on sign-in, stop on sign-out, hide/show with the app. */
export class EventSocketClient {
  private socket: SocketPort | null = null;
  private state: EventSocketState = 'closed';
  private attempt = 0;
  private wanted = false;
  private hidden = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;

  constructor(private readonly options: EventSocketOptions) {}

  /** Where the channel stands. */
  get current(): EventSocketState {
    return this.state;
  }

  /** Opens the channel (signed in); it stays open, reconnecting, until stop(). */
  start(): void {
    this.wanted = true;
    this.attempt = 0;
    if (this.socket === null && !this.hidden) this.connect();
  }

  /** Closes the channel for good (sign-out). */
  stop(): void {
    this.wanted = false;
    this.clearTimers();
    this.drop();
  }

  /** The app went to the background: the socket closes after HIDE_GRACE_MS unless it shows again. */
  hide(): void {
    this.hidden = true;
    if (this.hideTimer !== null) return;
    this.hideTimer = setTimeout(() => {
      this.hideTimer = null;
      this.clearTimers();
      this.drop();
    }, this.options.hideGraceMs ?? HIDE_GRACE_MS);
  }

  /** The app is in the foreground again: the socket (re)opens at once, with a fresh set of attempts. */
  show(): void {
    this.hidden = false;
    if (this.hideTimer !== null) clearTimeout(this.hideTimer);
    this.hideTimer = null;
    if (this.wanted && this.socket === null) {
      this.attempt = 0;
      this.connect();
    }
  }

  private connect(): void {
    const token = this.options.sessionToken();
    if (token === null) return;
    const socket = this.options.open(eventChannelUrl(this.options.baseUrl));
    this.socket = socket;
    this.setState('connecting');
    socket.onOpen(() => socket.send(JSON.stringify({ type: 'hello', sessionToken: token })));
    socket.onMessage((text) => this.receive(socket, text));
    socket.onError(() => undefined);
    socket.onClose((code) => this.closed(socket, code));
  }

  private receive(socket: SocketPort, text: string): void {
    if (socket !== this.socket) return;
    this.lastHeard = Date.now();
    let frame: { type?: string };
    try {
      frame = JSON.parse(text) as { type?: string };
    } catch {
      return;
    }
    if (frame.type === 'ready') {
      this.attempt = 0;
      this.setState('open');
      this.beat(socket);
    } else if (frame.type !== 'pong' && typeof frame.type === 'string') {
      this.options.onEvent(frame as AppEvent);
    }
  }

  /** Pings every heartbeatMs; silence for twice that is a drop (a socket the phone closed without telling). */
  private beat(socket: SocketPort): void {
    const every = this.options.heartbeatMs ?? EVENT_HEARTBEAT_MS;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * every) {
        socket.close(1000);
        this.closed(socket, 1006);
        return;
      }
      socket.send('{"type":"ping"}');
    }, every);
  }

  private closed(socket: SocketPort, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.setState('closed');
    // Signed out (or the session expired): no retry until the next sign-in.
    if (code === EVENT_CLOSE.UNAUTHORIZED || code === EVENT_CLOSE.SIGNED_OUT) this.wanted = false;
    if (!this.wanted || this.hidden) return;
    const delay = this.options.policy.nextDelayMs(this.attempt);
    this.attempt += 1;
    // The policy gave up: the next show() starts again.
    if (delay === null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && !this.hidden && this.socket === null) this.connect();
    }, delay);
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    socket?.close(1000);
    if (socket !== null) this.setState('closed');
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(state: EventSocketState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState?.(state);
  }
}
