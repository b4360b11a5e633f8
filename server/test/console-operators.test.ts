// The console in real headless Chromium: signed in by operator account (name and role on screen, sign-out ends the
// session on the service), and the monitoring wall (a room going live appears by itself; a warning and a force-end
// with a reason go through the service).
import type { Browser, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';
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
  let zego: FakeZegoServerApi;

  beforeAll(async () => {
    const found = prepareConsoleSuite(browserFound);
    const db = tempDbFile();
    cleanup = db.cleanup;
    zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    server = await startServer(testConfig(db.file, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: zego.url }));
    browser = await launchBrowser(found);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await zego?.close();
    cleanup?.();
  });

  test('CONSOLE_TOKEN without a name is the bootstrap; an account signs in by name and shows who it is', async () => {
    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    await expectText(page, '#who', /CONSOLE_TOKEN · 请创建管理员账号/);
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

  test('the wall: a room going live appears without a reload; a warning and a force-end with a reason', async () => {
    const anchor = await devLogin(server, '主播阿明');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: '周五夜聊' },
    });
    const id = created.body.room.id;
    await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
    await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
    const card = page.locator(`[data-wall-room-id="${id}"]`);
    await card.waitFor({ state: 'visible' });
    expect(await card.innerText()).toMatch(
      /周五夜聊[\s\S]*直播中[\s\S]*主播阿明[\s\S]*在线\/峰值[\s\S]*心跳/,
    );
    await saveWallShot(page);

    await card.getByLabel(/提醒或结束原因/).fill('请注意直播内容');
    await card.getByRole('button', { name: /发送提醒/ }).click();
    await expectText(page, `[data-wall-room-id="${id}"] .wall-result`, /已提醒主播/);
    const warned = zego
      .of('SendCustomCommand')
      .map((c) => JSON.parse(c.query.get('MessageContent') ?? 'null'));
    expect(warned).toContainEqual({ t: 'warning', text: '请注意直播内容' });

    page.once('dialog', (dialog) => void dialog.accept());
    await card.getByLabel(/提醒或结束原因/).fill('直播内容违规');
    await card.getByRole('button', { name: /强制结束/ }).click();
    await card.waitFor({ state: 'detached' });
    const stats = await server.request<{ stats: { status: string; endReason?: string } }>(
      'GET',
      `/api/rooms/${id}/stats`,
    );
    expect(stats.body.stats).toMatchObject({ status: 'ended', endReason: '直播内容违规' });
  });

  test('问题反馈: a user’s report listed by room, opened with its device and log lines', async () => {
    const viewer = await devLogin(server, '遇到问题的观众');
    const sent = await server.request('POST', '/api/reports', {
      token: viewer.token,
      body: {
        roomId: 'room_x',
        description: '画面一直黑屏',
        device: { wechat: '8.0.50', system: 'ios' },
        logs: [
          '12:00:00.000 phase joining -> watching',
          '12:00:01.000 sdk playerStateUpdate errorCode=1004025',
        ],
      },
    });
    expect(sent.status).toBe(200);
    await page.getByLabel('按房间筛选 Room').fill('room_x');
    await page.locator('#reports-search').click();
    const row = page.locator('#reports-list tr').first();
    await row.waitFor();
    expect(await row.innerText()).toMatch(/遇到问题的观众[\s\S]*room_x[\s\S]*画面一直黑屏/);
    await row.getByRole('button', { name: /查看/ }).click();
    await expectText(page, '#report-logs', /sdk playerStateUpdate errorCode=1004025/);
    expect(await page.locator('#report-detail').innerText()).toMatch(/wechat 8\.0\.50 · system ios/);
    if (process.env.SHOTS === '1')
      writeFileSync(
        path.join(__dirname, '..', '..', 'docs', 'screens', 'console-reports.png'),
        await page.locator('#reports-card').screenshot(),
      );
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

/** With SHOTS=1, the wall as an operator sees it (docs/screens/console-wall.png). */
async function saveWallShot(page: Page): Promise<void> {
  if (process.env.SHOTS !== '1') return;
  const wall = page.locator('#wall-grid').locator('xpath=..');
  writeFileSync(
    path.join(__dirname, '..', '..', 'docs', 'screens', 'console-wall.png'),
    await wall.screenshot(),
  );
}
