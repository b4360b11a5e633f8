/**
 * The event channel (GET /api/events): a socket signs in with its session in the first message, receives only its
 * user's events on every device, is closed when it is too slow, too chatty, silent or signed out, and hears events
 * published on another instance through Redis.
 */
import type { AppEvent } from '@zego-live/contract';
import { EVENT_CLOSE } from '@zego-live/contract';
import { devLogin, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { eventually, openEventSocket, describeTwoInstances, type EventSocket } from './helpers/event-socket';

const ringing = (id: string, padding = ''): AppEvent => ({
  type: 'call.media',
  roomId: id + padding,
  media: 'audio',
  by: 'someone',
});

describe('the event channel on one instance', () => {
  const db = tempDbFile();
  let server: TestServer;
  const sockets: EventSocket[] = [];
  const open = async (token?: string): Promise<EventSocket> => {
    const socket = await openEventSocket(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startServer(testConfig(db.file), {
      events: { helloTimeoutMs: 300, silenceMs: 400, messageLimit: { max: 5, windowMs: 60_000 } },
    });
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('a socket whose first message carries no live session is refused and hears nothing', async () => {
    const stranger = await open();
    stranger.send({ type: 'hello', sessionToken: 'not-a-session' });
    expect(await stranger.closed).toBe(EVENT_CLOSE.UNAUTHORIZED);
    expect(stranger.frames).toEqual([]);
    // Nor may it wait unnamed: without a hello it is closed after the hello timeout.
    const silent = await open();
    expect(await silent.closed).toBe(EVENT_CLOSE.UNAUTHORIZED);
    expect(server.app.events.openSockets).toBe(0);
  });

  test("an event reaches every device of its user and never another user's socket", async () => {
    const ana = await devLogin(server, 'ana-events');
    const anaPhone = await open(ana.token);
    const anaPad = await open((await devLogin(server, 'ana-events')).token);
    const bo = await open((await devLogin(server, 'bo-events')).token);
    await server.app.events.publish(ana.userId, ringing('r1'));
    await anaPhone.next((f) => f.roomId === 'r1');
    await anaPad.next((f) => f.roomId === 'r1');
    // bo's own event, published after ana's, arrives; ana's never did.
    await server.app.events.publish((await devLogin(server, 'bo-events')).userId, ringing('r2'));
    await bo.next((f) => f.roomId === 'r2');
    expect(bo.frames.filter((f) => f.type === 'call.media')).toEqual([ringing('r2')]);
  });

  test('the heartbeat is answered, and a socket silent too long is closed', async () => {
    const { token } = await devLogin(server, 'cy-events');
    const socket = await open(token);
    socket.send({ type: 'ping' });
    await socket.next((f) => f.type === 'pong');
    // Dropped by the sweep (every second at the least) after 400 ms without a message.
    expect(await socket.closed).toBe(1006);
    await eventually(() => server.app.events.openSockets === 0);
  });

  test('an app that sends too many messages is closed', async () => {
    const socket = await open((await devLogin(server, 'di-events')).token);
    for (let i = 0; i < 6; i += 1) socket.send({ type: 'ping' });
    expect(await socket.closed).toBe(EVENT_CLOSE.RATE_LIMITED);
  });

  test('signing out closes that session’s sockets, not the same user’s other session', async () => {
    const first = await devLogin(server, 'ed-events');
    const second = await devLogin(server, 'ed-events');
    const leaving = await open(first.token);
    const staying = await open(second.token);
    expect((await server.request('POST', '/api/auth/logout', { token: first.token })).status).toBe(200);
    expect(await leaving.closed).toBe(EVENT_CLOSE.SIGNED_OUT);
    staying.send({ type: 'ping' });
    await staying.next((f) => f.type === 'pong');
    // A signed-out session cannot open a new one.
    const again = await open();
    again.send({ type: 'hello', sessionToken: first.token });
    expect(await again.closed).toBe(EVENT_CLOSE.UNAUTHORIZED);
  });
});

describe('a slow socket', () => {
  const db = tempDbFile();
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(testConfig(db.file), { events: { maxBufferedBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('is closed instead of queueing without bound; a reading socket of the same user gets everything', async () => {
    const user = await devLogin(server, 'slow-reader');
    const slow = await openEventSocket(server.url, user.token);
    const fast = await openEventSocket(server.url, (await devLogin(server, 'slow-reader')).token);
    slow.socket.pause();
    const padding = 'x'.repeat(2000);
    // 20 MB in all: far more than the kernel's socket buffers hold, so the service has to hold (or drop) the rest.
    for (let i = 0; i < 10_000; i += 1) {
      await server.app.events.publish(user.userId, ringing(`n${i}`, padding));
      // Events arrive over time, not in one tick: the reading socket gets to write between them.
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.app.events.openSockets).toBe(1);
    await fast.next((f) => f.roomId === `n9999${padding}`, 10_000);
    expect(fast.frames.filter((f) => f.type === 'call.media')).toHaveLength(10_000);
    slow.socket.resume();
    expect(await slow.closed).toBe(1006);
    await fast.close();
  });
});

describeTwoInstances('events.test.ts', 'the event channel across two instances', (servers) => {
  test('an event published on instance A reaches the user’s socket on B, and sign-out on A closes it', async () => {
    const user = await devLogin(servers.a, 'across');
    const onB = await openEventSocket(servers.b.url, user.token);
    const other = await openEventSocket(servers.a.url, (await devLogin(servers.a, 'across-other')).token);
    await servers.a.app.events.publish(user.userId, ringing('via-redis'));
    await onB.next((f) => f.roomId === 'via-redis');
    expect(other.frames.some((f) => f.roomId === 'via-redis')).toBe(false);
    expect((await servers.a.request('POST', '/api/auth/logout', { token: user.token })).status).toBe(200);
    expect(await onB.closed).toBe(EVENT_CLOSE.SIGNED_OUT);
    await other.close();
    await eventually(() => servers.a.app.events.openSockets + servers.b.app.events.openSockets === 0);
  });
});
