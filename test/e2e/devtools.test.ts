/**
 * @jest-environment node
 *
 * The e2e journeys (journeys.spec.ts) on WeChat DevTools through miniprogram-automator. Needs DevTools with its
 * service port on, and WECHAT_DEVTOOLS_CLI (launch) or WECHAT_DEVTOOLS_WS (connect); see test/e2e/README.md.
 * Without them the suite is skipped and says why: it never passes without having run.
 */
import { DevToolsDriver, devToolsTarget } from './devtools-driver';
import { journeys } from './journeys.spec';
import { LiveService } from './live-service';

const target = devToolsTarget();
if (!target) {
  // Straight to stderr: jest does not print console output of a suite whose tests are all skipped.
  process.stderr.write(
    '\ne2e/devtools: WeChat DevTools is absent (neither WECHAT_DEVTOOLS_CLI nor WECHAT_DEVTOOLS_WS is set): ' +
      'the DevTools journeys are SKIPPED, not run. The same journeys ran in simulated.test.ts. See test/e2e/README.md.\n\n',
  );
}

const describeOnDevTools = target ? describe : describe.skip;

describeOnDevTools(`e2e journeys on WeChat DevTools${target ? '' : ' (SKIPPED: DevTools absent)'}`, () => {
  let service: LiveService;
  let driver: DevToolsDriver;

  beforeAll(async () => {
    // The mini-program calls API_BASE_URL (miniprogram/config.ts, http://127.0.0.1:3000).
    service = await LiveService.start(3000);
    driver = await DevToolsDriver.start(service);
  }, 120_000);

  afterAll(async () => {
    await driver?.close();
    await service?.stop();
  });

  beforeEach(() => driver.reset(), 30_000);

  it.each(journeys)(
    '%s',
    async (name, journey) => {
      const { skippedSteps } = await journey(driver);
      if (skippedSteps.length)
        console.warn(`e2e/devtools "${name}": not run here: ${skippedSteps.join('; ')}`);
    },
    120_000,
  );
});
