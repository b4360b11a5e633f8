import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BODY, ReplayAnswer, ReplayListAnswer, RoomParams } from '@zego-live/contract/schemas';
import { requireOperator } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { ApiError } from '../../lib/errors';
import { roomView, roomViews } from '../../lib/views';
import type { Recording } from '../../store/types';
import { acceptZegoCallback } from '../zego-callback/service';
import { loadRoom } from '../rooms/service';
import { reportOf } from './rules';
import { applyRecordingReport, checkUploads, loadReplay, stopRecording } from './service';

/** A recording as the operator's console lists it (never the bucket's keys: they are not in the record). */
const RecordingView = Type.Object({
  id: Type.String(),
  /** ZEGO's TaskId (what ZEGO support asks for), null when the start failed. */
  taskId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  startedAt: Type.Number(),
  stoppedAt: Type.Union([Type.Number(), Type.Null()]),
  durationMs: Type.Number(),
  sizeBytes: Type.Number(),
  files: Type.Integer(),
  hidden: Type.Boolean(),
  views: Type.Integer(),
  errorCode: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

const recordingView = (r: Recording) => ({
  id: r.id,
  taskId: r.taskId,
  status: r.status,
  startedAt: r.startedAt,
  stoppedAt: r.stoppedAt,
  durationMs: r.files.reduce((sum, f) => sum + f.durationMs, 0),
  sizeBytes: r.files.reduce((sum, f) => sum + f.sizeBytes, 0),
  files: r.files.length,
  hidden: r.hidden,
  views: r.views,
  errorCode: r.errorCode,
  error: r.error,
});

const RecordingParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** ZEGO's recording status callback: the fields we read (ZEGO decides the rest). */
const Scalar = Type.Union([Type.String({ maxLength: 256 }), Type.Number()]);
const StatusCallback = Type.Object(
  {
    task_id: Type.String({ minLength: 1, maxLength: 64 }),
    event_type: Type.Integer(),
    message: Type.Optional(Type.String({ maxLength: 1024 })),
    timestamp: Scalar,
    nonce: Scalar,
    signature: Type.String({ minLength: 1, maxLength: 128 }),
    detail: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

/** Replays (under /api): what the apps play, what the operator manages, ZEGO's recording status callback. */
const replayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };
  // The rooms a sweep ended stop their recordings, as an anchor's end does.
  // Tasks whose status callback was lost are asked for (ZEGO: callbacks are not fully reliable).
  app.sweeper.addStep('recordings', async (now, endedRooms) => {
    for (const roomId of endedRooms) await stopRecording(live, app.log, roomId);
    await checkUploads(live, app.log, now);
  });

  /** GET /api/replays?limit=: finished rooms with a replay, newest first (the room list's 「看回放」). */
  app.get(
    '/replays',
    {
      config: { rateLimit: live.rateLimits.list },
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 10 })),
        }),
        response: { 200: ReplayListAnswer, ...Errors },
      },
    },
    async (request) => {
      if (live.cloudRecord === null) return { rooms: [] };
      const ids = await live.store.recordings.roomsWithReplay(request.query.limit ?? 10);
      const rooms = (await Promise.all(ids.map((id) => live.store.rooms.get(id)))).filter((r) => r !== null);
      return { rooms: await roomViews(live, rooms) };
    },
  );

  /** GET /api/rooms/:id/replay: the room and its replay; 404 REPLAY_NOT_FOUND when there is none to play. */
  app.get(
    '/rooms/:id/replay',
    { schema: { params: RoomParams, response: { 200: ReplayAnswer, ...Errors } } },
    async (request) => {
      const room = await loadRoom(live, request.params.id);
      return { room: await roomView(live, room), replay: await loadReplay(live, room.id) };
    },
  );

  /** POST /api/rooms/:id/replay/views: one more opening of the replay (its own viewer count). */
  app.post(
    '/rooms/:id/replay/views',
    {
      config: write,
      schema: { params: RoomParams, response: { 200: Type.Object({ views: Type.Integer() }), ...Errors } },
    },
    async (request) => {
      const room = await loadRoom(live, request.params.id);
      await loadReplay(live, room.id);
      return { views: await live.store.recordings.countView(room.id) };
    },
  );

  /** GET /api/rooms/:id/recordings: the room's recordings for the console (hidden ones too), oldest first. */
  app.get(
    '/rooms/:id/recordings',
    {
      schema: {
        params: RoomParams,
        response: { 200: Type.Object({ recordings: Type.Array(RecordingView) }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      const room = await loadRoom(live, request.params.id);
      const recordings = await live.store.recordings.forRoom(room.id, { includeHidden: true });
      return { recordings: recordings.map(recordingView) };
    },
  );

  /** POST /api/recordings/:id/hidden {hidden}: hides a recording from the apps (or shows it again). */
  app.post(
    '/recordings/:id/hidden',
    {
      config: write,
      schema: {
        params: RecordingParams,
        body: Type.Object({ hidden: Type.Boolean() }, BODY),
        response: { 200: Type.Object({ recording: RecordingView }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      const recording = await live.store.recordings.setHidden(
        request.params.id,
        request.body.hidden,
        live.now(),
      );
      if (recording === null) throw recordingNotFound(request.params.id);
      return { recording: recordingView(recording) };
    },
  );

  /**
   * DELETE /api/recordings/:id: removes a recording from the apps for good. The file stays in the bucket: deleting
   * it there is the deployment's storage policy (a lifecycle rule), not the service's.
   */
  app.delete(
    '/recordings/:id',
    {
      config: write,
      schema: { params: RecordingParams, response: { 200: Type.Object({ ok: Type.Boolean() }), ...Errors } },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      if (!(await live.store.recordings.remove(request.params.id, live.now()))) {
        throw recordingNotFound(request.params.id);
      }
      return { ok: true };
    },
  );

  /**
   * POST /api/zego/callback/recording: ZEGO cloud recording's status callback, verified like the stream callbacks
   * (signature, age, nonce); a retry with a new nonce changes nothing more (files are kept by ZEGO's file ID).
   */
  app.post(
    '/zego/callback/recording',
    {
      schema: {
        body: StatusCallback,
        response: { 200: Type.Object({ ok: Type.Boolean(), known: Type.Boolean() }) },
      },
    },
    async (request) =>
      acceptZegoCallback(live, request.body, async () => {
        const report = reportOf(request.body);
        if (report === null) return { ok: true, known: true };
        const known = await applyRecordingReport(live, request.log, request.body.task_id, report);
        return { ok: true, known };
      }),
  );
};

/** 404 RECORDING_NOT_FOUND naming the recording. */
const recordingNotFound = (id: string): ApiError =>
  new ApiError(404, 'RECORDING_NOT_FOUND', `Recording ${id} does not exist (or was deleted)`);

export default replayRoutes;
