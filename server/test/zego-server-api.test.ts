/** The ZEGO server API client against ZEGO's published signature vector and a loopback fake that checks it. */
import { ZegoServerApi, ZegoServerApiError, zegoServerSignature } from '../src/zego/server-api';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';
import { ZEGO_APP_ID, ZEGO_SECRET } from './helpers/server';

describe('ZEGO server API signature', () => {
  test("ZEGO's documented test vector", () => {
    expect(
      zegoServerSignature(12345, '4fd24687296dd9f3', '9193cc662a4c0ec135ec71fb57194b38', 1615186943),
    ).toBe('43e5cfcca828314675f91b001390566a');
  });
});

describe('ZEGO server API client', () => {
  let fake: FakeZegoServerApi;
  let api: ZegoServerApi;

  beforeAll(async () => {
    fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    api = new ZegoServerApi({
      baseUrl: fake.url,
      appId: ZEGO_APP_ID,
      serverSecret: ZEGO_SECRET,
      timeoutMs: 300,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  test('GET: signed common parameters, bracketed arrays, URL-encoded free text; the secret is never sent', async () => {
    const content = JSON.stringify({ t: 'cohost', e: 'requested', u: 'u1' }) + ' 连麦 &=?';
    await api.sendCustomCommand({ roomId: 'r1', fromUserId: 'live-service', toUserIds: ['a', 'b'], content });
    const [call] = fake.calls;
    expect(call).toMatchObject({ action: 'SendCustomCommand', method: 'GET', signatureOk: true });
    expect(call.query.get('SignatureVersion')).toBe('2.0');
    expect(call.query.getAll('ToUserId[]')).toEqual(['a', 'b']);
    expect(call.query.get('MessageContent')).toBe(content);
    expect(call.query.get('RoomId')).toBe('r1');
    expect(call.query.toString()).not.toContain(ZEGO_SECRET);
    // Every request gets its own nonce.
    await api.forbidRTCStream('r1_co_u1', 1234);
    expect(fake.calls[1].query.get('SignatureNonce')).not.toBe(call.query.get('SignatureNonce'));
    expect(fake.calls[1].query.get('Sequence')).toBe('1234');
  });

  test('a broadcast without ToUserId; KickoutUser and SendBroadcastMessage', async () => {
    await api.sendCustomCommand({ roomId: 'r1', fromUserId: 'live-service', content: 'x' });
    expect(fake.calls[0].query.has('ToUserId[]')).toBe(false);
    await api.kickoutUser({ roomId: 'r1', userIds: ['u1'], reason: 'bye' });
    expect(fake.of('KickoutUser')[0].query.getAll('UserId[]')).toEqual(['u1']);
    expect(await api.sendBroadcastMessage({ roomId: 'r1', userId: 's', category: 1, content: 'hi' })).toEqual(
      {
        messageId: expect.any(Number),
      },
    );
  });

  test('POST: common parameters in the query, the JSON body as an object', async () => {
    await api.stopMix({ TaskId: 'mix_r1', UserId: 'live-service' });
    const [call] = fake.calls;
    expect(call).toMatchObject({ action: 'StopMix', method: 'POST', signatureOk: true });
    expect(call.contentType).toBe('application/json');
    expect(call.body).toEqual({ TaskId: 'mix_r1', UserId: 'live-service' });
  });

  test("a non-zero Code is an error carrying ZEGO's code; HTTP 500 and silence are errors too", async () => {
    fake.fail('StartMix', { code: 110200157, message: 'mix not enabled' });
    const task = { TaskId: 't', UserId: 'u', MixInput: [], MixOutput: [] };
    const zegoError = await api.startMix(task).catch((e: unknown) => e);
    expect(zegoError).toBeInstanceOf(ZegoServerApiError);
    expect(zegoError).toMatchObject({
      action: 'StartMix',
      kind: 'zego',
      code: 110200157,
      requestId: expect.stringMatching(/^req-/),
    });
    expect((zegoError as Error).message).toMatch(/110200157/);

    fake.fail('StopMix', { status: 500 });
    await expect(api.stopMix({ TaskId: 't', UserId: 'u' })).rejects.toMatchObject({
      kind: 'http',
      code: null,
    });

    fake.fail('ResumeRTCStream', { hang: true });
    const started = Date.now();
    await expect(api.resumeRTCStream('s', 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a wrong secret is refused by the fake as ZEGO would (100000005) and no secret shows in the error', async () => {
    const wrong = new ZegoServerApi({ baseUrl: fake.url, appId: ZEGO_APP_ID, serverSecret: 'x'.repeat(32) });
    const error = (await wrong.forbidRTCStream('s', 1).catch((e: unknown) => e)) as ZegoServerApiError;
    expect(error.code).toBe(100000005);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('x'.repeat(32));
    const unreachable = new ZegoServerApi({
      baseUrl: 'http://127.0.0.1:1',
      appId: 1,
      serverSecret: ZEGO_SECRET,
    });
    await expect(unreachable.forbidRTCStream('s', 1)).rejects.toMatchObject({ kind: 'network' });
  });
});
