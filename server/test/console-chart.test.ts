// The console's viewer figures in real headless Chromium: now and peak apart, and the viewer chart drawn by uPlot
// from the service's per-minute series (a fake clock on the service makes the minutes).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';
import { findBrowser, HOW_TO_GET_A_BROWSER, launchBrowser } from './helpers/browser';

const browserFound = findBrowser();
const inCI = process.env.CI === 'true';
if (!browserFound && !inCI) {
  console.warn(
    `console-chart.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const MINUTE = 60_000;

(browserFound || inCI ? describe : describe.skip)('console viewer chart in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cleanup: () => void = () => undefined;
  let roomId = '';
  let now = T0;

  beforeAll(async () => {
    if (!browserFound)
      throw new Error(`No browser for the console tests: ${HOW_TO_GET_A_BROWSER} (.ci/run does)`);
    execFileSync(process.execPath, [path.join(__dirname, '..', 'console', 'build.mjs')], {
      stdio: 'inherit',
    });
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file), { now: () => now });

    // An anchor live for three minutes, reporting 3 then 8 viewers in minute 0, 5 in minute 1, 4 in minute 3.
    const anchor = await devLogin(server, '主播小王');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: '周五晚间直播' },
    });
    roomId = created.body.room.id;
    await server.request('POST', `/api/rooms/${roomId}/live`, { token: anchor.token });
    for (const [at, viewers] of [
      [10_000, 3],
      [40_000, 8],
      [MINUTE + 5_000, 5],
      [3 * MINUTE, 4],
    ]) {
      now = T0 + at;
      await server.request('POST', `/api/rooms/${roomId}/stats`, {
        token: anchor.token,
        body: { viewers, likes: 0, messages: 0 },
      });
    }

    browser = await launchBrowser(browserFound);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    cleanup();
  });

  test('the room list shows viewers now and peak apart', async () => {
    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    const row = page.locator(`tr[data-room-id="${roomId}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.innerText()).toMatch(/周五晚间直播[\s\S]*4 \/ 8/);
  }, 30_000);

  test('clicking the room draws its viewer series with uPlot, now and peak beside it', async () => {
    await page.locator(`tr[data-room-id="${roomId}"] .room-title`).click();
    const plot = page.locator('#viewer-chart-plot');
    await plot.locator('canvas').waitFor({ state: 'attached' });
    // uPlot's own markup (bundled, not from a CDN), one point per minute of the series.
    expect(await plot.locator('.uplot').count()).toBe(1);
    expect(await plot.getAttribute('data-points')).toBe('3');
    expect(await page.locator('#viewer-chart-now').innerText()).toBe('当前 Now 4');
    expect(await page.locator('#viewer-chart-peak').innerText()).toBe('峰值 Peak 8');
    expect(await page.locator('#viewer-chart-duration').innerText()).toBe('直播时长 Live 3分00秒');
    expect(await page.locator('#viewer-chart-title').innerText()).toContain('周五晚间直播');
    // The line is really drawn: the canvas has painted pixels in the chart's stroke colour (#0b66d6).
    const painted = await plot.locator('canvas').evaluate((element) => {
      // The page's own types (this file is compiled without the DOM library).
      const canvas = element as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(...box: number[]): { data: Uint8ClampedArray } } | null;
      };
      const context = canvas.getContext('2d');
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 0 && Math.abs(data[i] - 0x0b) < 40 && Math.abs(data[i + 2] - 0xd6) < 40) n += 1;
      return n;
    });
    expect(painted).toBeGreaterThan(50);
    // No request left the machine for the chart library.
    const external = await page.evaluate(
      (origin) =>
        performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((name) => !name.startsWith(origin)),
      server.url,
    );
    expect(external).toEqual([]);
    await page.locator('#viewer-chart-close').click();
    expect(await page.locator('#viewer-chart').isHidden()).toBe(true);
  }, 30_000);
});
