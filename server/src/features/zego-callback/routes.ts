import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError, unauthorized } from '../../lib/errors';
import type { Room } from '../../store/types';
import type { LiveContext } from '../../plugins/app/live';
import { endCohosting } from '../cohosts/service';

const Scalar = Type.Union([Type.String({ maxLength: 256 }), Type.Number()]);

/**
 * How far a callback's timestamp may be from our clock (ms), either way. ZEGO's signature covers only the secret,
 * the timestamp and the nonce (not the room or the event), so a captured callback is refused by its age beyond this
 * window and, within it, by its nonce having been seen (kept in the database: every instance sees it).
 */
export const CALLBACK_WINDOW_MS = 5 * 60_000;

/**
 * The fields we use of ZEGO's stream_create / stream_close callbacks. ZEGO decides the payload, so fields we do
 * not read are ignored here (the one body that is not exact).
 */
const CallbackBody = Type.Object(
  {
    event: Type.Optional(Type.String({ maxLength: 64 })),
    timestamp: Scalar,
    nonce: Scalar,
    signature: Type.String({ minLength: 1, maxLength: 128 }),
    room_id: Type.Optional(Type.String({ maxLength: 256 })),
    channel_id: Type.Optional(Type.String({ maxLength: 256 })),
    stream_id: Type.Optional(Type.String({ maxLength: 256 })),
    stream_alias: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
);

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

/** Moves the callback's room (a live room's anchor stream only) and answers which room it was. */
async function applyCallback(
  live: LiveContext,
  log: FastifyBaseLogger,
  status: 'live' | 'idle',
  body: Static<typeof CallbackBody>,
): Promise<{ ok: boolean; roomID: string | null }> {
  const room = await roomOf(live, body.stream_id ?? body.stream_alias, body.room_id ?? body.channel_id);
  if (!room) return { ok: true, roomID: null };
  // A call's status follows its members (second join: live; hang-up: ended), not one member's stream.
  if (room.kind === 'call') return { ok: true, roomID: room.id };
  if (status === 'live' || room.status === 'live' || room.status === 'paused') {
    await live.store.rooms.setStatus(room.id, status, live.now());
    // The anchor's stream is gone: co-hosting with it ends (the co-hosts would face an empty room).
    if (status === 'idle') await endCohosting(live, log, room.id);
  }
  return { ok: true, roomID: room.id };
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
      const nonce = String(body.nonce);
      if (!verifyZegoCallback(secret, String(body.timestamp), nonce, body.signature)) {
        throw unauthorized('ZEGO callback signature does not match');
      }
      const now = live.now();
      const sentAt = Number(body.timestamp) * 1000;
      if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > CALLBACK_WINDOW_MS) {
        throw new ApiError(
          401,
          'CALLBACK_EXPIRED',
          `ZEGO callback timestamp is more than ${CALLBACK_WINDOW_MS / 60_000} minutes from the server's clock`,
        );
      }
      if (!(await live.store.callbackNonces.claim(nonce, now, now - 2 * CALLBACK_WINDOW_MS))) {
        throw new ApiError(409, 'CALLBACK_REPLAYED', 'This ZEGO callback (its nonce) was already received');
      }
      try {
        return await applyCallback(live, request.log, status, body);
      } catch (error) {
        // Not applied: ZEGO's retry of the same callback must pass.
        await live.store.callbackNonces.release(nonce).catch(() => undefined);
        throw error;
      }
    });
  }
};

export default zegoCallbackRoutes;
