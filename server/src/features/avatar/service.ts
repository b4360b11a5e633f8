import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';

/** Largest accepted avatar (bytes): WeChat's chooseAvatar crops to a small square, far below this. */
export const AVATAR_MAX_BYTES = 512 * 1024;

/** Stored file names: `<userID>-<16 random>.<ext>`; anything else is refused before touching the disk. */
export const AVATAR_FILE = /^([A-Za-z0-9_]{1,64})-[A-Za-z0-9]{16}\.(png|jpg|webp)$/;

/** The folder of stored avatars: beside the SQLite file, so one data directory holds everything to back up. */
export const avatarDir = (database: string): string => path.join(path.dirname(database), 'avatars');

/** The stored file behind one of our avatar URLs of this user, or null (someone else's, or not ours). */
export function ownAvatarFile(avatarUrl: string, userId: string): string | null {
  const match = /\/avatars\/([^/?#]+)$/.exec(avatarUrl);
  if (!match) return null;
  const file = AVATAR_FILE.exec(match[1]);
  return file && file[1] === userId ? match[1] : null;
}

/** Deletes the user's previous avatar file once the new one is recorded (URLs are per upload: no cache serves it). */
export async function dropOldAvatar(
  dir: string,
  oldUrl: string,
  userId: string,
  newFile: string,
  log: FastifyBaseLogger,
): Promise<void> {
  const old = ownAvatarFile(oldUrl, userId);
  if (old === null || old === newFile) return;
  await unlink(path.join(dir, old)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') log.warn({ err: error, file: old }, 'old avatar not removed');
  });
}
