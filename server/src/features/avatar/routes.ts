import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireUser } from '../../http/auth';
import { badRequest, notFound } from '../../lib/errors';
import {
  IMAGE_CONTENT_TYPES,
  readImageUpload,
  sendStoredImage,
  storedFileUrl,
  type ImageKind,
} from '../../http/image-upload';
import { randomId } from '../../lib/ids';
import { imageAnswer, UserAnswer } from '@zego-live/contract/schemas';
import { ErrorView, userView } from '../../lib/views';
import type { User } from '../../store/types';
import { AVATAR_FILE, AVATAR_MAX_BYTES, dropOldAvatar } from './service';

/** POST /api/me/avatar: the signed-in user's avatar, uploaded as multipart (what wx.uploadFile sends). */
const avatarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dir = app.live.config.avatarDir;
  // Encapsulated: only this plugin's routes parse multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  });

  /** POST /api/me/avatar: multipart field `file`, PNG/JPEG/WebP up to 512 KB; answers the updated user. */
  app.post(
    '/me/avatar',
    {
      config: { rateLimit: app.live.rateLimits.auth },
      schema: { response: { 200: UserAnswer, '4xx': ErrorView } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const { bytes, kind } = await readImageUpload(request, AVATAR_MAX_BYTES, 'avatar');

      const file = `${user.id}-${randomId(app.live.random, 16)}.${kind}`;
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, file), bytes, { flag: 'wx' });
      let updated: User | null;
      try {
        updated = await app.live.store.users.setAvatar(user.id, storedFileUrl(app, 'avatars', file));
      } catch (error) {
        await unlink(path.join(dir, file)).catch(() => undefined);
        throw error;
      }
      if (!updated) throw notFound('No such user');
      await dropOldAvatar(dir, user.avatarUrl, user.id, file, request.log);
      return { user: userView(updated) };
    },
  );
};

/** GET /avatars/:file: the stored avatars (not under /api). */
export const avatarFiles: FastifyPluginAsyncTypebox = async (app) => {
  const dir = app.live.config.avatarDir;

  /** GET /avatars/:file: a stored avatar; a file name never changes content, so it is cached for a year. */
  app.get(
    '/avatars/:file',
    {
      schema: {
        params: Type.Object({ file: Type.String({ maxLength: 100 }) }),
        response: {
          200: imageAnswer('The avatar', Object.values(IMAGE_CONTENT_TYPES)),
          '4xx': ErrorView,
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params;
      const match = AVATAR_FILE.exec(file);
      if (!match) throw badRequest('Not an avatar file name');
      return sendStoredImage(reply, dir, file, match[2] as ImageKind, 'avatar');
    },
  );
};

export default avatarRoutes;
