/**
 * @jest-environment jsdom
 *
 * e2e (simulated): a WeChat caller and an Alipay callee in one call. The WeChat app runs in miniprogram-simulate
 * (the e2e driver), the Alipay app in the harness of Alipay's page model, both against the real live service on
 * loopback (calls, seats and tokens are the service's) and a fake ZEGO cloud per phone, whose streams the test
 * carries from one phone to the other as ZEGO's cloud would. The WeChat side is reached through `require` with
 * local types, because WeChat's and Alipay's typings cannot be in one program (this file is Alipay's).
 */
import * as http from 'node:http';
import { installFakeMy, type FakeMyRequest } from './fake-my';
import { installPageGlobals, loadPage, settle, type AlipayPage } from './page-model';

jest.mock('../../miniprogram/services/rtc-engine', () =>
  (require('../helpers/page-harness') as { mockRtcEngineModule(): unknown }).mockRtcEngineModule(),
);
const aliSlot: { engine: unknown } = { engine: null };
jest.mock('../../alipay/services/engine-loader', () => ({
  loadAlipayEngine: () => Promise.resolve(aliSlot.engine),
}));

/** What this test uses of the e2e driver and the fake cloud (their own types are WeChat's). */
interface Stream {
  streamID: string;
  user: { userID: string; userName: string };
  extraInfo: string;
}
interface Cloud {
  calls: { name: string; args: unknown[] }[];
  callsOf(name: string): unknown[][];
  emit(event: string, payload: unknown): boolean;
  publish(roomID: string, stream: Stream): void;
  unpublish(roomID: string, streamID: string): void;
  ownStream: string | null;
  roomStreams: Map<string, Stream[]>;
}
interface Driver {
  cloud: Cloud;
  install(): void;
  reset(): Promise<void>;
  close(): void;
  openPage(path: string): Promise<void>;
  input(selector: string, text: string): Promise<void>;
  tap(selector: string): Promise<void>;
  text(selector?: string): Promise<string>;
  exists(selector: string): Promise<boolean>;
  currentQuery(name: string): Promise<string>;
  waitFor(check: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
}
interface Service {
  baseUrl: string;
  stop(): Promise<void>;
  room(roomID: string): Promise<{ status: string; members?: { id: string; nickname: string }[] }>;
}

const { LiveService } = require('../e2e/live-service') as {
  LiveService: { start(port?: number, env?: Record<string, string>): Promise<Service> };
};
const { SimulatedDriver, FakeZegoCloud, WorldLog } = require('../e2e/simulated-driver') as {
  SimulatedDriver: new (service: Service) => Driver;
  FakeZegoCloud: new (log: unknown) => Cloud;
  WorldLog: new () => unknown;
};

const RTC_ROOM_ENV = {
  ALIPAY_RTC_BIZ_NAME: 'e2e-biz',
  ALIPAY_RTC_SUB_BIZ: 'e2e-sub',
  ALIPAY_RTC_SERVER_URL: 'wss://mrtc.e2e.example',
  ALIPAY_RTC_SIGNATURE: 'e2e-signature',
};

let service: Service;
let driver: Driver;

/** my.request answered by the live service over loopback (Node's http; the Alipay app's API_BASE_URL is replaced). */
function requestFromService(options: FakeMyRequest): void {
  const url = new URL(options.url.replace(/^http:\/\/127\.0\.0\.1:3000/, service.baseUrl));
  const req = http.request(
    url,
    { method: options.method ?? 'GET', headers: options.headers ?? {} },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        options.success?.({ status: res.statusCode ?? 0, data: text ? JSON.parse(text) : null, headers: {} }),
      );
    },
  );
  req.on('error', (e) => options.fail?.({ error: 19, errorMessage: e.message }));
  if (options.data) req.write(options.data);
  req.end();
}

beforeAll(async () => {
  service = await LiveService.start(0, RTC_ROOM_ENV);
  driver = new SimulatedDriver(service);
}, 60_000);

afterAll(async () => {
  driver?.close();
  await service?.stop();
});

it('a WeChat caller and an Alipay callee: one call, both streams across, the Alipay side hangs up', async () => {
  driver.install();
  await driver.reset();

  // The WeChat caller starts the call.
  await driver.openPage('home/login/index');
  await driver.input('#nickname', '微信主叫');
  await driver.tap('#start-call');
  await driver.waitFor(
    async () => (await driver.text('#status')).includes('等待对方加入…'),
    'the caller waiting',
  );
  const roomID = await driver.currentQuery('roomID');
  const wxStream = driver.cloud.ownStream;
  expect(wxStream).toMatch(new RegExp(`^${roomID}_u`));

  // The Alipay callee opens the invite: its own phone, app, session and cloud connection.
  installPageGlobals();
  const fakeMy = installFakeMy(undefined, requestFromService);
  const { FakePlatform } = require('../helpers/fake-platform') as typeof import('../helpers/fake-platform');
  const aliPlatform = new FakePlatform();
  (require('../../alipay/services/platform') as typeof import('../../alipay/services/platform')).setPlatform(
    aliPlatform,
  );
  const aliCloud = new FakeZegoCloud(new WorldLog());
  aliSlot.engine = aliCloud;
  // what ZEGO's cloud knows when the callee logs in: the caller's stream
  aliCloud.roomStreams.set(roomID, [
    { streamID: wxStream ?? '', user: { userID: 'wx', userName: '微信主叫' }, extraInfo: '' },
  ]);
  const page: AlipayPage = loadPage('pages/call/index');
  page.call('onLoad', { roomID });
  page.call('onShow');
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !check(); i++) await settle(2);
    if (!check()) throw new Error(`timed out waiting for ${what}; Alipay page: ${JSON.stringify(page.data)}`);
  };
  await until(() => page.data.screen === 'signin', 'the Alipay sign-in screen');
  page.fire('#nickname', 'onInput', { value: '支付宝被叫' });
  page.tap('#sign-in');
  await until(() => aliCloud.callsOf('startPublishingStream').length === 1, 'the Alipay callee publishing');

  // The service seated both, each with a token of its own.
  const [, aliToken] = aliCloud.callsOf('loginRoom')[0] as [string, string];
  expect(aliToken).toMatch(/^04/);
  const members = (await service.room(roomID)).members ?? [];
  expect(members.map((m) => m.nickname)).toEqual(['微信主叫', '支付宝被叫']);
  const aliStream = aliCloud.callsOf('startPublishingStream')[0][0] as string;
  expect(aliStream).toBe(`${roomID}_${members[1].id}`);

  // Alipay: rtc-room carries the own push URL and the caller's pull URL; rtc-room reports both running.
  await until(
    () =>
      String(
        (page.data.rtcRoom as { extraInfo?: { rtmpPullUrl?: string } } | null)?.extraInfo?.rtmpPullUrl ?? '',
      ).includes(wxStream ?? '?'),
    'the pull URL in rtc-room',
  );
  const rtcRoom = page.data.rtcRoom as { extraInfo: Record<string, unknown> };
  expect(rtcRoom.extraInfo).toMatchObject({
    bizName: 'e2e-biz',
    subBiz: 'e2e-sub',
    serverUrl: 'wss://mrtc.e2e.example',
    isAliPay: true,
    rtmpPushUrl: expect.stringContaining(aliStream),
  });
  page.fire('rtc-room', 'onRtmpEvent', { code: 3800 });
  page.fire('rtc-room', 'onRtmpEvent', { code: 3802 });
  expect(aliCloud.callsOf('updatePlayerState').map((c) => c[0])).toEqual([aliStream, wxStream]);
  aliCloud.emit('publisherStateUpdate', {
    streamID: aliStream,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });
  aliCloud.emit('playerStateUpdate', {
    streamID: wxStream,
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });
  await until(() => page.data.statusText === '通话中', 'the Alipay side connected');

  // WeChat: the callee's stream arrives through ZEGO's cloud and plays.
  driver.cloud.publish(roomID, {
    streamID: aliStream,
    user: { userID: members[1].id, userName: '支付宝被叫' },
    extraInfo: '',
  });
  await driver.waitFor(
    () => driver.exists(`#player-${aliStream}`),
    'the WeChat caller playing the Alipay stream',
  );
  await driver.waitFor(async () => (await driver.text('#status')) === '通话中', 'the WeChat side connected');
  expect(await driver.text('#peer')).toBe('支付宝被叫');

  // The Alipay callee hangs up: its SDK stops both streams and logs out; the service ends the call; WeChat sees it.
  page.tap('#hang-up');
  await until(() => page.data.phase === 'ended', 'the Alipay end screen');
  expect(aliCloud.callsOf('logoutRoom')).toEqual([[roomID]]);
  driver.cloud.unpublish(roomID, aliStream);
  await driver.waitFor(() => driver.exists('#ended'), 'the WeChat end screen');
  expect(await driver.text('#ended')).toContain('对方已挂断');
  await driver.waitFor(
    async () => (await service.room(roomID)).status === 'ended',
    'the service to end the call',
  );
  expect(fakeMy.contexts.every((c) => c.stopped)).toBe(true);
  page.call('onUnload');
}, 60_000);
