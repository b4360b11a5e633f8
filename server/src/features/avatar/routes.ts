import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { requireUser } from '../../http/auth';
import { ApiError, badRequest, notFound } from '../../lib/errors';
import { randomId } from '../../lib/ids';
import { imageAnswer, UserAnswer } from '../../lib/schemas';
import { ErrorView, userView } from '../../lib/views';
import type { User } from '../../store/types';

/** Largest accepted avatar (bytes): WeChat's chooseAvatar crops to a small square, far below this. */
export const AVATAR_MAX_BYTES = 512 * 1024;

/** Room for the multipart framing around the file (boundaries, part headers, a stray field). */
const MULTIPART_OVERHEAD = 16 * 1024;

/** Image kinds we keep, recognised by their first bytes (the client's content type is not trusted). */
export type AvatarKind = 'png' | 'jpg' | 'webp';

const CONTENT_TYPES: Record<AvatarKind, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

/** Stored file names: `<userID>-<16 random>.<ext>`; anything else is refused before touching the disk. */
const AVATAR_FILE = /^([A-Za-z0-9_]{1,64})-[A-Za-z0-9]{16}\.(png|jpg|webp)$/;

/** The image kind by magic bytes, or null for anything that is not PNG, JPEG or WebP. */
export function sniffImage(bytes: Buffer): AvatarKind | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return 'webp';
  }
  return null;
}

/** The folder of stored avatars: beside the SQLite file, so one data directory holds everything to back up. */
export const avatarDir = (database: string): string => path.join(path.dirname(database), 'avatars');

/**
 * The absolute URL of a stored avatar, from the address the client reached us at (protocol and Host, or
 * X-Forwarded-Proto/Host when TRUST_PROXY trusts the proxy): the phone that uploaded can load it from there.
 */
export const storedFileUrl = (request: FastifyRequest, folder: string, file: string): string =>
  `${request.protocol}://${request.host}/${folder}/${file}`;

/** The stored file behind one of our avatar URLs of this user, or null (someone else's, or not ours). */
function ownAvatarFile(avatarUrl: string, userId: string): string | null {
  const match = /\/avatars\/([^/?#]+)$/.exec(avatarUrl);
  if (!match) return null;
  const file = AVATAR_FILE.exec(match[1]);
  return file && file[1] === userId ? match[1] : null;
}

const tooLarge = (what: string, maxBytes: number): ApiError =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `The ${what} is larger than ${maxBytes / 1024} KB`);

/**
 * Reads the one image of a multipart upload (field `file`, what wx.uploadFile sends): refused when larger than
 * maxBytes (from its header, before reading), not multipart, not exactly one file, or not a PNG, JPEG or WebP by
 * its first bytes. `what` names the image in the messages ("avatar", "cover").
 */
export async function readImageUpload(
  request: FastifyRequest,
  maxBytes: number,
  what: string,
): Promise<{ bytes: Buffer; kind: AvatarKind }> {
  if (Number(request.headers['content-length'] ?? 0) > maxBytes + MULTIPART_OVERHEAD) {
    throw tooLarge(what, maxBytes);
  }
  if (!request.isMultipart()) {
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the ${what} as multipart/form-data with the field "file"`,
    );
  }
  let bytes: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || bytes !== null) {
        await part.toBuffer();
        throw badRequest('Send exactly one file, in the field "file"');
      }
      bytes = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if ((error as { statusCode?: number }).statusCode === 413) throw tooLarge(what, maxBytes);
    throw badRequest(`Unreadable multipart body: ${(error as Error).message}`);
  }
  if (bytes === null || bytes.length === 0) throw badRequest('Send the image in the field "file"');
  const kind = sniffImage(bytes);
  if (kind === null) throw badRequest(`The ${what} must be a PNG, JPEG or WebP image`);
  return { bytes, kind };
}

/** The content type a stored image of this kind is served with. */
export const imageContentType = (kind: AvatarKind): string => CONTENT_TYPES[kind];

/** The avatar of the signed-in user: upload (multipart, what wx.uploadFile sends) and serving the stored files. */
const avatarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dir = app.live.config.avatarDir;
  // Encapsulated: only this plugin's routes parse multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  });

  /** POST /api/me/avatar: multipart field `file`, PNG/JPEG/WebP up to 512 KB; answers the updated user. */
  app.post(
    '/api/me/avatar',
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
        updated = await app.live.store.users.setAvatar(user.id, storedFileUrl(request, 'avatars', file));
      } catch (error) {
        await unlink(path.join(dir, file)).catch(() => undefined);
        throw error;
      }
      if (!updated) throw notFound('No such user');
      // The replaced file is nobody's avatar any more (URLs are per upload, so no cache serves it).
      const old = ownAvatarFile(user.avatarUrl, user.id);
      if (old !== null && old !== file) {
        await unlink(path.join(dir, old)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') request.log.warn({ err: error, file: old }, 'old avatar not removed');
        });
      }
      return { user: userView(updated) };
    },
  );

  /** GET /avatars/:file: a stored avatar; a file name never changes content, so it is cached for a year. */
  app.get(
    '/avatars/:file',
    {
      schema: {
        params: Type.Object({ file: Type.String({ maxLength: 100 }) }),
        response: {
          200: imageAnswer('The avatar', Object.values(CONTENT_TYPES)),
          '4xx': ErrorView,
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params;
      const match = AVATAR_FILE.exec(file);
      if (!match) throw badRequest('Not an avatar file name');
      let bytes: Buffer;
      try {
        bytes = await readFile(path.join(dir, file));
      } catch {
        throw notFound('No such avatar');
      }
      return reply
        .header('content-type', CONTENT_TYPES[match[2] as AvatarKind])
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
};

export default avatarRoutes;
