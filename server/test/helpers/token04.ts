import { createDecipheriv } from 'node:crypto';

/** What a Token04 holds once decrypted, plus the expire written in clear before the ciphertext. */
export interface DecodedToken {
  app_id: number;
  user_id: string;
  nonce: number;
  ctime: number;
  expire: number;
  payload: string;
  outerExpire: number;
  ivLength: number;
  mode: number;
}

/** Decodes a GCM Token04 independently of src/: parses the binary layout and decrypts with the secret. */
export function decodeToken04(token: string, secret: string): DecodedToken {
  if (!token.startsWith('04')) throw new Error('not a 04 token');
  const buf = Buffer.from(token.slice(2), 'base64');
  const outerExpire = Number(buf.readBigInt64BE(0));
  const ivLength = buf.readUInt16BE(8);
  const iv = buf.subarray(10, 10 + ivLength);
  const sealedLength = buf.readUInt16BE(10 + ivLength);
  const sealedStart = 12 + ivLength;
  const sealed = buf.subarray(sealedStart, sealedStart + sealedLength);
  const mode = buf[sealedStart + sealedLength];
  if (sealedStart + sealedLength + 1 !== buf.length) throw new Error('trailing bytes');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(secret, 'utf8'), iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  return {
    ...(JSON.parse(plain.toString('utf8')) as Omit<DecodedToken, 'outerExpire' | 'ivLength' | 'mode'>),
    outerExpire,
    ivLength,
    mode,
  };
}
