import { createCipheriv } from 'node:crypto';
import { generateToken04, roomPayload } from '../src/zego/token04';
import { decodeToken04 } from './helpers/token04';

const SECRET = 'ZegoTestSecret0123456789abcdefXY';

describe('ZEGO Token04 (AES-256-GCM)', () => {
  test('known answer: bytes match an independent assembly with node:crypto', () => {
    const iv = Buffer.from('000102030405060708090a0b', 'hex');
    const payload = roomPayload('r_room1', false, null);
    const { token, ctime, expire } = generateToken04({
      appID: 1234567890,
      userID: 'u_alice',
      secret: SECRET,
      effectiveTimeInSeconds: 3600,
      payload,
      now: 1_700_000_000,
      nonce: -123456,
      iv,
    });
    expect(ctime).toBe(1_700_000_000);
    expect(expire).toBe(1_700_003_600);

    // Expected bytes, assembled by hand: expire int64 BE | 12 int16 BE | iv | len int16 BE | ciphertext+tag | 0x01.
    const plain =
      '{"app_id":1234567890,"user_id":"u_alice","nonce":-123456,"ctime":1700000000,"expire":1700003600,' +
      '"payload":"{\\"room_id\\":\\"r_room1\\",\\"privilege\\":{\\"1\\":1,\\"2\\":0},\\"stream_id_list\\":null}"}';
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(SECRET, 'utf8'), iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const expected = Buffer.concat([
      Buffer.from('000000006553ff10', 'hex'), // 1700003600
      Buffer.from('000c', 'hex'),
      iv,
      Buffer.from([sealed.length >> 8, sealed.length & 0xff]),
      sealed,
      Buffer.from([1]),
    ]);
    expect(token.startsWith('04')).toBe(true);
    expect(Buffer.from(token.slice(2), 'base64').toString('hex')).toBe(expected.toString('hex'));
    expect(token).toBe('04' + expected.toString('base64'));
  });

  test('the room payload is the JSON of its fields, byte for byte, whatever the IDs hold', () => {
    for (const [room, publish, streams] of [
      ['r_room1', false, null],
      ['r_room1', true, ['r_room1_main']],
      ['r1', true, ['r1_cohost_u2', 'r1_main']],
      ['quote"back\\slash', true, ['line\nbreak', '雪']],
      ['r1', false, []],
    ] as Array<[string, boolean, string[] | null]>) {
      expect(roomPayload(room, publish, streams)).toBe(
        JSON.stringify({ room_id: room, privilege: { 1: 1, 2: publish ? 1 : 0 }, stream_id_list: streams }),
      );
      expect(JSON.parse(roomPayload(room, publish, streams))).toEqual({
        room_id: room,
        privilege: { '1': 1, '2': publish ? 1 : 0 },
        stream_id_list: streams,
      });
    }
  });

  test('decrypts with the secret and fails with another secret', () => {
    const { token } = generateToken04({
      appID: 42,
      userID: 'u1',
      secret: SECRET,
      effectiveTimeInSeconds: 60,
      payload: roomPayload('r1', true, ['r1_main']),
      now: 1000,
    });
    const decoded = decodeToken04(token, SECRET);
    expect(decoded).toMatchObject({
      app_id: 42,
      user_id: 'u1',
      ctime: 1000,
      expire: 1060,
      outerExpire: 1060,
      ivLength: 12,
      mode: 1,
    });
    expect(Number.isInteger(decoded.nonce)).toBe(true);
    expect(JSON.parse(decoded.payload)).toEqual({
      room_id: 'r1',
      privilege: { '1': 1, '2': 1 },
      stream_id_list: ['r1_main'],
    });
    expect(() => decodeToken04(token, 'X'.repeat(32))).toThrow();
  });

  test('two tokens with the same inputs differ (random IV and nonce)', () => {
    const input = { appID: 1, userID: 'u', secret: SECRET, effectiveTimeInSeconds: 60, now: 1 };
    expect(generateToken04(input).token).not.toBe(generateToken04(input).token);
  });

  test('rejects a wrong secret length, user ID and lifetime', () => {
    const base = { appID: 1, userID: 'u', secret: SECRET, effectiveTimeInSeconds: 60 };
    expect(() => generateToken04({ ...base, secret: 'short' })).toThrow(/32 bytes/);
    expect(() => generateToken04({ ...base, userID: 'x'.repeat(65) })).toThrow(/userID/);
    expect(() => generateToken04({ ...base, effectiveTimeInSeconds: 0 })).toThrow(/effectiveTime/);
    expect(() => generateToken04({ ...base, appID: 0 })).toThrow(/appID/);
  });
});
