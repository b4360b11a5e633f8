// The console's 账号 Accounts card in real headless Chromium: an admin lists the accounts (role, disabled, locked),
// adds a moderator, sees the service's refusals in Chinese, changes a role and disables an account (whose session is
// refused from then on); a moderator signed in never sees the card.
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
    `console-accounts.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}
const PASSWORD = 'correct horse battery';

(browserFound || inCI ? describe : describe.skip)('the console’s accounts card (admin only)', () => {
  let server: TestServer;
  let cleanup: () => void;
  let browser: Browser;

  beforeAll(async () => {
    const found = prepareConsoleSuite(browserFound);
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file));
    browser = await launchBrowser(found);
    const root = await server.request('POST', '/api/operators', {
      token: CONSOLE_TOKEN,
      body: { name: 'root', role: 'admin', password: PASSWORD },
    });
    expect(root.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    cleanup?.();
  });

  /** A fresh tab signed in as `name`. */
  async function signedIn(name: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    await page.getByLabel(/账号/).first().fill(name);
    await page.getByLabel(/密码/).fill(PASSWORD);
    await page.getByRole('button', { name: /登录/ }).click();
    await page.locator('#console-view').waitFor({ state: 'visible' });
    return page;
  }

  const signInByApi = (name: string, password = PASSWORD) =>
    server.request<{ sessionToken: string }>('POST', '/api/operators/sign-in', { body: { name, password } });

  test('an admin adds a moderator, sees refusals in Chinese, and disabling it ends its session', async () => {
    const admin = await signedIn('root');
    const card = admin.locator('#accounts-card');
    await card.waitFor({ state: 'visible' });
    await expectText(admin, '#account-rows', /root[\s\S]*正常 Active/);

    await admin.locator('#account-name-input').fill('mia');
    await admin.locator('#account-role-input').selectOption('moderator');
    await admin.locator('#account-password-input').fill('short');
    await admin.getByRole('button', { name: /添加账号/ }).click();
    await expectText(admin, '#account-error', /密码至少 10 位/);
    await admin.locator('#account-password-input').fill(PASSWORD);
    await admin.getByRole('button', { name: /添加账号/ }).click();
    const mia = admin.locator('[data-account-name="mia"]');
    await mia.waitFor();
    expect(await mia.innerText()).toMatch(/mia[\s\S]*审核 Moderator[\s\S]*正常 Active/);
    expect(await admin.locator('#account-name-input').inputValue()).toBe('');

    await admin.locator('#account-name-input').fill('mia');
    await admin.locator('#account-password-input').fill(PASSWORD);
    await admin.getByRole('button', { name: /添加账号/ }).click();
    await expectText(admin, '#account-error', /账号名已被使用/);

    // The moderator signs in (its own tab): no accounts card for it, and the service agrees.
    const moderator = await signedIn('mia');
    await expectText(moderator, '#who', /mia · 审核 Moderator/);
    expect(await moderator.locator('#accounts-card').isHidden()).toBe(true);
    const token = (await moderator.evaluate(() => sessionStorage.getItem('liveConsole.token'))) ?? '';
    expect((await server.request('GET', '/api/operators', { token })).status).toBe(403);
    expect((await server.request('GET', '/api/operators/me', { token })).status).toBe(200);

    await mia.getByRole('button', { name: /停用/ }).click();
    await expectText(admin, '[data-account-name="mia"] .account-state', /已停用 Disabled/);
    expect((await server.request('GET', '/api/operators/me', { token })).status).toBe(401);
    expect((await signInByApi('mia')).status).toBe(403);
    // Her open console notices at its next refresh (every 5 s) and asks her to sign in again.
    await expectText(moderator, '#sign-in-error', /重新登录/, 15_000);

    await mia.getByRole('button', { name: /启用/ }).click();
    await expectText(admin, '[data-account-name="mia"] .account-state', /正常 Active/);
    expect((await signInByApi('mia')).status).toBe(200);
    await moderator.close();
    await admin.close();
  }, 60_000);

  test('an admin changes a role, sees a locked account, and cannot change its own', async () => {
    const rootToken = (await signInByApi('root')).body.sessionToken;
    expect(
      (
        await server.request('POST', '/api/operators', {
          token: rootToken,
          body: { name: 'olga', role: 'operator', password: PASSWORD },
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await signInByApi('olga', 'wrong password!')).status).toBe(401);
    const admin = await signedIn('root');
    const olga = admin.locator('[data-account-name="olga"]');
    await olga.waitFor();
    expect(await olga.locator('.account-lock').innerText()).toMatch(/锁定至 Locked until/);
    expect(await admin.locator('[data-account-name="root"] .account-lock').innerText()).toBe('—');

    await olga.getByLabel(/角色/).selectOption('moderator');
    let role = '';
    for (let i = 0; i < 50 && role !== 'moderator'; i += 1) {
      const list = await server.request<{ operators: { name: string; role: string }[] }>(
        'GET',
        '/api/operators',
        {
          token: rootToken,
        },
      );
      role = list.body.operators.find((o) => o.name === 'olga')?.role ?? '';
      if (role !== 'moderator') await admin.waitForTimeout(100);
    }
    expect(role).toBe('moderator');

    await admin.locator('[data-account-name="root"]').getByRole('button', { name: /停用/ }).click();
    await expectText(admin, '#account-error', /不能修改自己的账号/);
    await expectText(admin, '[data-account-name="root"] .account-state', /正常 Active/);
    await admin.close();
  }, 60_000);
});
