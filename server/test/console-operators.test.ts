// The console signed in by operator account in real headless Chromium: name and role on screen, sign-out ends the
// session on the service.
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_TOKEN, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import {
  expectText,
  findBrowser,
  HOW_TO_GET_A_BROWSER,
  launchBrowser,
  prepareConsoleSuite,
} from './helpers/browser';

const browserFound = findBrowser();
const inCI = process.env.CI === 'true';
if (!browserFound && !inCI) {
  console.warn(
    `console-operators.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}
const PASSWORD = 'correct horse battery';

(browserFound || inCI ? describe : describe.skip)('the console signs in by operator account', () => {
  let server: TestServer;
  let cleanup: () => void;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const found = prepareConsoleSuite(browserFound);
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file));
    browser = await launchBrowser(found);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    cleanup?.();
  });

  test('CONSOLE_TOKEN without a name is the bootstrap; an account signs in by name and shows who it is', async () => {
    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    await expectText(page, '#who', /CONSOLE_TOKEN: create an admin account/);
    const added = await server.request('POST', '/api/operators', {
      token: CONSOLE_TOKEN,
      body: { name: 'olga', role: 'operator', password: PASSWORD },
    });
    expect(added.status).toBe(200);
    await page.getByRole('button', { name: /退出/ }).click();
    await page.getByLabel(/账号/).fill('olga');
    await page.getByLabel(/密码/).fill('wrong password!');
    await page.getByRole('button', { name: /登录/ }).click();
    await expectText(page, '#sign-in-error', /错误/);
    await page.getByLabel(/密码/).fill(PASSWORD);
    await page.getByRole('button', { name: /登录/ }).click();
    await expectText(page, '#who', /olga · 运营 Operator/);
    await page.locator('#rooms-empty').waitFor({ state: 'visible' });
  });

  test('sign-out ends the session on the service, not just in the tab', async () => {
    const token = await page.evaluate(() => sessionStorage.getItem('liveConsole.token'));
    expect(token).toMatch(/^op\./);
    expect((await server.request('GET', '/api/operators/me', { token: token ?? '' })).status).toBe(200);
    await page.getByRole('button', { name: /退出/ }).click();
    await page.locator('#sign-in-view').waitFor({ state: 'visible' });
    // The sign-out call is on its way when the form shows: wait for it (at most 5 s).
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i += 1) {
      status = (await server.request('GET', '/api/operators/me', { token: token ?? '' })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
  });
});
