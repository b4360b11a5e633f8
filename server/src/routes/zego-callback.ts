import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, unauthorized } from '../lib/errors';
import type { Room } from '../store/types';
import type { LiveContext } from '../lib/context';
import { endCohosting } from '../lib/cohosts';

const Scalar = Type.Union([Type.String({ maxLength: 256 }), Type.Number()]);

/** The fields we use of ZEGO's stream_create / stream_close callbacks (others pass through untouched). */
const CallbackBody = Type.Object({
  event: Type.Optional(Type.String({ maxLength: 64 })),
  timestamp: Scalar,
  nonce: Scalar,
  signature: Type.String({ minLength: 1, maxLength: 128 }),
  room_id: Type.Optional(Type.String({ maxLength: 256 })),
  channel_id: Type.Optional(Type.String({ maxLength: 256 })),
  stream_id: Type.Optional(Type.String({ maxLength: 256 })),
  stream_alias: Type.Optional(Type.String({ maxLength: 256 })),
});

/** ZEGO's callback rule: signature = sha1(sorted [callbackSecret, timestamp, nonce] joined), hex. */
export function zegoCallbackSignature(secret: string, timestamp: string, nonce: string): string {
  const joined = [secret, timestamp, nonce].sort().join('');
  return createHash('sha1').update(joined).digest('hex');
}

/** Constant-time check of a callback's signature. */
export function verifyZegoCallback(
  secret: string,
  timestamp: string,
  nonce: string,
  signature: string,
): boolean {
  const expected = Buffer.from(zegoCallbackSignature(secret, timestamp, nonce), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The room a callback is about: by its anchor stream ID first, then by room ID. */
async function roomOf(
  live: LiveContext,
  streamId: string | undefined,
  roomId: string | undefined,
): Promise<Room | null> {
  const byStream = streamId ? await live.store.rooms.findByStreamId(streamId) : null;
  if (byStream) return byStream;
  if (!roomId) return null;
  const room = await live.store.rooms.get(roomId);
  // Only the room's own anchor stream moves its status (not a stray stream in the same room).
  return room && (!streamId || streamId === room.streamId) ? room : null;
}

/** ZEGO server callbacks: stream created -> room live, stream closed -> room idle. */
const zegoCallbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const Answer = Type.Object({ ok: Type.Boolean(), roomID: Type.Union([Type.String(), Type.Null()]) });

  for (const [path, status] of [
    ['/zego/callback/stream-create', 'live'],
    ['/zego/callback/stream-close', 'idle'],
  ] as const) {
    /** POST /api/zego/callback/stream-create | stream-close: verified with ZEGO_CALLBACK_SECRET. */
    app.post(path, { schema: { body: CallbackBody, response: { 200: Answer } } }, async (request) => {
      const secret = live.config.zegoCallbackSecret;
      if (secret === null) {
        throw new ApiError(
          503,
          'ZEGO_NOT_CONFIGURED',
          'ZEGO callbacks are not configured: set ZEGO_CALLBACK_SECRET',
        );
      }
      const body = request.body;
      if (!verifyZegoCallback(secret, String(body.timestamp), String(body.nonce), body.signature)) {
        throw unauthorized('ZEGO callback signature does not match');
      }
      const room = await roomOf(live, body.stream_id ?? body.stream_alias, body.room_id ?? body.channel_id);
      if (!room) return { ok: true, roomID: null };
      // A call's status follows its members (second join: live; hang-up: ended), not one member's stream.
      if (room.kind === 'call') return { ok: true, roomID: room.id };
      if (status === 'live' || room.status === 'live' || room.status === 'paused') {
        await live.store.rooms.setStatus(room.id, status, live.now());
        // The anchor's stream is gone: co-hosting with it ends (the co-hosts would face an empty room).
        if (status === 'idle') await endCohosting(live, request.log, room.id);
      }
      return { ok: true, roomID: room.id };
    });
  }
};

export default zegoCallbackRoutes;
