/**
 * Scan to go live: the anchor's QR code (operator only), the audience's QR code and links, and the console's
 * sign-in check. Formats (see the contract package, packages/contract/entry.ts):
 * - with WECHAT_APPID + WECHAT_SECRET: a mini-program code (wxacode.getUnlimited) opening pages/anchor/index
 *   with scene `<roomID>.<invite>` (just `<roomID>` once the room has an anchor), at most 32 characters;
 * - otherwise a plain QR of `${LINK_BASE_URL}/anchor?roomID=<roomID>&invite=<invite>` (the page gets `q`);
 * - audience: a plain QR of `${LINK_BASE_URL}/watch?roomID=<roomID>`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireOperator } from '../../http/auth';
import { ApiError } from '../../lib/errors';
import { loadLiveRoom } from '../rooms/service';
import { ANCHOR_PAGE, linkBaseMissing, qrPng, resolveAnchorLaunch } from './service';
import { imageAnswer, RoomParams } from '@zego-live/contract/schemas';
import { Errors } from '../../http/route-parts';
import { SceneError, anchorLink, audienceLink, audiencePath, encodeAnchorScene } from '@zego-live/contract';
import { WeChatError } from '../../wechat/access-token';

/** Routes of this file, registered under /api. */
const qrcodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const wechat = live.config.wechat;
  const envVersion = wechat?.envVersion ?? 'release';
  const wxacode = live.wechat?.wxacode ?? null;

  /** GET /api/rooms/:id/anchor-qrcode: image/png the anchor scans in WeChat to open this room (operator only). */
  app.get(
    '/rooms/:id/anchor-qrcode',
    {
      schema: {
        params: RoomParams,
        response: { 200: imageAnswer('The anchor QR code', ['image/png', 'image/jpeg']), ...Errors },
      },
    },
    async (request, reply) => {
      await requireOperator(app, request, 'operator'); // the anchor's QR code hands out a room
      const { room, invite } = await resolveAnchorLaunch(live, request.params.id);
      // The image carries a live invite: never cache it anywhere.
      reply.header('cache-control', 'no-store');
      if (wxacode) {
        try {
          const scene = encodeAnchorScene(room.id, invite?.code);
          const code = await wxacode.getUnlimited({ scene, page: ANCHOR_PAGE, envVersion, checkPath: false });
          return reply.type(code.contentType).send(code.image);
        } catch (error) {
          if (error instanceof WeChatError)
            throw new ApiError(error.statusCode, 'WECHAT_UNAVAILABLE', error.message);
          if (error instanceof SceneError) throw new ApiError(500, 'INTERNAL', error.message);
          throw error;
        }
      }
      const base = live.config.linkBaseUrl;
      if (!base) throw linkBaseMissing('Without WECHAT_APPID/WECHAT_SECRET the anchor QR code');
      return reply.type('image/png').send(await qrPng(anchorLink(base, room.id, invite?.code)));
    },
  );

  /** GET /api/rooms/:id/audience-qrcode: image/png of the audience link (public; the console shows it). */
  app.get(
    '/rooms/:id/audience-qrcode',
    {
      schema: {
        params: RoomParams,
        response: { 200: imageAnswer('The audience QR code', ['image/png']), ...Errors },
      },
    },
    async (request, reply) => {
      const room = await loadLiveRoom(live, request.params.id);
      const base = live.config.linkBaseUrl;
      if (!base) throw linkBaseMissing('The audience QR code');
      reply.header('cache-control', 'public, max-age=300');
      return reply.type('image/png').send(await qrPng(audienceLink(base, room.id)));
    },
  );

  /** GET /api/rooms/:id/share: where viewers go (web link when LINK_BASE_URL is set, and the mini-program path). */
  app.get(
    '/rooms/:id/share',
    {
      schema: {
        params: RoomParams,
        response: {
          200: Type.Object({
            audienceLink: Type.Union([Type.String(), Type.Null()]),
            audiencePath: Type.String(),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const room = await loadLiveRoom(live, request.params.id);
      const base = live.config.linkBaseUrl;
      return { audienceLink: base ? audienceLink(base, room.id) : null, audiencePath: audiencePath(room.id) };
    },
  );

  /** GET /api/operator/session: 200 for any operator's session, 401/403 otherwise (kept for older consoles). */
  app.get(
    '/operator/session',
    { schema: { response: { 200: Type.Object({ operator: Type.Literal(true) }), ...Errors } } },
    async (request) => {
      await requireOperator(app, request);
      return { operator: true as const };
    },
  );
};

export default qrcodeRoutes;
