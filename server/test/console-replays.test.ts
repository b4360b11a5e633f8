// The console's replays and OBS panel in real headless Chromium against the real service on loopback (ZEGO's server
// and cloud-recording APIs a loopback fake): a room's recordings with status, length and size; hide, show and
// delete taking the replay out of the apps; a room's OBS server and key with a new key replacing the old.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { expectText, findBrowser, HOW_TO_GET_A_BROWSER } from './helpers/browser';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

const browserFound = findBrowser();
const inCI = process.env.CI === 'true';

if (!browserFound && !inCI) {
  console.warn(
    `console-replays.test.ts skipped: no browser found; to run it, ${HOW_TO_GET_A_BROWSER} (CI fails instead)`,
  );
}

interface RoomBody {
  id: string;
  streamID: string;
}

(browserFound || inCI ? describe : describe.skip)('console: replays and OBS in headless Chromium', () => {
  let server: TestServer;
  let fake: FakeZegoServerApi;
  let cleanup: () => void;
  let browser: Browser;
  let page: Page;
  let files: string;
  let seq = 0;

  const signed = (fields: Record<string, unknown>): Record<string, unknown> => {
    seq += 1;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = `console${seq}`;
    return {
      ...fields,
      timestamp,
      nonce,
      signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, nonce),
    };
  };
  const create = async (title: string): Promise<RoomBody> =>
    (
      await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: CONSOLE_TOKEN,
        body: { title },
      })
    ).body.room;
  const row = (roomId: string) => page.locator(`tr[data-room-id="${roomId}"]`);

  beforeAll(async () => {
    if (!browserFound)
      throw new Error(`No browser for the console tests: ${HOW_TO_GET_A_BROWSER} (.ci/run does)`);
    files = mkdtempSync(path.join(os.tmpdir(), 'console-replays-'));
    const publicDir = path.join(files, 'public');
    execFileSync(process.execPath, [path.join(__dirname, '..', 'console', 'build.mjs')], {
      stdio: 'inherit',
      env: { ...process.env, CONSOLE_OUT: publicDir },
    });
    fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(
      testConfig(db.file, {
        ZEGO_SERVER_API: 'on',
        RECORDING_STORAGE_VENDOR: '3',
        RECORDING_STORAGE_REGION: 'ap-shanghai',
        RECORDING_STORAGE_BUCKET: 'replays-1250000000',
        RECORDING_STORAGE_ACCESS_KEY_ID: 'AKIDconsole',
        RECORDING_STORAGE_ACCESS_KEY_SECRET: 'console-bucket-secret',
      }),
      { publicDir, zegoServerApiUrl: fake.url, cloudRecordUrl: fake.url },
    );
    browser = await chromium.launch({
      executablePath: browserFound.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
    cleanup?.();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  test('a finished room: its recording listed with length and size; hide, show and delete reach the apps', async () => {
    const room = await create('周末音乐直播');
    await server.request('POST', '/api/zego/callback/stream-create', {
      body: signed({ room_id: room.id, stream_id: room.streamID }),
    });
    await server.app.recordingJobs.idle();
    await server.request('POST', `/api/rooms/${room.id}/end`, { token: CONSOLE_TOKEN });
    await server.app.recordingJobs.idle();
    const taskId = (fake.of('StopRecord')[0].body as { TaskId: string }).TaskId;
    await server.request('POST', '/api/zego/callback/recording', {
      body: signed({
        task_id: taskId,
        event_type: 1,
        detail: {
          upload_status: 1,
          file_info: [
            {
              file_id: 'f1',
              file_url: 'https://replays.example.com/f1.mp4',
              duration: 3_725_000,
              file_size: 48_000_000,
              status: 3,
            },
          ],
        },
      }),
    });

    await page.goto(server.url);
    await page.getByLabel(/控制台口令/).fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: /登录/ }).click();
    await row(room.id).waitFor();
    await row(room.id)
      .getByRole('button', { name: /回放与 OBS/ })
      .click();
    await expectText(page, '#recordings-table', /可回放 Ready[\s\S]*1:02:05[\s\S]*45\.8 MB/);
    // An ended room gives no OBS address.
    expect(await page.locator('#obs-show').count()).toBe(0);
    await page.screenshot({ path: path.join(os.tmpdir(), 'console-replays.png'), fullPage: true });

    await page.getByRole('button', { name: '隐藏 Hide' }).click();
    await expectText(page, '#recordings-table', /已隐藏 Hidden/);
    expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(404);
    await page.getByRole('button', { name: '显示 Show' }).click();
    await expectText(page, '#recordings-table', /隐藏 Hide/);
    expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(200);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '删除 Delete' }).click();
    await expectText(page, '#recordings', /还没有录制/);
    expect((await server.request('GET', `/api/rooms/${room.id}/replay`)).status).toBe(404);
    // The bucket's keys are nowhere on the page.
    expect(await page.content()).not.toContain('console-bucket-secret');
  });

  test('an open room: its OBS server and key, copied from the page; a new key replaces the old', async () => {
    const room = await create('OBS 直播');
    await page.goto(server.url);
    await row(room.id).waitFor();
    await row(room.id)
      .getByRole('button', { name: /回放与 OBS/ })
      .click();
    await expectText(page, '#recordings', /还没有录制/);
    await page.locator('#obs-show').click();
    await expectText(page, '#obs-server', new RegExp(`^rtmp://203\\.0\\.113\\.7:1935/${ZEGO_APP_ID}/$`));
    const key = await page.locator('#obs-key').innerText();
    expect(key).toMatch(new RegExp(`^${room.id}_obs_`));
    await page.screenshot({ path: path.join(os.tmpdir(), 'console-obs.png'), fullPage: true });
    await page.locator('#obs-renew').click();
    await expectText(page, '#obs-key', new RegExp(`^${room.id}_obs_(?!${key.split('_obs_')[1]})`));
    const renewed = await page.locator('#obs-key').innerText();
    const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
    expect(read.body.room.streamID).toBe(renewed);
  });
});
