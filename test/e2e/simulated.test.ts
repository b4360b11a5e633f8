/**
 * The e2e journeys (journeys.spec.ts) in CI, without WeChat DevTools: miniprogram-simulate renders the real pages,
 * the real live service runs on loopback (AUTH_MODE=dev), and a fake ZEGO cloud stands in for the SDK.
 * The same journeys run against DevTools in devtools.test.ts.
 */
import { journeys } from './journeys.spec';
import { LiveService } from './live-service';
import { SimulatedDriver } from './simulated-driver';
import { startZegoServerApiRelay, type ZegoServerApiRelay } from './zego-server-api-relay';

jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

let service: LiveService;
let driver: SimulatedDriver;
let relay: ZegoServerApiRelay;

beforeAll(async () => {
  // Chat goes through the service, which delivers it with ZEGO's server API: here the fake cloud's.
  relay = await startZegoServerApiRelay((roomID, message) => {
    if (driver?.cloud.rooms.has(roomID))
      driver.cloud.emit('IMRecvBroadcastMessage', { roomID, messages: [message] });
  });
  service = await LiveService.start(0, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: relay.url });
  driver = new SimulatedDriver(service);
}, 60_000);

afterAll(async () => {
  driver?.close();
  await service?.stop();
  await relay?.close();
});

beforeEach(async () => {
  driver.install();
  await driver.reset();
});

describe('e2e journeys (miniprogram-simulate + the live service + a fake ZEGO cloud)', () => {
  it.each(journeys)(
    '%s',
    async (_name, journey) => {
      const result = await journey(driver);
      expect(result.skippedSteps).toEqual([]);
    },
    30_000,
  );

  it('what reached the ZEGO cloud in the anchor journey: the service token, the room stream, ZEGO stop order', async () => {
    driver.cloud.calls.length = 0;
    driver.cloud.log.clear();
    await journeys[0][1](driver);
    const [roomID, token, user] = driver.cloud.callsOf('loginRoom')[0] as [
      string,
      string,
      { userName: string },
    ];
    expect(token).toMatch(/^04/); // a Token04 minted by the service, not made up on the phone
    expect(user.userName).toBe('主播E2E');
    const room = await service.room(roomID);
    expect(driver.cloud.callsOf('startPublishingStream')).toEqual([[room.streamID]]);
    // SDK first, then the native pusher; then log out.
    const log = driver.cloud.log;
    const stopSdk = log.indexOf('stopPublishingStream');
    expect(stopSdk).toBeGreaterThan(-1);
    expect(log.indexOf('stop', stopSdk)).toBeGreaterThan(stopSdk);
    expect(driver.cloud.names()).toContain('logoutRoom');
  }, 30_000);
});
