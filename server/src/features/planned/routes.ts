/**
 * Planned rooms and their start reminders (开播提醒):
 * - PATCH /api/rooms/:id: the owner or the operator changes the title or the planned start before the room goes live;
 * - POST /api/rooms/:id/cover: the cover image (checked like the avatar), stored beside the avatars (AVATAR_DIR,
 *   which every instance shares), served at GET /covers/:file;
 * - POST /api/rooms/:id/reminders, GET and DELETE .../reminders/me: a signed-in WeChat user's reminder, sent once
 *   when the room goes live (lib/reminders.ts); GET .../reminders: the counts per state (owner, operator).
 */
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireUser } from '../../http/auth';
import { ApiError, badRequest, forbidden, notFound } from '../../lib/errors';
import { randomId } from '../../lib/ids';
import { loadLiveRoom } from '../rooms/service';
import {
  imageAnswer,
  PlanRoomBody,
  ReminderAnswer,
  RoomAnswer,
  RoomParams,
  type ReminderAnswer as ReminderAnswerType,
} from '../../lib/schemas';
import { ErrorView, roomView } from '../../lib/views';
import type { Room, RoomPlan } from '../../store/types';
import { readImageUpload, imageContentType, storedFileUrl, type AvatarKind } from '../avatar/routes';
import { checkPlannedStart } from '../rooms/routes';

/** Largest accepted cover (bytes): wx.chooseMedia's compressed photo of a phone screen stays below this. */
export const COVER_MAX_BYTES = 1024 * 1024;

/** Stored cover names: `<roomID>-<16 random>.<ext>`; anything else is refused before touching the disk. */
const COVER_FILE = /^([A-Za-z0-9_]{1,128})-[A-Za-z0-9]{16}\.(png|jpg|webp)$/;

const Errors = { '4xx': ErrorView, '5xx': ErrorView };

/** 409: the room went live (or ended): its plan and cover are final, and reminding of its start is too late. */
const notUpcoming = (room: Room): ApiError =>
  new ApiError(
    409,
    'ROOM_NOT_UPCOMING',
    `Room ${room.id} is ${room.status}: only a room not yet live can be planned`,
  );

const plannedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const coverDir = path.join(live.config.avatarDir, 'covers');
  // Encapsulated: only this plugin's routes parse multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: COVER_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  });

  /** The live room if the caller is its owner or the operator; 401/403 otherwise. */
  async function managedRoom(request: FastifyRequest, roomId: string): Promise<Room> {
    const caller = await identify(app, request);
    if (caller.kind === 'anonymous')
      throw new ApiError(401, 'UNAUTHORIZED', 'Sign in (or use the console token) to plan a room');
    const room = await loadLiveRoom(live, roomId);
    if (caller.kind === 'user' && room.ownerId !== caller.user.id)
      throw forbidden('Only the anchor of this room or the operator may plan it');
    return room;
  }

  /** Applies a plan to an idle room (one conditional UPDATE); 409 when it went live or ended meanwhile. */
  async function applyPlan(room: Room, plan: RoomPlan): Promise<Room> {
    if (room.status !== 'idle') throw notUpcoming(room);
    const updated = await live.store.rooms.updatePlan(room.id, plan);
    if (updated === null) throw notUpcoming((await live.store.rooms.get(room.id)) ?? room);
    return updated;
  }

  /** PATCH /api/rooms/:id {title?, plannedStartAt?}: owner or operator, before the room goes live. */
  app.patch(
    '/api/rooms/:id',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, body: PlanRoomBody, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const room = await managedRoom(request, request.params.id);
      const { title, plannedStartAt } = request.body;
      const plan: RoomPlan = {};
      if (title !== undefined) {
        if (title.trim() === '') throw badRequest('body/title must not be blank');
        plan.title = title.trim();
      }
      if (plannedStartAt !== undefined) {
        if (plannedStartAt !== null) checkPlannedStart(plannedStartAt, live.now());
        plan.plannedStartAt = plannedStartAt;
      }
      return { room: await roomView(live.store, await applyPlan(room, plan)) };
    },
  );

  /** POST /api/rooms/:id/cover: multipart field `file`, PNG/JPEG/WebP up to 1 MB; owner or operator, before live. */
  app.post(
    '/api/rooms/:id/cover',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const room = await managedRoom(request, request.params.id);
      if (room.status !== 'idle') throw notUpcoming(room);
      const { bytes, kind } = await readImageUpload(request, COVER_MAX_BYTES, 'cover');
      const file = `${room.id}-${randomId(live.random, 16)}.${kind}`;
      await mkdir(coverDir, { recursive: true });
      await writeFile(path.join(coverDir, file), bytes, { flag: 'wx' });
      let updated: Room;
      try {
        updated = await applyPlan(room, { coverUrl: storedFileUrl(request, 'covers', file) });
      } catch (error) {
        await unlink(path.join(coverDir, file)).catch(() => undefined);
        throw error;
      }
      // The replaced file is nobody's cover any more (URLs are per upload, so no cache serves it).
      const old = /\/covers\/([^/?#]+)$/.exec(room.coverUrl ?? '')?.[1];
      if (old !== undefined && COVER_FILE.exec(old)?.[1] === room.id && old !== file) {
        await unlink(path.join(coverDir, old)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') request.log.warn({ err: error, file: old }, 'old cover not removed');
        });
      }
      return { room: await roomView(live.store, updated) };
    },
  );

  /** GET /covers/:file: a stored cover; a file name never changes content, so it is cached for a year. */
  app.get(
    '/covers/:file',
    {
      schema: {
        params: Type.Object({ file: Type.String({ maxLength: 200 }) }),
        response: {
          200: imageAnswer('The cover', ['image/png', 'image/jpeg', 'image/webp']),
          '4xx': ErrorView,
        },
      },
    },
    async (request, reply) => {
      const match = COVER_FILE.exec(request.params.file);
      if (!match) throw badRequest('Not a cover file name');
      let bytes: Buffer;
      try {
        bytes = await readFile(path.join(coverDir, request.params.file));
      } catch {
        throw notFound('No such cover');
      }
      return reply
        .header('content-type', imageContentType(match[2] as AvatarKind))
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );

  /** The caller's reminder for a room as the API shows it. */
  async function reminderAnswer(roomId: string, userId: string): Promise<ReminderAnswerType> {
    const reminder = await live.store.reminders.get(roomId, userId);
    return { roomId, subscribed: reminder !== null, state: reminder?.state ?? null };
  }

  /** 503 unless the service can send start reminders (WeChat credentials and WECHAT_LIVE_TEMPLATE_ID). */
  function requireReminders(): void {
    if (live.reminders.templateId === null) {
      throw new ApiError(
        503,
        'REMINDERS_UNAVAILABLE',
        'Start reminders are not configured: set WECHAT_APPID, WECHAT_SECRET and WECHAT_LIVE_TEMPLATE_ID on the server',
      );
    }
  }

  /**
   * POST /api/rooms/:id/reminders: a signed-in WeChat user subscribes to the room's start (after
   * wx.requestSubscribeMessage answered accept); stored once per user and room, sent once when the room goes live.
   */
  app.post(
    '/api/rooms/:id/reminders',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } },
    },
    async (request) => {
      requireReminders();
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status !== 'idle') throw notUpcoming(room);
      if ((await live.store.users.wechatOpenid(user.id)) === null) {
        throw new ApiError(
          403,
          'REMINDER_NEEDS_WECHAT',
          'Start reminders are WeChat subscribe messages: sign in with WeChat to get one',
        );
      }
      await live.store.reminders.subscribe(room.id, user.id, live.now());
      return reminderAnswer(room.id, user.id);
    },
  );

  /** GET /api/rooms/:id/reminders/me: the caller's reminder for the room (subscribed, and its send's outcome). */
  app.get(
    '/api/rooms/:id/reminders/me',
    { schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } } },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      return reminderAnswer(room.id, user.id);
    },
  );

  /** DELETE /api/rooms/:id/reminders/me: cancels the caller's reminder while it is pending (idempotent). */
  app.delete(
    '/api/rooms/:id/reminders/me',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      await live.store.reminders.cancel(room.id, user.id);
      return reminderAnswer(room.id, user.id);
    },
  );

  /** GET /api/rooms/:id/reminders: how many reminders are in each state (owner or operator). */
  app.get(
    '/api/rooms/:id/reminders',
    {
      schema: {
        params: RoomParams,
        response: {
          200: Type.Object({
            counts: Type.Object({
              pending: Type.Integer(),
              sending: Type.Integer(),
              sent: Type.Integer(),
              refused: Type.Integer(),
              failed: Type.Integer(),
            }),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const room = await managedRoom(request, request.params.id);
      const counts = await live.store.reminders.counts(room.id);
      return {
        counts: {
          pending: counts.pending ?? 0,
          sending: counts.sending ?? 0,
          sent: counts.sent ?? 0,
          refused: counts.refused ?? 0,
          failed: counts.failed ?? 0,
        },
      };
    },
  );
};

export default plannedRoutes;
