/**
 * The user journeys, written once over E2EDriver: run by devtools.test.ts (WeChat DevTools via miniprogram-automator)
 * and by simulated.test.ts (miniprogram-simulate in CI). Each journey asserts what the user sees.
 */
import { type E2EDriver, waitForElement, waitForText } from './driver';

/** What DevTools' simulator shows instead of a camera or a stream (the store's DEVTOOLS_ERROR). */
const DEVTOOLS_CANNOT = '开发者工具的模拟器不能推流或播放直播';

/** What a journey reports back (for the test's log): the steps it could not take on this runner. */
export interface JourneyResult {
  skippedSteps: string[];
}

/** Signs in on the login page when a page sent us there (first visit), then waits to be back on `page`. */
async function signInIfAsked(
  driver: E2EDriver,
  nickname: string,
  roomID: string,
  page: string,
): Promise<void> {
  await driver.waitFor(async () => {
    const current = await driver.currentPath();
    return current === page || current === 'pages/login/index';
  }, `${page} or the login page`);
  if ((await driver.currentPath()) !== 'pages/login/index') return;
  await waitForElement(driver, '#nickname');
  await driver.input('#nickname', nickname);
  await driver.input('#room-id', roomID);
  await driver.tap('#enter');
  await driver.waitFor(async () => (await driver.currentPath()) === page, `back on ${page} after signing in`);
}

/**
 * (i) The anchor scans the operator's QR code: the anchor page opens with the room and invite, claims the room,
 * shows the camera preview; 开始直播 goes live (status 直播中, the service says live); 结束直播 ends it.
 */
export async function anchorGoesLiveAndEnds(driver: E2EDriver): Promise<JourneyResult> {
  const { room, invite } = await driver.service.createRoomWithInvite('E2E 开播测试');
  await driver.openPage(`pages/anchor/index?roomID=${room.id}&invite=${invite}`);
  await signInIfAsked(driver, '主播E2E', room.id, 'pages/anchor/index');

  if (driver.media === 'none') {
    // DevTools cannot push: the page must say so rather than pretend.
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['preview, go live and end need a phone (DevTools cannot push)'] };
  }

  await waitForElement(driver, '#go-live');
  await waitForText(driver, '准备开播', '#status');
  expect((await driver.service.room(room.id)).anchor?.nickname).toBe('主播E2E');

  await driver.tap('#go-live');
  await waitForText(driver, '直播中', '#status', 10_000);
  await waitForElement(driver, '#end-live');
  await driver.waitFor(
    async () => (await driver.service.room(room.id)).status === 'live',
    'the service to say live',
  );

  await driver.tap('#end-live'); // confirms the modal (simulated: answered yes; device: tap 结束)
  await waitForElement(driver, '#ended', 10_000);
  expect(await driver.text('#ended')).toContain('直播已结束');
  await driver.waitFor(
    async () => (await driver.service.room(room.id)).status === 'ended',
    'the service to say ended',
  );
  return { skippedSteps: [] };
}

/**
 * (ii) A viewer opens a shared room: sees the anchor's player when the room is live (or 主播暂时离开 when it is
 * not), sends a chat message that shows in the chat, and likes (the count goes up at once).
 */
export async function audienceWatchesChatsAndLikes(driver: E2EDriver): Promise<JourneyResult> {
  const { room, invite } = await driver.service.createRoomWithInvite('E2E 观看测试');
  const live = Boolean(driver.anchorGoesLiveElsewhere);
  if (driver.anchorGoesLiveElsewhere) await driver.anchorGoesLiveElsewhere(room.id, invite);

  await driver.openPage(`pages/audience/index?roomID=${room.id}`);
  await signInIfAsked(driver, '观众E2E', room.id, 'pages/audience/index');

  if (driver.media === 'none') {
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['watching, chat and likes need a phone (DevTools cannot play)'] };
  }

  const player = `#player-${room.streamID ?? `${room.id}_main`}`;
  if (live) {
    await waitForElement(driver, player, 10_000);
    await waitForText(driver, '观看中', '#status');
  } else {
    await driver.waitFor(
      async () => (await driver.exists(player)) || (await driver.exists('#offline')),
      `the player ${player} or the "not live" panel #offline`,
      10_000,
    );
  }

  const message = `你好主播 ${Date.now() % 10_000}`;
  await driver.input('#chat-input', message);
  await driver.tap('#send');
  await waitForText(driver, message, undefined, 2_000);

  const likesBefore = Number(/(\d+)/.exec(await driver.text('#like'))?.[1] ?? '0');
  await driver.tap('#like');
  await driver.waitFor(
    async () => Number(/(\d+)/.exec(await driver.text('#like'))?.[1] ?? '0') === likesBefore + 1,
    `the like count to go from ${likesBefore} to ${likesBefore + 1}`,
    2_000,
  );
  return { skippedSteps: [] };
}

/** (iii) On the login page, a bad room ID shows the error under the field and goes nowhere. */
export async function loginRejectsBadRoomID(driver: E2EDriver): Promise<JourneyResult> {
  await driver.openPage('pages/login/index');
  await waitForElement(driver, '#room-id');
  await driver.input('#nickname', '小王');
  await driver.input('#room-id', 'room 1!');
  await driver.tap('#enter');
  await waitForText(driver, '房间号只能包含字母、数字和下划线', '#room-id-error');
  expect(await driver.currentPath()).toBe('pages/login/index');
  return { skippedSteps: [] };
}

/** Every journey, by name, for the runners. */
export const journeys: [string, (driver: E2EDriver) => Promise<JourneyResult>][] = [
  ['anchor: scan, preview, go live, status 直播中, end', anchorGoesLiveAndEnds],
  ['audience: open a shared room, player or "not live", chat, like', audienceWatchesChatsAndLikes],
  ['login: a bad room ID shows the error', loginRejectsBadRoomID],
];
