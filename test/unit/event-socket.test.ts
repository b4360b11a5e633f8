/**
 * The app's end of the event channel: the session goes in the first message (never the URL), a heartbeat keeps it,
 * a drop reconnects on the backoff policy's schedule, hiding closes it a little later and showing opens it again,
 * and a sign-out close is not retried.
 */
import { EVENT_CLOSE, type AppEvent } from '@zego-live/contract';
import {
  EventSocketClient,
  eventChannelUrl,
  HIDE_GRACE_MS,
  type SocketPort,
} from '../../miniprogram/services/event-socket';
import { BackoffPolicy } from '../../miniprogram/utils/backoff';

/** A socket the test drives: what the app sent, and the service's side (open, frames, close). */
class FakeSocket implements SocketPort {
  sent: string[] = [];
  closedWith: number | null = null;
  private listeners: {
    open?: () => void;
    message?: (text: string) => void;
    close?: (code: number) => void;
  } = {};
  constructor(readonly url: string) {}
  send(text: string): void {
    this.sent.push(text);
  }
  close(code = 1000): void {
    this.closedWith = code;
  }
  onOpen(listener: () => void): void {
    this.listeners.open = listener;
  }
  onMessage(listener: (text: string) => void): void {
    this.listeners.message = listener;
  }
  onClose(listener: (code: number) => void): void {
    this.listeners.close = listener;
  }
  onError(): void {}
  /** The service accepts the connection and the hello. */
  accept(): void {
    this.listeners.open?.();
    this.listeners.message?.(JSON.stringify({ type: 'ready', userId: 'u1' }));
  }
  push(frame: unknown): void {
    this.listeners.message?.(JSON.stringify(frame));
  }
  drop(code = 1006): void {
    this.listeners.close?.(code);
  }
}

function harness(token: string | null = 'session-1') {
  const sockets: FakeSocket[] = [];
  const events: AppEvent[] = [];
  const client = new EventSocketClient({
    baseUrl: 'https://live.example.com',
    sessionToken: () => token,
    open: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    // No jitter: the waits are the policy's base waits.
    policy: new BackoffPolicy([1000, 2000], 0),
    onEvent: (event) => events.push(event),
    heartbeatMs: 20_000,
  });
  return { client, sockets, events, last: () => sockets[sockets.length - 1] };
}

const EVENT: AppEvent = { type: 'call.media', roomId: 'r1', media: 'audio', by: 'u2' };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('the wss URL carries no session; the session is the first message; events reach the app', () => {
  expect(eventChannelUrl('https://live.example.com/')).toBe('wss://live.example.com/api/events');
  const { client, sockets, events, last } = harness();
  client.start();
  expect(sockets).toHaveLength(1);
  expect(last().url).toBe('wss://live.example.com/api/events');
  last().accept();
  expect(last().sent[0]).toBe(JSON.stringify({ type: 'hello', sessionToken: 'session-1' }));
  expect(client.current).toBe('open');
  last().push(EVENT);
  last().push({ type: 'pong' });
  expect(events).toEqual([EVENT]);
});

test('a heartbeat every 20 s; 40 s of silence is a drop, then a reconnect', () => {
  const { client, sockets, last } = harness();
  client.start();
  last().accept();
  jest.advanceTimersByTime(20_000);
  expect(last().sent).toContain('{"type":"ping"}');
  jest.advanceTimersByTime(40_000);
  expect(sockets[0].closedWith).toBe(1000);
  expect(client.current).toBe('closed');
  jest.advanceTimersByTime(1000);
  expect(sockets).toHaveLength(2);
});

test('a drop reconnects on the backoff schedule; the policy giving up waits for the next show', () => {
  const { client, sockets, last } = harness();
  client.start();
  last().drop();
  jest.advanceTimersByTime(999);
  expect(sockets).toHaveLength(1);
  jest.advanceTimersByTime(1);
  expect(sockets).toHaveLength(2);
  last().drop();
  jest.advanceTimersByTime(2000);
  expect(sockets).toHaveLength(3);
  last().drop();
  jest.advanceTimersByTime(60_000);
  expect(sockets).toHaveLength(3);
  client.hide();
  client.show();
  expect(sockets).toHaveLength(4);
});

test('hidden: closed after the grace time, not before; shown again: a new socket at once', () => {
  const { client, sockets, last } = harness();
  client.start();
  last().accept();
  client.hide();
  jest.advanceTimersByTime(HIDE_GRACE_MS - 1);
  expect(sockets[0].closedWith).toBeNull();
  // Back within the grace time: the same socket stays.
  client.show();
  jest.advanceTimersByTime(HIDE_GRACE_MS);
  expect(sockets[0].closedWith).toBeNull();
  client.hide();
  jest.advanceTimersByTime(HIDE_GRACE_MS);
  expect(sockets[0].closedWith).toBe(1000);
  expect(client.current).toBe('closed');
  // No reconnect while hidden.
  jest.advanceTimersByTime(60_000);
  expect(sockets).toHaveLength(1);
  client.show();
  expect(sockets).toHaveLength(2);
});

test('closed by the service for a signed-out session: no retry; stop() closes for good', () => {
  const { client, sockets, last } = harness();
  client.start();
  last().accept();
  last().drop(EVENT_CLOSE.SIGNED_OUT);
  jest.advanceTimersByTime(60_000);
  expect(sockets).toHaveLength(1);
  client.start();
  last().accept();
  client.stop();
  expect(last().closedWith).toBe(1000);
  jest.advanceTimersByTime(60_000);
  expect(sockets).toHaveLength(2);
});

test('signed out: nothing is opened', () => {
  const { client, sockets } = harness(null);
  client.start();
  expect(sockets).toHaveLength(0);
});
