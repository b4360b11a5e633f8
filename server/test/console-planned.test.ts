// The console's planned rooms in real headless Chromium against the real service on loopback: a room with a
// title, a start time and a cover, refused in the past, and the list showing its planned time and cover.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { CONSOLE_TOKEN, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { expectText, findBrowser, HOW_TO_GET_A_BROWSER } from './helpers/browser';

const browserFound = findBrowser();
const inCI = process.env.CI === 'true';

if (!browserFound && !inCI) {
  console.warn(
    `console-planned.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}

/** A datetime-local value (the browser's local time) for an epoch time. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

(browserFound || inCI ? describe : describe.skip)('console: planned rooms in headless Chromium', () => {
  let server: TestServer;
  let cleanup: () => void;
  let browser: Browser;
  let page: Page;
  let files: string;

  beforeAll(async () => {
    if (!browserFound)
      throw new Error(`No browser for the console tests: ${HOW_TO_GET_A_BROWSER} (.ci/run does)`);
    files = mkdtempSync(path.join(os.tmpdir(), 'console-cover-'));
    // Built into a folder of its own: console.test.ts may be building server/public at the same time.
    const publicDir = path.join(files, 'public');
    execFileSync(process.execPath, [path.join(__dirname, '..', 'console', 'build.mjs')], {
      stdio: 'inherit',
      env: { ...process.env, CONSOLE_OUT: publicDir },
    });
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file), { publicDir });
    const image = new PNG({ width: 16, height: 9 });
    for (let i = 0; i < 16 * 9; i++) image.data.set([30, 120, 200, 255], i * 4);
    writeFileSync(path.join(files, 'cover.png'), PNG.sync.write(image));
    writeFileSync(path.join(files, 'fake.png'), 'this is not an image');
    browser = await chromium.launch({
      executablePath: browserFound.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    await page.locator('#rooms-empty').waitFor({ state: 'visible' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    cleanup?.();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  test('a start in the past is refused on the page; nothing is created', async () => {
    await page.locator('#planned-title-input').fill('昨天的直播');
    await page.locator('#planned-start-input').fill(localInput(Date.now() - 3600_000));
    await page.locator('#planned-create-button').click();
    await expectText(page, '#planned-error', /晚于现在/);
    const list = await server.request<{ rooms: unknown[] }>('GET', '/api/rooms', { token: CONSOLE_TOKEN });
    expect(list.body.rooms).toEqual([]);
  });

  test('a planned room with a cover: created, its cover uploaded, the list shows the time and the cover', async () => {
    const start = Date.now() + 26 * 3600_000;
    await page.locator('#planned-title-input').fill('周五新品发布');
    await page.locator('#planned-start-input').fill(localInput(start));
    await page.locator('#planned-cover-input').setInputFiles(path.join(files, 'cover.png'));
    await page.locator('#planned-create-button').click();
    // The anchor's invite shows as for any operator room.
    await page.locator('#qr-panel').waitFor({ state: 'visible' });

    const list = await server.request<{
      rooms: { id: string; title: string; plannedStartAt: number; coverUrl: string | null }[];
    }>('GET', '/api/rooms', { token: CONSOLE_TOKEN });
    const room = list.body.rooms[0];
    expect(room).toMatchObject({
      title: '周五新品发布',
      plannedStartAt: Math.floor(start / 60_000) * 60_000,
    });
    expect(room.coverUrl).toMatch(/\/covers\/.+\.png$/);

    const row = page.locator(`tr[data-room-id="${room.id}"]`);
    await row.waitFor();
    const cover = row.locator('img.cover-thumb');
    expect(await cover.getAttribute('src')).toBe(room.coverUrl);
    // The cover really loads (served by the service), and the planned start is in the row.
    const loadedWidth = () =>
      cover.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth);
    for (let i = 0; i < 50 && (await loadedWidth()) !== 16; i += 1) await page.waitForTimeout(100);
    expect(await loadedWidth()).toBe(16);
    expect(await row.locator('td.planned time').getAttribute('datetime')).toBe(
      new Date(room.plannedStartAt).toISOString(),
    );
  });

  test('a file that is not an image: the room is made, the page says the cover was refused', async () => {
    await page.locator('#planned-title-input').fill('没有封面');
    await page.locator('#planned-start-input').fill(localInput(Date.now() + 7200_000));
    await page.locator('#planned-cover-input').setInputFiles(path.join(files, 'fake.png'));
    await page.locator('#planned-create-button').click();
    await expectText(page, '#planned-error', /封面上传失败.*cover must be a PNG, JPEG or WebP/);
  });
});
