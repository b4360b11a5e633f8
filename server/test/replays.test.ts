/**
 * Replays: ZEGO cloud recording of a live room (a loopback fake of the cloud-recording API that checks every
 * signature), started once the anchor stream exists and never before, stopped on the room's end and the sweeper's,
 * its status callback verified, replay-proof and idempotent; what the apps play; what the operator sees and does.
 */
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import { RECORDING_RETRY_MS } from '../src/features/replays/rules';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  devLogin,
  LogCapture,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { ENGINES } from './helpers/services';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const KEY_SECRET = 'BucketSecretKey-never-in-a-log-42';
const KEY_ID = 'AKID-replays-test';
const RECORDING_ENV = {
  RECORDING_STORAGE_VENDOR: '2',
  RECORDING_STORAGE_REGION: 'oss-cn-hangzhou',
  RECORDING_STORAGE_BUCKET: 'live-replays',
  RECORDING_STORAGE_ACCESS_KEY_ID: KEY_ID,
  RECORDING_STORAGE_ACCESS_KEY_SECRET: KEY_SECRET,
};

interface RoomBody {
  id: string;
  status: string;
  streamID: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface RecordingBody {
  id: string;
  status: string;
  durationMs: number;
  sizeBytes: number;
  hidden: boolean;
  views: number;
  errorCode: number | null;
  taskId: string | null;
}

let nonceSeq = 0;

for (const engine of ENGINES) {
  engine.describe(`replays (${engine.name})`, () => {
    let fake: FakeZegoServerApi;
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let db: { file: string; cleanup: () => void };
    let now = T0;
    const log = new LogCapture();

    beforeAll(async () => {
      fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      server = await startServer(
        testConfig(db.file, {
          ...RECORDING_ENV,
          ZEGO_SERVER_API: 'on',
          HEARTBEAT_PAUSE_MS: '30000',
          HEARTBEAT_END_MS: '600000',
        }),
        {
          store: opened.store,
          now: () => now,
          zegoServerApiUrl: fake.url,
          cloudRecordUrl: fake.url,
          logStream: log,
          logLevel: 'info',
        },
      );
    });
    afterAll(async () => {
      await server.close();
      await fake.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now = T0;
      fake.reset();
    });

    /** A signed callback body at the app's clock. */
    const signed = (fields: Record<string, unknown>, at = now): Record<string, unknown> => {
      nonceSeq += 1;
      const timestamp = String(Math.floor(at / 1000));
      const nonce = `n${nonceSeq}x${Math.random().toString(36).slice(2, 8)}`;
      return {
        ...fields,
        timestamp,
        nonce,
        signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, nonce),
      };
    };
    const settle = (): Promise<void> => server.app.recordingJobs.idle();
    const startsOf = (roomId: string) =>
      fake.of('StartRecord').filter((c) => (c.body as { RoomId?: string }).RoomId === roomId);

    async function liveRoom(name: string): Promise<{ token: string; room: RoomBody }> {
      const { token } = await devLogin(server, name);
      const room = (
        await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token,
          body: { title: `${name} 的直播` },
        })
      ).body.room;
      const created = await server.request('POST', '/api/zego/callback/stream-create', {
        body: signed({ event: 'stream_create', room_id: room.id, stream_id: room.streamID }),
      });
      expect(created.status).toBe(200);
      await settle();
      return { token, room };
    }

    const recordings = async (roomId: string): Promise<RecordingBody[]> =>
      (
        await server.request<{ recordings: RecordingBody[] }>('GET', `/api/rooms/${roomId}/recordings`, {
          token: CONSOLE_TOKEN,
        })
      ).body.recordings;

    const uploaded = (taskId: string, files: { id: string; duration: number; size: number }[]) =>
      signed({
        app_id: ZEGO_APP_ID,
        task_id: taskId,
        event_type: 1,
        message: 'upload finished',
        sequence: 3,
        detail: {
          upload_status: 1,
          file_info: files.map((f) => ({
            file_id: f.id,
            file_url: `https://live-replays.oss-cn-hangzhou.aliyuncs.com/replays/${f.id}.mp4`,
            duration: f.duration,
            file_size: f.size,
            status: 3,
          })),
        },
      });

    test('/api/config says replays are on', async () => {
      const config = await server.request<{ replays: boolean }>('GET', '/api/config');
      expect(config.body.replays).toBe(true);
    });

    test('no recording before the anchor stream exists; one StartRecord once it does, of the mixed room into the bucket', async () => {
      const { token } = await devLogin(server, 'rec-before');
      const room = (
        await server.request<{ room: RoomBody }>('POST', '/api/rooms', { token, body: { title: 't' } })
      ).body.room;
      await server.request('POST', `/api/rooms/${room.id}/heartbeat`, { token });
      await settle();
      expect(startsOf(room.id)).toHaveLength(0);

      await server.request('POST', '/api/zego/callback/stream-create', {
        body: signed({ room_id: room.id, stream_id: room.streamID }),
      });
      await settle();
      // More signs of the stream (heartbeats, the app's own "live") start nothing more.
      await server.request('POST', `/api/rooms/${room.id}/heartbeat`, { token });
      await server.request('POST', `/api/rooms/${room.id}/live`, { token });
      await settle();
      const starts = startsOf(room.id);
      expect(starts).toHaveLength(1);
      expect(starts[0].signatureOk).toBe(true);
      expect(starts[0].method).toBe('POST');
      expect(starts[0].body).toMatchObject({
        RoomId: room.id,
        RecordInputParams: {
          RecordMode: 2,
          StreamType: 3,
          FillBlank: true,
          MaxIdleTime: 600,
          MixConfig: {
            MixMode: 5,
            MixMaxResolutionStreamId: room.streamID,
            MixOutputStreamId: `${room.id}_mix`,
          },
        },
        RecordOutputParams: { OutputFileFormat: 'mp4', OutputFolder: 'replays/' },
        StorageParams: {
          Vendor: 2,
          Region: 'oss-cn-hangzhou',
          Bucket: 'live-replays',
          AccessKeyId: KEY_ID,
          AccessKeySecret: KEY_SECRET,
        },
      });
      expect((await recordings(room.id)).map((r) => r.status)).toEqual(['recording']);
    });

    test('the room ends: StopRecord of its task, then the uploaded files make its replay', async () => {
      const { token, room } = await liveRoom('rec-end');
      const ended = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/end`, { token });
      expect(ended.body.room.status).toBe('ended');
      await settle();
      const stops = fake.of('StopRecord');
      expect(stops).toHaveLength(1);
      expect(stops[0].signatureOk).toBe(true);
      const task = (stops[0].body as { TaskId: string }).TaskId;
      expect(task).toMatch(/^task\d{12}$/);
      expect((await recordings(room.id))[0].status).toBe('uploading');
      // Not playable until uploaded.
      expect((await server.request<ErrorBody>('GET', `/api/rooms/${room.id}/replay`)).body.error.code).toBe(
        'REPLAY_NOT_FOUND',
      );

      const callback = await server.request('POST', '/api/zego/callback/recording', {
        body: uploaded(task, [{ id: 'f1', duration: 125_000, size: 48_000_000 }]),
      });
      expect(callback.status).toBe(200);
      const replay = await server.request<{
        room: RoomBody;
        replay: { parts: { url: string; durationMs: number }[]; durationMs: number; views: number };
      }>('GET', `/api/rooms/${room.id}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.body.room.id).toBe(room.id);
      expect(replay.body.replay).toEqual({
        parts: [
          { url: 'https://live-replays.oss-cn-hangzhou.aliyuncs.com/replays/f1.mp4', durationMs: 125_000 },
        ],
        durationMs: 125_000,
        views: 0,
      });
      // The replay's own viewer count.
      expect(
        (await server.request<{ views: number }>('POST', `/api/rooms/${room.id}/replay/views`)).body.views,
      ).toBe(1);
      expect(
        (await server.request<{ views: number }>('POST', `/api/rooms/${room.id}/replay/views`)).body.views,
      ).toBe(2);
      const [row] = await recordings(room.id);
      expect(row).toMatchObject({ status: 'ready', durationMs: 125_000, sizeBytes: 48_000_000, views: 2 });
      // The room list's 「看回放」 finds it.
      const list = await server.request<{ rooms: RoomBody[] }>('GET', '/api/replays');
      expect(list.body.rooms.map((r) => r.id)).toContain(room.id);
    });

    test('the status callback: forged and expired refused, replayed refused, a retry with a new nonce recorded once', async () => {
      const { token, room } = await liveRoom('rec-callback');
      await server.request('POST', `/api/rooms/${room.id}/end`, { token });
      await settle();
      const task = (fake.of('StopRecord')[0].body as { TaskId: string }).TaskId;
      const body = uploaded(task, [{ id: 'only', duration: 60_000, size: 1000 }]);

      const forged = await server.request<ErrorBody>('POST', '/api/zego/callback/recording', {
        body: { ...body, signature: 'f'.repeat(40) },
      });
      expect(forged.status).toBe(401);
      const old = uploaded(task, [{ id: 'only', duration: 60_000, size: 1000 }]);
      const expired = await server.request<ErrorBody>('POST', '/api/zego/callback/recording', {
        body: { ...old, ...signed({}, now - 10 * 60_000) },
      });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('CALLBACK_EXPIRED');
      expect((await recordings(room.id))[0].status).toBe('uploading');

      expect((await server.request('POST', '/api/zego/callback/recording', { body })).status).toBe(200);
      const replayed = await server.request<ErrorBody>('POST', '/api/zego/callback/recording', { body });
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.code).toBe('CALLBACK_REPLAYED');
      // ZEGO's retry (a fresh signature) and a late "stopped" change nothing more.
      expect(
        (
          await server.request('POST', '/api/zego/callback/recording', {
            body: uploaded(task, [{ id: 'only', duration: 60_000, size: 1000 }]),
          })
        ).status,
      ).toBe(200);
      await server.request('POST', '/api/zego/callback/recording', {
        body: signed({ task_id: task, event_type: 7, detail: {} }),
      });
      const [row] = await recordings(room.id);
      expect(row).toMatchObject({ status: 'ready', durationMs: 60_000, sizeBytes: 1000 });
      const replay = await server.request<{ replay: { parts: unknown[] } }>(
        'GET',
        `/api/rooms/${room.id}/replay`,
      );
      expect(replay.body.replay.parts).toHaveLength(1);
    });

    test('a failed start is logged with ZEGO code, shown to the operator, retried later; the live goes on', async () => {
      fake.fail('StartRecord', { code: 300000006, message: 'too many tasks' });
      const { token, room } = await liveRoom('rec-fail');
      expect(startsOf(room.id)).toHaveLength(1);
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.status).toBe('live');
      expect(log.text).toMatch(/"zegoCode":300000006[^\n]*StartRecord failed/);
      expect(await recordings(room.id)).toEqual([
        expect.objectContaining({ status: 'failed', errorCode: 300000006 }),
      ]);

      // Heartbeats within the retry wait do not hammer ZEGO; after it, the next one tries again.
      now += 5_000;
      expect((await server.request('POST', `/api/rooms/${room.id}/heartbeat`, { token })).status).toBe(200);
      await settle();
      expect(startsOf(room.id)).toHaveLength(1);
      fake.fail('StartRecord', null);
      now += RECORDING_RETRY_MS;
      await server.request('POST', `/api/rooms/${room.id}/heartbeat`, { token });
      await settle();
      expect(startsOf(room.id)).toHaveLength(2);
      expect((await recordings(room.id)).map((r) => r.status)).toEqual(['failed', 'recording']);
    });

    test('a lost status callback: the sweeper asks ZEGO after a while and records the files', async () => {
      const { token, room } = await liveRoom('rec-lost');
      await server.request('POST', `/api/rooms/${room.id}/end`, { token });
      await settle();
      const [{ taskId }] = await recordings(room.id);
      now += 60_000;
      await server.app.sweeper.sweep();
      // Too early to ask: the callback may still come.
      expect(
        fake.of('DescribeRecordStatus').filter((c) => (c.body as { TaskId: string }).TaskId === taskId),
      ).toEqual([]);
      fake.recordStatus.set(taskId as string, {
        Status: 3,
        RecordFiles: [
          {
            FileId: 'lost1',
            FileUrl: 'https://live-replays.example.com/lost1.mp4',
            Duration: 90_000,
            FileSize: 777,
            Status: 3,
          },
        ],
      });
      now += 5 * 60_000;
      await server.app.sweeper.sweep();
      const asked = fake
        .of('DescribeRecordStatus')
        .filter((c) => (c.body as { TaskId: string }).TaskId === taskId);
      expect(asked).toHaveLength(1);
      expect(asked[0].signatureOk).toBe(true);
      expect((await recordings(room.id))[0]).toMatchObject({
        status: 'ready',
        durationMs: 90_000,
        sizeBytes: 777,
      });
      expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(200);
    });

    test("the sweeper's end stops the recording too", async () => {
      const { room } = await liveRoom('rec-sweep');
      const [{ taskId }] = await recordings(room.id);
      now += 600_001;
      const swept = await server.app.sweeper.sweep();
      expect(swept.ended).toContain(room.id);
      await settle();
      // Every room the pass ended stops its own task (earlier tests' rooms too), this one's once.
      const stops = fake.of('StopRecord').filter((c) => (c.body as { TaskId: string }).TaskId === taskId);
      expect(stops).toHaveLength(1);
      expect((await recordings(room.id))[0].status).toBe('uploading');
    });

    test('an abnormal end is shown with its quit reason; the room is free to record again', async () => {
      const { room } = await liveRoom('rec-abnormal');
      const [{ taskId }] = await recordings(room.id);
      expect(taskId).toMatch(/^task\d{12}$/);
      const answer = await server.request<{ known: boolean }>('POST', '/api/zego/callback/recording', {
        body: signed({ task_id: taskId, event_type: 2, message: 'login failed', detail: { quit_reason: 2 } }),
      });
      expect(answer.status).toBe(200);
      expect(await recordings(room.id)).toEqual([
        expect.objectContaining({ status: 'failed', errorCode: 2 }),
      ]);
    });

    test('the operator hides and deletes a recording; the apps stop showing it; others may not', async () => {
      const { token, room } = await liveRoom('rec-hide');
      await server.request('POST', `/api/rooms/${room.id}/end`, { token });
      await settle();
      const task = (fake.of('StopRecord')[0].body as { TaskId: string }).TaskId;
      await server.request('POST', '/api/zego/callback/recording', {
        body: uploaded(task, [{ id: 'h1', duration: 1000, size: 10 }]),
      });
      const [row] = await recordings(room.id);

      const viewer = await devLogin(server, 'rec-hide-viewer');
      for (const [method, path, body] of [
        ['POST', `/api/recordings/${row.id}/hidden`, { hidden: true }],
        ['DELETE', `/api/recordings/${row.id}`, undefined],
        ['GET', `/api/rooms/${room.id}/recordings`, undefined],
      ] as const) {
        expect((await server.request(method, path, { token: viewer.token, body })).status).toBe(403);
        expect((await server.request(method, path, { body })).status).toBe(401);
      }
      expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(200);

      const hidden = await server.request<{ recording: RecordingBody }>(
        'POST',
        `/api/recordings/${row.id}/hidden`,
        {
          token: CONSOLE_TOKEN,
          body: { hidden: true },
        },
      );
      expect(hidden.body.recording.hidden).toBe(true);
      expect((await server.request<ErrorBody>('GET', `/api/rooms/${room.id}/replay`)).body.error.code).toBe(
        'REPLAY_NOT_FOUND',
      );
      expect(
        (await server.request<{ rooms: RoomBody[] }>('GET', '/api/replays')).body.rooms.map((r) => r.id),
      ).not.toContain(room.id);
      await server.request('POST', `/api/recordings/${row.id}/hidden`, {
        token: CONSOLE_TOKEN,
        body: { hidden: false },
      });
      expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(200);

      expect(
        (await server.request('DELETE', `/api/recordings/${row.id}`, { token: CONSOLE_TOKEN })).status,
      ).toBe(200);
      expect(await recordings(room.id)).toEqual([]);
      expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(404);
      const again = await server.request<ErrorBody>('DELETE', `/api/recordings/${row.id}`, {
        token: CONSOLE_TOKEN,
      });
      expect(again.body.error.code).toBe('RECORDING_NOT_FOUND');
    });

    test('the bucket keys are in no answer and no log line', async () => {
      const { token, room } = await liveRoom('rec-secret');
      await server.request('POST', `/api/rooms/${room.id}/end`, { token });
      await settle();
      const answers = [
        await server.request('GET', '/api/config'),
        await server.request('GET', `/api/rooms/${room.id}/recordings`, { token: CONSOLE_TOKEN }),
        await server.request('GET', '/api/replays'),
      ];
      for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(KEY_SECRET);
      expect(log.text).not.toContain(KEY_SECRET);
      expect(log.text).not.toContain(KEY_ID);
    });
  });
}

describe('replays without recording configured', () => {
  test('/api/config says so, no StartRecord is sent and no room has a replay', async () => {
    const fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { ZEGO_SERVER_API: 'on' }), {
      zegoServerApiUrl: fake.url,
      cloudRecordUrl: fake.url,
    });
    try {
      expect((await server.request<{ replays: boolean }>('GET', '/api/config')).body.replays).toBe(false);
      const { token } = await devLogin(server, 'no-rec');
      const room = (
        await server.request<{ room: RoomBody }>('POST', '/api/rooms', { token, body: { title: 't' } })
      ).body.room;
      await server.request('POST', `/api/rooms/${room.id}/live`, { token });
      await server.app.recordingJobs.idle();
      expect(fake.of('StartRecord')).toHaveLength(0);
      expect((await server.request<ErrorBody>('GET', `/api/rooms/${room.id}/replay`)).body.error.code).toBe(
        'REPLAY_NOT_FOUND',
      );
      expect((await server.request<{ rooms: unknown[] }>('GET', '/api/replays')).body.rooms).toEqual([]);
    } finally {
      await server.close();
      await fake.close();
      db.cleanup();
    }
  });
});

describe('recording configuration', () => {
  const { loadConfig } = jest.requireActual<typeof import('../src/config')>('../src/config');
  const base = {
    ZEGO_APP_ID: String(ZEGO_APP_ID),
    ZEGO_SERVER_SECRET: ZEGO_SECRET,
    ZEGO_CALLBACK_SECRET: CALLBACK_SECRET,
  };
  test('each missing or wrong variable is named; unset vendor means no recording', () => {
    expect(loadConfig(base).recording).toBeNull();
    expect(() => loadConfig({ ...base, ...RECORDING_ENV, RECORDING_STORAGE_BUCKET: '' })).toThrow(
      /RECORDING_STORAGE_BUCKET/,
    );
    expect(() => loadConfig({ ...base, ...RECORDING_ENV, RECORDING_STORAGE_VENDOR: '5' })).toThrow(
      /RECORDING_STORAGE_VENDOR/,
    );
    expect(() => loadConfig({ ...base, ...RECORDING_ENV, RECORDING_STORAGE_VENDOR: '10' })).toThrow(
      /RECORDING_STORAGE_ENDPOINT/,
    );
    expect(() => loadConfig({ ...base, ...RECORDING_ENV, ZEGO_CALLBACK_SECRET: '' })).toThrow(
      /ZEGO_CALLBACK_SECRET/,
    );
    expect(() => loadConfig({ ...RECORDING_ENV })).toThrow(/ZEGO_APP_ID/);
    // The error names the variable, never the secret's value.
    try {
      loadConfig({ ...base, ...RECORDING_ENV, RECORDING_STORAGE_BUCKET: '' });
    } catch (error) {
      expect(String(error)).not.toContain(KEY_SECRET);
    }
  });
});
