// The operator console in real headless Chromium against the real service on loopback.
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';
import {
  expectText,
  findBrowser,
  HOW_TO_GET_A_BROWSER,
  launchBrowser,
  prepareConsoleSuite,
  saveConsoleShot,
  setTabHidden,
} from './helpers/browser';

const LINK_BASE_URL = 'https://live.example.com';
const browserFound = findBrowser();
const inCI = process.env.CI === 'true';

if (!browserFound && !inCI) {
  console.warn(
    `console.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}

/** Reads the QR code in a screenshot the way a phone camera would. */
function readQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

(browserFound || inCI ? describe : describe.skip)('operator console in headless Chromium', () => {
  let server: TestServer;
  let serverClosed = false;
  let cleanup: () => void;
  let browser: Browser;
  let page: Page;
  let roomId = '';
  let invite = '';
  let anchorToken = '';

  beforeAll(async () => {
    const found = prepareConsoleSuite(browserFound);
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file, { LINK_BASE_URL }));
    browser = await launchBrowser(found);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (!serverClosed) await server?.close();
    cleanup?.();
  });

  test('a wrong token is refused with a visible message', async () => {
    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill('definitely-wrong');
    await page.getByRole('button', { name: /登录/ }).click();
    await expectText(page, '#sign-in-error', /口令错误/);
    expect(await page.locator('#console-view').isVisible()).toBe(false);
  });

  test('the right token signs in and shows the empty state', async () => {
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    await page.locator('#rooms-empty').waitFor({ state: 'visible' });
    expect(await page.locator('#rooms-empty').innerText()).toMatch(/还没有房间/);
    expect(await page.locator('#connection').innerText()).toMatch(/已连接/);
  });

  test('creating a room shows the anchor QR at once, and it decodes to the room and its invite', async () => {
    await page.getByLabel(/房间标题/).fill('周五晚间直播');
    await page.getByRole('button', { name: /创建/ }).click();
    const anchorImage = page.locator('#anchor-qr img');
    await anchorImage.waitFor({ state: 'visible' });
    await imageLoaded(page, '#anchor-qr img');
    expect(await page.locator('#anchor-qr figcaption').innerText()).toMatch(
      /用微信扫码开播[\s\S]*Scan in WeChat to go live/,
    );

    const text = readQr(await anchorImage.screenshot());
    const match = /^https:\/\/live\.example\.com\/anchor\?roomID=(\w+)&invite=(\w+)$/.exec(text ?? '');
    expect(match).not.toBeNull();
    roomId = match?.[1] ?? '';
    invite = match?.[2] ?? '';

    // The audience link and its QR are shown too.
    expect(await page.locator('#audience-link').innerText()).toBe(`${LINK_BASE_URL}/watch?roomID=${roomId}`);
    const audienceImage = page.locator('#audience-qr img');
    await imageLoaded(page, '#audience-qr img');
    expect(readQr(await audienceImage.screenshot())).toBe(`${LINK_BASE_URL}/watch?roomID=${roomId}`);
  }, 30_000);

  test('the list shows the room, and picks up the anchor by itself once the QR is scanned', async () => {
    const row = page.locator(`tr[data-room-id="${roomId}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.innerText()).toMatch(/周五晚间直播[\s\S]*未开播[\s\S]*待认领/);

    // The anchor scans: the invite from the QR makes them the owner; the next poll shows their nickname.
    const anchor = await devLogin(server, '小王主播');
    const claim = await server.request('POST', `/api/rooms/${roomId}/claim`, {
      token: anchor.token,
      body: { invite },
    });
    expect(claim.status).toBe(200);
    anchorToken = anchor.token;
    await expectText(page, `tr[data-room-id="${roomId}"]`, /小王主播/, 12_000);
  }, 20_000);

  test('the moderation log lists who did what to whom, and when', async () => {
    expect((await server.request('POST', `/api/rooms/${roomId}/live`, { token: anchorToken })).status).toBe(
      200,
    );
    const troublemaker = await devLogin(server, '捣乱的观众');
    const muted = await server.request('POST', `/api/rooms/${roomId}/chat/mutes`, {
      token: anchorToken,
      body: { userId: troublemaker.userId, seconds: 600 },
    });
    expect(muted.status).toBe(200);
    await server.request('POST', `/api/rooms/${roomId}/chat/comments`, {
      token: CONSOLE_TOKEN,
      body: { off: true },
    });
    await expectText(
      page,
      '#moderation-body tr[data-action="mute"]',
      /禁言[\s\S]*主播[\s\S]*捣乱的观众/,
      12_000,
    );
    await expectText(page, '#moderation-body tr[data-action="comments_off"]', /关闭评论[\s\S]*运营/, 12_000);
    await server.request('POST', `/api/rooms/${roomId}/chat/comments`, {
      token: CONSOLE_TOKEN,
      body: { off: false },
    });
  }, 30_000);

  test('a live room shows its co-hosts and requests; 结束连麦 ends one co-host', async () => {
    expect((await server.request('POST', `/api/rooms/${roomId}/live`, { token: anchorToken })).status).toBe(
      200,
    );
    const guest = await devLogin(server, '连麦嘉宾');
    const waiting = await devLogin(server, '排队观众');
    await server.request('POST', `/api/rooms/${roomId}/cohosts/requests`, { token: guest.token });
    const accepted = await server.request(
      'POST',
      `/api/rooms/${roomId}/cohosts/requests/${guest.userId}/accept`,
      {
        token: anchorToken,
      },
    );
    expect(accepted.status).toBe(200);
    await server.request('POST', `/api/rooms/${roomId}/cohosts/requests`, { token: waiting.token });

    const row = page.locator(`tr[data-room-id="${roomId}"]`);
    await expectText(
      page,
      `tr[data-room-id="${roomId}"] td.cohosts`,
      /连麦嘉宾[\s\S]*申请中 排队观众/,
      12_000,
    );
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await row.locator(`[data-cohost-id="${guest.userId}"]`).getByRole('button', { name: /结束/ }).click();
    await page.locator(`[data-cohost-id="${guest.userId}"]`).waitFor({ state: 'detached' });
    expect(asked).toMatch(/结束「连麦嘉宾」/);
    const after = await server.request<{ cohosts: unknown[]; requests: unknown[] }>(
      'GET',
      `/api/rooms/${roomId}/cohosts`,
      { token: anchorToken },
    );
    expect(after.body.cohosts).toEqual([]);
    expect(after.body.requests).toHaveLength(1);
    // The room itself is still live.
    expect(await row.innerText()).toMatch(/直播中/);
    await saveConsoleShot(page);
  }, 20_000);

  test('ending a room asks first, then shows it ended', async () => {
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    const row = page.locator(`tr[data-room-id="${roomId}"]`);
    await row.getByRole('button', { name: /结束/ }).click();
    await expectText(page, `tr[data-room-id="${roomId}"]`, /已结束/);
    expect(asked).toMatch(/结束房间「周五晚间直播」/);
    expect(await row.getByRole('button', { name: /结束/ }).count()).toBe(0);
    const answer = await server.request<{ room: { status: string } }>('GET', `/api/rooms/${roomId}`);
    expect(answer.body.room.status).toBe('ended');
  });

  test('polling pauses while the tab is hidden and resumes at once when it is shown', async () => {
    const listCalls: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/rooms') listCalls.push(Date.now());
    });
    const setHidden = (hidden: boolean): Promise<unknown> => setTabHidden(page, hidden);
    await setHidden(true);
    await page.waitForTimeout(500); // let a poll already on the wire finish
    listCalls.length = 0;
    await page.waitForTimeout(6_000); // longer than one polling period
    expect(listCalls).toHaveLength(0);
    const resumed = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/rooms', {
      timeout: 2_000,
    });
    await setHidden(false);
    await resumed;
  }, 20_000);

  test('the service going down shows its own state', async () => {
    await server.close();
    serverClosed = true;
    await page.locator('#service-down').waitFor({ state: 'visible', timeout: 12_000 });
    expect(await page.locator('#service-down').innerText()).toMatch(/无法连接服务/);
    expect(await page.locator('#connection').innerText()).toMatch(/连接中断/);
  }, 20_000);
});

/** Waits until an <img> has really loaded (a string function: these tests compile without DOM types). */
async function imageLoaded(page: Page, selector: string): Promise<void> {
  const query = JSON.stringify(selector);
  await page.waitForFunction(
    `(() => { const img = document.querySelector(${query}); return !!img && img.complete && img.naturalWidth > 0; })()`,
  );
}
