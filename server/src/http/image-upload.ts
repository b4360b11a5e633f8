import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// app.live is declared by plugins/app/live.ts: its types only.
import type {} from '../plugins/app/live';
import { ApiError, badRequest, notFound } from '../lib/errors';

/** Room for the multipart framing around the file (boundaries, part headers, a stray field). */
const MULTIPART_OVERHEAD = 16 * 1024;

/** Image kinds we keep (avatars, covers), recognised by their first bytes (the client's content type is not trusted). */
export type ImageKind = 'png' | 'jpg' | 'webp';

export const IMAGE_CONTENT_TYPES: Record<ImageKind, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

/** The image kind by magic bytes, or null for anything that is not PNG, JPEG or WebP. */
export function sniffImage(bytes: Buffer): ImageKind | null {
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

/**
 * The absolute URL of a stored file (avatar, cover): PUBLIC_BASE_URL, else the address this instance listens on.
 * Never the request's Host or X-Forwarded-Host: the URL is shown to every visitor, so a forged Host would be too.
 */
export function storedFileUrl(app: FastifyInstance, folder: string, file: string): string {
  return `${publicBaseUrl(app)}/${folder}/${file}`;
}

/** PUBLIC_BASE_URL, or http://<listen address>:<port> of this instance (development, tests). */
function publicBaseUrl(app: FastifyInstance): string {
  if (app.live.config.publicBaseUrl !== null) return app.live.config.publicBaseUrl;
  const address = app.server.address();
  if (address === null || typeof address === 'string') return `http://${app.live.config.host}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** @fastify/multipart's codes for more files, parts or fields than the route's limits allow. */
const TOO_MANY = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

const exactlyOneFile = (): ApiError => badRequest('Send exactly one file, in the field "file"');

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
): Promise<{ bytes: Buffer; kind: ImageKind }> {
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
        throw exactlyOneFile();
      }
      bytes = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Too many files, parts or fields is multipart's 413, but the upload is malformed, not large: our own 400.
    if (TOO_MANY.has((error as { code?: string }).code ?? '')) throw exactlyOneFile();
    if ((error as { statusCode?: number }).statusCode === 413) throw tooLarge(what, maxBytes);
    throw badRequest(`Unreadable multipart body: ${(error as Error).message}`);
  }
  if (bytes === null || bytes.length === 0) throw badRequest('Send the image in the field "file"');
  const kind = sniffImage(bytes);
  if (kind === null) throw badRequest(`The ${what} must be a PNG, JPEG or WebP image`);
  return { bytes, kind };
}

/** The content type a stored image of this kind is served with. */
export const imageContentType = (kind: ImageKind): string => IMAGE_CONTENT_TYPES[kind];

/** Answers a stored image (avatar, cover); a file name never changes content, so it is cached for a year. */
export async function sendStoredImage(
  reply: FastifyReply,
  dir: string,
  file: string,
  kind: ImageKind,
  what: string,
): Promise<FastifyReply> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dir, file));
  } catch {
    throw notFound(`No such ${what}`);
  }
  return reply
    .header('content-type', IMAGE_CONTENT_TYPES[kind])
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}
