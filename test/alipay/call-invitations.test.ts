/**
 * @jest-environment jsdom
 *
 * e2e (simulated): calling a person, each outcome with both pages on screen. The caller is the WeChat ring screen in
 * miniprogram-simulate, the callee the Alipay calls page in the harness of Alipay's page model; both against the real
 * live service on loopback, each app with its own event channel over a real WebSocket (wx.connectSocket and
 * my.connectSocket are the environment's WebSocket). Each person's words are read on their own page, and the
 * Alipay buzz must stop on every outcome. The WeChat side is reached through `require` with local types, because
 * WeChat's and Alipay's typings cannot be in one program (this file is Alipay's); the Alipay app gets a module
 * registry of its own, as on its own phone (the API client's session token is module state).
 */
import { installFakeMy, type FakeMyRequest } from './fake-my';
import { installPageGlobals, loadPage, settle, type AlipayPage } from './page-model';

jest.mock('../../miniprogram/services/rtc-engine', () =>
  (require('../helpers/page-harness') as { mockRtcEngineModule(): unknown }).mockRtcEngineModule(),
);

// No call is joined here (the call pages are where the accepted call goes): the Alipay SDK is never loaded.
jest.mock('../../alipay/services/engine-loader', () => ({
  loadAlipayEngine: () => Promise.reject(new Error('unused')),
}));

/** What this test uses of the WeChat app, the e2e driver and the service (their own types are WeChat's). */
interface User {
  id: string;
  nickname: string;
}
interface Service {
  baseUrl: string;
  stop(): Promise<void>;
  signIn(nickname: string): Promise<{ sessionToken: string; user: User }>;
}
interface Answer {
  status: number;
  body: unknown;
}
interface RingPage {
  text(selector?: string): string;
  exists(selector: string): boolean;
  tap(selector: string): Promise<void>;
  unload(): void;
}
interface WxCallApp {
  callStore: { call(calleeId: string, media: 'video', card?: string): Promise<void> };
  eventSocket: { start(): void; stop(): void };
  userStore: { restore(): boolean; signOut(): void };
}
type Jfn = jest.Mock & { mock: { calls: [{ url: string }][] } };

const { LiveService, httpJson } = require('../e2e/live-service') as {
  LiveService: { start(port?: number, env?: Record<string, string>): Promise<Service> };
  httpJson(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
};
const { SimulatedDriver } = require('../e2e/simulated-driver') as {
  SimulatedDriver: new (service: Service) => { install(): void; platform: { storage: Map<string, unknown> } };
};
const harness = require('../helpers/page-harness') as { openPage(name: 'ring'): Promise<RingPage> };
const wxApp = require('../../miniprogram/stores/index') as WxCallApp;

let service: Service;
/** WeChat's global, as the driver's fakes left it. */
const wxGlobal = (): Record<string, unknown> => (globalThis as unknown as { wx: Record<string, unknown> }).wx;
const sockets: WebSocket[] = [];
let ali: { page: AlipayPage; buzzes: () => number; navigations: string[]; stop(): void };

/** A SocketTask (WeChat's or Alipay's: the same shape) over a real WebSocket to the service. */
function socketTask(url: string) {
  const ws = new WebSocket(url.replace(/^ws:\/\/127\.0\.0\.1:3000/, service.baseUrl.replace(/^http/, 'ws')));
  sockets.push(ws);
  return {
    send: (o: { data: string }) => ws.send(o.data),
    // A browser WebSocket may only close with 1000 or 3000-4999 (a platform task also takes others).
    close: (o?: { code?: number }) => ws.close(o?.code === 1000 || (o?.code ?? 0) >= 3000 ? o?.code : 1000),
    onOpen: (cb: () => void) => ws.addEventListener('open', () => cb()),
    onMessage: (cb: (res: { data: unknown }) => void) =>
      ws.addEventListener('message', (e) => cb({ data: e.data })),
    onClose: (cb: (res: { code: number }) => void) =>
      ws.addEventListener('close', (e) => cb({ code: e.code })),
    onError: (cb: () => void) => ws.addEventListener('error', () => cb()),
  };
}

/** my.request answered by the live service over loopback (the Alipay app's API_BASE_URL is replaced). */
function requestFromService(options: FakeMyRequest): void {
  const url = options.url.replace(/^http:\/\/127\.0\.0\.1:3000/, '');
  const data = options.data ? (JSON.parse(options.data) as unknown) : undefined;
  const headers = Object.fromEntries(
    Object.entries(options.headers ?? {}).filter(([key]) => key.toLowerCase() !== 'content-type'),
  );
  httpJson(service.baseUrl, options.method ?? 'GET', url, data, headers).then(
    (res) => options.success?.({ status: res.status, data: res.body, headers: {} }),
    (e: Error) => options.fail?.({ error: 19, errorMessage: e.message }),
  );
}

/** Polls until `check` holds (real timers: the service and the sockets are real). */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; Alipay: ${JSON.stringify(ali.page.data)}`);
    await settle(2);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The Alipay callee's phone: its own registry, session, event channel, buzz and navigation; the calls page shown. */
function openAlipayCallee(session: { sessionToken: string; user: User }): typeof ali {
  let loaded!: typeof ali;
  jest.isolateModules(() => {
    installPageGlobals();
    installFakeMy(undefined, requestFromService);
    let buzzes = 0;
    const navigations: string[] = [];
    const my = (globalThis as unknown as { my: Record<string, unknown> }).my;
    my.connectSocket = (o: { url: string }) => socketTask(o.url);
    my.vibrateLong = () => (buzzes += 1);
    my.navigateTo = (o: { url: string }) => navigations.push(o.url);
    const { FakePlatform } = require('../helpers/fake-platform') as typeof import('../helpers/fake-platform');
    const platform = new FakePlatform();
    platform.storage.set('live.session', {
      sessionToken: session.sessionToken,
      user: { ...session.user, avatarUrl: '' },
    });
    (
      require('../../alipay/services/platform') as typeof import('../../alipay/services/platform')
    ).setPlatform(platform);
    const page = loadPage('pages/calls/index');
    const aliSession = require('../../alipay/session') as typeof import('../../alipay/session');
    page.call('onShow');
    loaded = {
      page,
      buzzes: () => buzzes,
      navigations,
      stop: () => {
        page.call('onUnload');
        aliSession.eventSocket.stop();
        aliSession.callStore.reset();
      },
    };
  });
  return loaded;
}

beforeAll(async () => {
  service = await LiveService.start(0, { CALL_RING_TIMEOUT_MS: '1500' });
}, 60_000);

afterAll(async () => {
  ali?.stop();
  wxApp.eventSocket.stop();
  sockets.forEach((ws) => ws.close());
  await service?.stop();
});

it('a WeChat caller and an Alipay callee: declined, cancelled, no answer, busy, answered, each seen on both pages', async () => {
  const caller = await service.signIn('微信主叫');
  const callee = await service.signIn('支付宝被叫');
  const other = await service.signIn('另一位主叫');
  const cardOf = async (token: string) =>
    (
      (
        await httpJson(service.baseUrl, 'POST', '/api/calls/cards', undefined, {
          authorization: `Bearer ${token}`,
        })
      ).body as { card: string }
    ).card;
  const card = await cardOf(callee.sessionToken);

  // The WeChat caller: signed in (restored from storage), its event channel open.
  const driver = new SimulatedDriver(service);
  driver.install();
  wxGlobal().connectSocket = (o: { url: string }) => socketTask(o.url);
  driver.platform.storage.set('live.session', {
    sessionToken: caller.sessionToken,
    user: { ...caller.user, avatarUrl: '' },
  });
  expect(wxApp.userStore.restore()).toBe(true);
  wxApp.eventSocket.start();

  ali = openAlipayCallee(callee);
  await until(
    () => sockets.length === 2 && sockets.every((ws) => ws.readyState === WebSocket.OPEN),
    'both channels open',
  );
  await settle(6);
  const wxNav = wxGlobal() as unknown as { redirectTo: Jfn };

  /** WeChat places the call (as 「呼叫」 does: the store calls, the ring screen opens); Alipay rings. */
  const place = async (): Promise<RingPage> => {
    const buzzedBefore = ali.buzzes();
    void wxApp.callStore.call(callee.user.id, 'video', card);
    const ring = await harness.openPage('ring');
    await until(() => ring.text('#status') === '正在呼叫…', 'the WeChat caller calling');
    await until(() => ali.page.data.ringing === true, 'the Alipay callee ringing');
    expect(ali.page.data.peerName).toBe('微信主叫');
    await until(() => ali.buzzes() > buzzedBefore, 'the Alipay buzz');
    return ring;
  };
  /** Both pages read their words; the Alipay buzz has stopped (no buzz for longer than one ring period). */
  const ended = async (ring: RingPage, wxWords: string, aliWords: string): Promise<void> => {
    await until(() => ring.text('#status') === wxWords, `WeChat: ${wxWords}`);
    await until(() => ali.page.data.outcome === aliWords, `Alipay: ${aliWords}`);
    expect(ali.page.data.ringing).toBe(false);
    // The caller's 取消 has gone: only 返回 is left.
    expect([ring.exists('#cancel'), ring.exists('#close')]).toEqual([false, true]);
    const buzzed = ali.buzzes();
    await new Promise((r) => setTimeout(r, 1700));
    expect(ali.buzzes()).toBe(buzzed);
    ring.unload();
  };

  // Declined on Alipay.
  let ring = await place();
  await ali.page.tap('#decline');
  await ended(ring, '对方已拒绝', '已拒绝');

  // Cancelled on WeChat.
  ring = await place();
  await ring.tap('#cancel');
  await ended(ring, '已取消', '对方已取消');

  // Nobody answers (the service's ring timeout is 1.5 s here).
  ring = await place();
  await ended(ring, '对方无应答', '未接来电');

  // Busy: another caller rings the Alipay callee first; the WeChat caller hears 对方忙线中 at once.
  const first = await httpJson(
    service.baseUrl,
    'POST',
    '/api/calls',
    { calleeId: callee.user.id, media: 'video', card },
    { authorization: `Bearer ${other.sessionToken}` },
  );
  expect(first.status).toBe(200);
  await until(
    () => ali.page.data.peerName === '另一位主叫' && ali.page.data.ringing === true,
    'Alipay ringing for the other caller',
  );
  void wxApp.callStore.call(callee.user.id, 'video', card);
  ring = await harness.openPage('ring');
  await until(() => ring.text('#status') === '对方忙线中', 'WeChat: 对方忙线中');
  expect(ali.page.data.peerName).toBe('另一位主叫');
  const firstID = (first.body as { invitation: { id: string } }).invitation.id;
  await httpJson(service.baseUrl, 'POST', `/api/calls/${firstID}/cancel`, undefined, {
    authorization: `Bearer ${other.sessionToken}`,
  });
  await ended(ring, '对方忙线中', '对方已取消');

  // Answered on Alipay: both leave the ring, each into the call room.
  ring = await place();
  await ali.page.tap('#accept');
  await until(() => ali.navigations.length === 1, 'the Alipay call page');
  await until(() => wxNav.redirectTo.mock.calls.length === 1, 'the WeChat call page');
  const roomID = /roomID=([^&]+)/.exec(ali.navigations[0])?.[1];
  expect(ali.navigations[0]).toBe(`/pages/call/index?roomID=${roomID}`);
  expect(wxNav.redirectTo.mock.calls[0][0].url).toMatch(
    new RegExp(`^/pages/call/index\\?roomID=${roomID}&invitation=`),
  );
  expect(ali.page.data.ringing).toBe(false);
  const buzzed = ali.buzzes();
  await new Promise((r) => setTimeout(r, 1700));
  expect(ali.buzzes()).toBe(buzzed);
  ring.unload();
}, 90_000);
