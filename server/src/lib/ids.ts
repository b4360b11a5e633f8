import { hash, randomBytes as nodeRandomBytes } from 'node:crypto';

/** A source of random bytes; tests inject a deterministic one. */
export type RandomSource = (size: number) => Buffer;

export const defaultRandom: RandomSource = (size) => nodeRandomBytes(size);

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Random string of [0-9a-zA-Z] (valid in ZEGO room, stream and user IDs and in a WeChat `scene`). */
export function randomId(random: RandomSource, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      // 62 * 4 = 248: reject the top bytes so every character is equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** A room ID: 12 characters of [0-9a-zA-Z], starting with 'r' (ZEGO allows up to 128 bytes of [A-Za-z0-9_]). */
export const newRoomId = (random: RandomSource): string => 'r' + randomId(random, 11);
/** A user ID: 16 characters starting with 'u' (ZEGO allows up to 64). */
export const newUserId = (random: RandomSource): string => 'u' + randomId(random, 15);
/** The anchor's stream ID of a room (ZEGO allows up to 256 bytes of [A-Za-z0-9_-]). */
export const streamIdForRoom = (roomId: string): string => `${roomId}_main`;
/** A call member's own stream ID (room and user IDs are [A-Za-z0-9], so this is a valid ZEGO stream ID). */
export const streamIdForMember = (roomId: string, userId: string): string => `${roomId}_${userId}`;
/** The mixed output stream of a live room with co-hosts (the anchor and its co-hosts in one picture). */
export const mixStreamIdForRoom = (roomId: string): string => `${roomId}_mix`;
/** The TaskId of a room's mix task in ZEGO's server API (the same ID updates the running task). */
export const mixTaskIdForRoom = (roomId: string): string => `mix_${roomId}`;
/** A one-time invite code: 10 characters, short enough to share a 32-character WeChat scene with the room ID. */
export const newInviteCode = (random: RandomSource): string => randomId(random, 10);
/** An opaque session token (256 bits, base64url). */
export const newSessionToken = (random: RandomSource): string => random(32).toString('base64url');
/** Session tokens are stored only as their SHA-256. */
export const hashToken = (token: string): string => hash('sha256', token, 'hex');

/** ZEGO's rules: roomID <= 128 bytes of [A-Za-z0-9_]. */
export const isValidRoomId = (id: string): boolean => /^[A-Za-z0-9_]{1,128}$/.test(id);
/** ZEGO's rules: streamID <= 256 bytes of [A-Za-z0-9_-]. */
export const isValidStreamId = (id: string): boolean => /^[A-Za-z0-9_-]{1,256}$/.test(id);
