import { createCipheriv, createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';

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

/**
 * Builds the JSON payload that binds a token to one room (and, for publishers, to their streams):
 * {"room_id":…,"privilege":{"1":1,"2":0|1},"stream_id_list":[…]|null}. Written out: JSON.stringify of an object
 * with numeric keys takes V8's slow path, ten times the time of this, on every token. The bytes are the same.
 */
export function roomPayload(roomID: string, canPublish: boolean, streamIDs: string[] | null): string {
  return (
    `{"room_id":${JSON.stringify(roomID)},` +
    `"privilege":{"${PRIVILEGE_LOGIN}":1,"${PRIVILEGE_PUBLISH}":${canPublish ? 1 : 0}},` +
    `"stream_id_list":${JSON.stringify(streamIDs)}}`
  );
}

/** Bytes of randomness each token draws: the 12-byte IV, then the 4-byte nonce. */
const DRAW_BYTES = IV_BYTES + 4;
/**
 * Random bytes are drawn from the CSPRNG a few KB at a time and each byte is used once: one randomBytes call per
 * token cost more than the rest of the AES-GCM sealing.
 */
const pool = Buffer.alloc(DRAW_BYTES * 256);
let poolOffset = pool.length;
function draw(): Buffer {
  if (poolOffset + DRAW_BYTES > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // A copy: the pool is refilled in place later.
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + DRAW_BYTES));
  poolOffset += DRAW_BYTES;
  return bytes;
}

/** The AES key of the last secret seen (a service has one ServerSecret): imported once, not per token. */
let cachedKey: { secret: string; key: KeyObject } | null = null;
function keyFor(secret: string): KeyObject {
  if (cachedKey?.secret !== secret) {
    const bytes = Buffer.from(secret, 'utf8');
    if (bytes.length !== 32) throw new Error('token04: the server secret must be 32 bytes');
    cachedKey = { secret, key: createSecretKey(bytes) };
  }
  return cachedKey.key;
}

/** Generates a ZEGO Token04 (AES-256-GCM): "04" + base64(expire, iv, ciphertext+tag, mode). */
export function generateToken04(input: Token04Input): { token: string; ctime: number; expire: number } {
  const { appID, userID, secret, effectiveTimeInSeconds } = input;
  if (!Number.isInteger(appID) || appID <= 0) throw new Error('token04: appID must be a positive integer');
  if (userID.length === 0 || userID.length > 64) throw new Error('token04: userID must be 1-64 characters');
  const key = keyFor(secret);
  if (!(effectiveTimeInSeconds > 0)) throw new Error('token04: effectiveTimeInSeconds must be positive');
  const random = input.iv === undefined || input.nonce === undefined ? draw() : null;
  const iv = input.iv ?? (random as Buffer).subarray(0, IV_BYTES);
  if (iv.length !== IV_BYTES) throw new Error('token04: the IV must be 12 bytes');

  const ctime = input.now ?? Math.floor(Date.now() / 1000);
  const expire = ctime + effectiveTimeInSeconds;
  const content: Token04Content = {
    app_id: appID,
    user_id: userID,
    nonce: input.nonce ?? (random as Buffer).readInt32BE(IV_BYTES),
    ctime,
    expire,
    payload: input.payload ?? '',
  };

  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const encrypted = cipher.update(JSON.stringify(content), 'utf8');
  const tail = cipher.final();
  const tag = cipher.getAuthTag();
  const sealedLength = encrypted.length + tail.length + tag.length;

  // expire int64 BE | IV length int16 BE | IV | sealed length int16 BE | ciphertext + tag | mode
  const packed = Buffer.allocUnsafe(8 + 2 + IV_BYTES + 2 + sealedLength + 1);
  packed.writeUInt32BE(Math.floor(expire / 0x1_0000_0000), 0);
  packed.writeUInt32BE(expire >>> 0, 4);
  packed.writeUInt16BE(IV_BYTES, 8);
  iv.copy(packed, 10);
  let at = 10 + IV_BYTES;
  packed.writeUInt16BE(sealedLength, at);
  at += 2;
  at += encrypted.copy(packed, at);
  at += tail.copy(packed, at);
  at += tag.copy(packed, at);
  packed[at] = MODE_GCM;
  return { token: '04' + packed.toString('base64'), ctime, expire };
}
