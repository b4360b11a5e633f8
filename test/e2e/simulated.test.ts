/**
 * The e2e journeys (journeys.spec.ts) in CI, without WeChat DevTools: miniprogram-simulate renders the real pages,
 * the real live service runs on loopback (AUTH_MODE=dev), and a fake ZEGO cloud stands in for the SDK.
 * The same journeys run against DevTools in devtools.test.ts.
 */
import { journeys } from './journeys.spec';
import { LiveService } from './live-service';
import { SimulatedDriver } from './simulated-driver';

jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

let service: LiveService;
let driver: SimulatedDriver;

beforeAll(async () => {
  service = await LiveService.start();
  driver = new SimulatedDriver(service);
}, 60_000);

afterAll(async () => {
  driver?.close();
  await service?.stop();
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
});
