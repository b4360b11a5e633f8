import { createCipheriv, randomBytes, randomInt } from 'node:crypto';

/** Privilege keys of a ZEGO room token payload. */
export const PRIVILEGE_LOGIN = 1;
export const PRIVILEGE_PUBLISH = 2;

/** The last byte of a Token04: 1 = AES-256-GCM (0 was the deprecated CBC variant). */
const MODE_GCM = 1;
const IV_BYTES = 12;

/** Inputs of a Token04; now/nonce/iv are injectable so a known-answer test can pin the bytes. */
export interface Token04Input {
  appID: number;
  userID: string;
  secret: string;
  effectiveTimeInSeconds: number;
  payload?: string;
  /** Seconds since the epoch; defaults to the system clock. */
  now?: number;
  /** Signed int32 placed in the plaintext; random by default. */
  nonce?: number;
  /** 12-byte GCM IV; random by default. */
  iv?: Buffer;
}

/** The decrypted content of a Token04. */
export interface Token04Content {
  app_id: number;
  user_id: string;
  nonce: number;
  ctime: number;
  expire: number;
  payload: string;
}

/** Builds the JSON payload that binds a token to one room (and, for publishers, to their streams). */
export function roomPayload(roomID: string, canPublish: boolean, streamIDs: string[] | null): string {
  return JSON.stringify({
    room_id: roomID,
    privilege: { [PRIVILEGE_LOGIN]: 1, [PRIVILEGE_PUBLISH]: canPublish ? 1 : 0 },
    stream_id_list: streamIDs,
  });
}

/** Generates a ZEGO Token04 (AES-256-GCM): "04" + base64(expire, iv, ciphertext+tag, mode). */
export function generateToken04(input: Token04Input): { token: string; ctime: number; expire: number } {
  const { appID, userID, secret, effectiveTimeInSeconds } = input;
  if (!Number.isInteger(appID) || appID <= 0) throw new Error('token04: appID must be a positive integer');
  if (userID.length === 0 || userID.length > 64) throw new Error('token04: userID must be 1-64 characters');
  const key = Buffer.from(secret, 'utf8');
  if (key.length !== 32) throw new Error('token04: the server secret must be 32 bytes');
  if (!(effectiveTimeInSeconds > 0)) throw new Error('token04: effectiveTimeInSeconds must be positive');
  const iv = input.iv ?? randomBytes(IV_BYTES);
  if (iv.length !== IV_BYTES) throw new Error('token04: the IV must be 12 bytes');

  const ctime = input.now ?? Math.floor(Date.now() / 1000);
  const expire = ctime + effectiveTimeInSeconds;
  const content: Token04Content = {
    app_id: appID,
    user_id: userID,
    nonce: input.nonce ?? randomInt(-0x80000000, 0x7fffffff),
    ctime,
    expire,
    payload: input.payload ?? '',
  };

  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(content), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);

  const head = Buffer.alloc(8 + 2);
  head.writeBigInt64BE(BigInt(expire), 0);
  head.writeUInt16BE(iv.length, 8);
  const sealedLength = Buffer.alloc(2);
  sealedLength.writeUInt16BE(sealed.length, 0);
  const packed = Buffer.concat([head, iv, sealedLength, sealed, Buffer.from([MODE_GCM])]);
  return { token: '04' + packed.toString('base64'), ctime, expire };
}
