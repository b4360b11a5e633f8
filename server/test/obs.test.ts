/**
 * OBS: a room's RTMP push address and key (rights: its anchor and the operator; never a viewer or a stranger), a
 * new key invalidating the old, and ZEGO's publish_start / publish_stop taking the room live and, through the
 * sweeper, pausing then ending it as a dropped phone's silence does. ZEGO's server API is a loopback fake.
 */
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

const T0 = Date.UTC(2026, 11, 2, 20, 0, 0);

interface RoomBody {
  id: string;
  status: string;
  streamID: string;
}
interface Address {
  server: string;
  streamKey: string;
  validUntil: number;
}

describe('OBS push', () => {
  let fake: FakeZegoServerApi;
  let server: TestServer;
  let db: { file: string; cleanup: () => void };
  let now = T0;
  let seq = 0;

  beforeAll(async () => {
    fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    db = tempDbFile();
    server = await startServer(testConfig(db.file, { ZEGO_SERVER_API: 'on' }), {
      now: () => now,
      zegoServerApiUrl: fake.url,
    });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
    db.cleanup();
  });

  const signed = (fields: Record<string, unknown>): Record<string, unknown> => {
    seq += 1;
    const timestamp = String(Math.floor(now / 1000));
    const nonce = `obs${seq}`;
    return {
      ...fields,
      timestamp,
      nonce,
      signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, nonce),
    };
  };
  const room = async (id: string): Promise<RoomBody> =>
    (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${id}`)).body.room;

  test('the anchor and the operator get the address; a viewer and a stranger are refused and nothing changes', async () => {
    const anchor = await devLogin(server, 'obs-anchor');
    const viewer = await devLogin(server, 'obs-viewer');
    const made = (
      await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'OBS' },
      })
    ).body.room;

    const mine = await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp`, { token: anchor.token });
    expect(mine.status).toBe(200);
    expect(mine.body.streamKey).toMatch(new RegExp(`^${made.id}_obs_[A-Za-z0-9]{12}$`));
    expect(mine.body.server).toBe(`rtmp://203.0.113.7:1935/${ZEGO_APP_ID}/`);
    expect(mine.body.validUntil).toBe(now + 2 * 3600 * 1000);
    const dispatch = fake.of('RTMPDispatchV2').at(-1);
    expect(dispatch?.signatureOk).toBe(true);
    expect(dispatch?.query.get('Type')).toBe('push');
    // The room's viewers play the stream OBS pushes.
    expect((await room(made.id)).streamID).toBe(mine.body.streamKey);

    const operator = await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp`, {
      token: CONSOLE_TOKEN,
    });
    expect(operator.body.streamKey).toBe(mine.body.streamKey);

    for (const [token, status] of [
      [viewer.token, 403],
      [undefined, 401],
    ] as const) {
      for (const path of ['rtmp', 'rtmp/renew']) {
        const refused = await server.request('POST', `/api/rooms/${made.id}/${path}`, { token });
        expect(refused.status).toBe(status);
      }
    }
    expect((await room(made.id)).streamID).toBe(mine.body.streamKey);
    const again = await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp`, {
      token: anchor.token,
    });
    expect(again.body.streamKey).toBe(mine.body.streamKey);
  });

  test('a new key invalidates the old: its stream is refused by ZEGO and its callbacks move nothing', async () => {
    const anchor = await devLogin(server, 'obs-renew');
    const made = (
      await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'OBS 2' },
      })
    ).body.room;
    const old = (await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp`, { token: anchor.token }))
      .body;
    fake.reset();
    const renewed = (
      await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp/renew`, { token: anchor.token })
    ).body;
    expect(renewed.streamKey).not.toBe(old.streamKey);
    expect(fake.of('ForbidRTCStream').map((c) => c.query.get('StreamId'))).toEqual([old.streamKey]);
    expect((await room(made.id)).streamID).toBe(renewed.streamKey);

    const stale = await server.request<{ roomID: string | null }>(
      'POST',
      '/api/zego/callback/publish-start',
      {
        body: signed({ event: 'publish_start', stream_id: old.streamKey }),
      },
    );
    expect(stale.body.roomID).toBeNull();
    expect((await room(made.id)).status).toBe('idle');
  });

  test("OBS's publish_start takes the room live; its stream is the heartbeat; publish_stop pauses then ends it", async () => {
    const anchor = await devLogin(server, 'obs-live');
    const made = (
      await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'OBS 3' },
      })
    ).body.room;
    const key = (
      await server.request<Address>('POST', `/api/rooms/${made.id}/rtmp`, { token: CONSOLE_TOKEN })
    ).body.streamKey;
    fake.reset();

    const started = await server.request<{ roomID: string | null }>(
      'POST',
      '/api/zego/callback/publish-start',
      {
        body: signed({ event: 'publish_start', stream_id: key }),
      },
    );
    expect(started.body.roomID).toBe(made.id);
    expect((await room(made.id)).status).toBe('live');
    expect(fake.of('AddStream').map((c) => [c.query.get('RoomId'), c.query.get('StreamId')])).toEqual([
      [made.id, key],
    ]);

    // No app heartbeat at all for minutes: the publishing stream keeps the room live through every sweep.
    for (let i = 0; i < 6; i += 1) {
      now += 10_000;
      await server.app.sweeper.sweep();
    }
    expect((await room(made.id)).status).toBe('live');

    const stopped = await server.request<{ roomID: string | null }>(
      'POST',
      '/api/zego/callback/publish-stop',
      {
        body: signed({ event: 'publish_stop', stream_id: key }),
      },
    );
    expect(stopped.body.roomID).toBe(made.id);
    expect(fake.of('DeleteStream')).toHaveLength(1);
    expect((await room(made.id)).status).toBe('live');
    now += 30_001;
    await server.app.sweeper.sweep();
    expect((await room(made.id)).status).toBe('paused');
    now += 600_000;
    await server.app.sweeper.sweep();
    expect((await room(made.id)).status).toBe('ended');
    // An ended room gives no push address.
    const ended = await server.request('POST', `/api/rooms/${made.id}/rtmp`, { token: anchor.token });
    expect(ended.status).toBe(409);
  });
});
