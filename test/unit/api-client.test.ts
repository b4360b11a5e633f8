/**
 * What the app's API client puts on the wire for a token: a viewer's request carries no body (the service's
 * cheapest path, and what most requests are), every other role names itself.
 */
import { createApi, type HttpTransport } from '../../miniprogram/services/api-client';

function recorder() {
  const sent: Array<{ url: string; method: string; data: unknown }> = [];
  const transport: HttpTransport = {
    request: async (options) => {
      sent.push({ url: options.url, method: options.method, data: options.data });
      return { statusCode: 200, data: { token: '04x', expiresAt: 1, appID: 1, userID: 'u', roomID: 'r' } };
    },
    upload: async () => ({ statusCode: 200, data: '{}' }),
  };
  return { sent, api: createApi(transport, 'https://live.example') };
}

describe('getRoomToken', () => {
  it('asks for a viewer token with no body', async () => {
    const { sent, api } = recorder();
    await api.getRoomToken('room_1', 'audience');
    expect(sent).toEqual([
      { url: 'https://live.example/api/rooms/room_1/token', method: 'POST', data: undefined },
    ]);
  });

  it.each(['anchor', 'cohost', 'call'] as const)('names the role %s in the body', async (role) => {
    const { sent, api } = recorder();
    await api.getRoomToken('room_1', role);
    expect(sent[0].data).toEqual({ role });
  });
});

describe('a request that cannot reach the service', () => {
  it('reads in Chinese only; WeChat’s English errMsg stays on the error for logs', async () => {
    const transport: HttpTransport = {
      request: async () => Promise.reject({ errMsg: 'request:fail timeout' }),
      upload: async () => ({ statusCode: 200, data: '{}' }),
    };
    const failure = await createApi(transport, 'https://live.example')
      .getRoom('room_1')
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'NETWORK',
      status: 0,
      message: '连接不上直播服务，请检查网络后重试',
      detail: 'request:fail timeout',
    });
  });
});
