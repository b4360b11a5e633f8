/**
 * Planned rooms and their start reminders (开播提醒):
 * - PATCH /api/rooms/:id: the owner or the operator changes the title or the planned start before the room goes live;
 * - POST /api/rooms/:id/cover: the cover image (checked like the avatar), stored beside the avatars (AVATAR_DIR,
 *   which every instance shares), served at GET /covers/:file;
 * - POST /api/rooms/:id/reminders, GET and DELETE .../reminders/me: a signed-in WeChat user's reminder, sent once
 *   when the room goes live (plugins/app/reminders.ts); GET .../reminders: the counts per state (owner, operator).
 */
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireUser } from '../../http/auth';
import { ApiError, badRequest } from '../../lib/errors';
import { readImageUpload, sendStoredImage, storedFileUrl, type ImageKind } from '../../http/image-upload';
import { Errors } from '../../http/route-parts';
import { randomId } from '../../lib/ids';
import { loadLiveRoom, managedRoom } from '../rooms/service';
import {
  imageAnswer,
  PlanRoomBody,
  ReminderAnswer,
  RoomAnswer,
  RoomParams,
} from '@zego-live/contract/schemas';
import { ErrorView, roomView } from '../../lib/views';
import type { Room, RoomPlan } from '../../store/types';
import { checkPlannedStart } from '../rooms/service';
import {
  applyPlan,
  COVER_FILE,
  COVER_MAX_BYTES,
  dropOldCover,
  notUpcoming,
  reminderAnswer,
  requireReminders,
} from './service';

/** Planning a room, its cover and its start reminders (under /api). */
const plannedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const coverDir = path.join(live.config.avatarDir, 'covers');
  // Encapsulated: only this plugin's routes parse multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: COVER_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  });

  /** The live room if the caller is its owner or the operator; 401/403 otherwise. */
  async function plannedRoom(request: FastifyRequest, roomId: string): Promise<Room> {
    const { room } = await managedRoom(live, await identify(app, request), roomId, {
      signIn: 'Sign in (or use the console token) to plan a room',
      notManager: 'Only the anchor of this room or the operator may plan it',
      need: 'operator',
    });
    return room;
  }

  /** PATCH /api/rooms/:id {title?, plannedStartAt?}: owner or operator, before the room goes live. */
  app.patch(
    '/rooms/:id',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, body: PlanRoomBody, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const room = await plannedRoom(request, request.params.id);
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
      return { room: await roomView(live, await applyPlan(live, room, plan)) };
    },
  );

  /** POST /api/rooms/:id/cover: multipart field `file`, PNG/JPEG/WebP up to 1 MB; owner or operator, before live. */
  app.post(
    '/rooms/:id/cover',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const room = await plannedRoom(request, request.params.id);
      if (room.status !== 'idle') throw notUpcoming(room);
      const { bytes, kind } = await readImageUpload(request, COVER_MAX_BYTES, 'cover');
      const file = `${room.id}-${randomId(live.random, 16)}.${kind}`;
      await mkdir(coverDir, { recursive: true });
      await writeFile(path.join(coverDir, file), bytes, { flag: 'wx' });
      let updated: Room;
      try {
        updated = await applyPlan(live, room, { coverUrl: storedFileUrl(app, 'covers', file) });
      } catch (error) {
        await unlink(path.join(coverDir, file)).catch(() => undefined);
        throw error;
      }
      await dropOldCover(coverDir, room, file, request.log);
      return { room: await roomView(live, updated) };
    },
  );

  /**
   * POST /api/rooms/:id/reminders: a signed-in WeChat user subscribes to the room's start (after
   * wx.requestSubscribeMessage answered accept); stored once per user and room, sent once when the room goes live.
   */
  app.post(
    '/rooms/:id/reminders',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } },
    },
    async (request) => {
      // Who asks first: an anonymous caller learns nothing about the service's set-up.
      const { user } = await requireUser(app, request);
      requireReminders(app.reminders.templateId);
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
      return reminderAnswer(live, room.id, user.id);
    },
  );

  /** GET /api/rooms/:id/reminders/me: the caller's reminder for the room (subscribed, and its send's outcome). */
  app.get(
    '/rooms/:id/reminders/me',
    { schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } } },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      return reminderAnswer(live, room.id, user.id);
    },
  );

  /** DELETE /api/rooms/:id/reminders/me: cancels the caller's reminder while it is pending (idempotent). */
  app.delete(
    '/rooms/:id/reminders/me',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: ReminderAnswer, ...Errors } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      await live.store.reminders.cancel(room.id, user.id);
      return reminderAnswer(live, room.id, user.id);
    },
  );

  /** GET /api/rooms/:id/reminders: how many reminders are in each state (owner or operator). */
  app.get(
    '/rooms/:id/reminders',
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
      const room = await plannedRoom(request, request.params.id);
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

/** GET /covers/:file: the stored covers (not under /api). */
export const coverFiles: FastifyPluginAsyncTypebox = async (app) => {
  const coverDir = path.join(app.live.config.avatarDir, 'covers');

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
      return sendStoredImage(reply, coverDir, request.params.file, match[2] as ImageKind, 'cover');
    },
  );
};

export default plannedRoutes;
