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
    return current === page || current === 'home/login/index';
  }, `${page} or the login page`);
  if ((await driver.currentPath()) !== 'home/login/index') return;
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
  await driver.openPage('home/login/index');
  await waitForElement(driver, '#room-id');
  await driver.input('#nickname', '小王');
  await driver.input('#room-id', 'room 1!');
  await driver.tap('#enter');
  await waitForText(driver, '房间号只能包含字母、数字和下划线', '#room-id-error');
  expect(await driver.currentPath()).toBe('home/login/index');
  return { skippedSteps: [] };
}

/** Signs in on the login page with a nickname (whatever page the app started on). */
async function signInOnLogin(driver: E2EDriver, nickname: string): Promise<void> {
  await driver.openPage('home/login/index');
  await waitForElement(driver, '#nickname');
  await driver.input('#nickname', nickname);
}

/**
 * (iv) The caller: 发起视频通话 on the login page opens the call page (等待对方加入…); the callee joins from the
 * shared card on another phone; the caller sees and plays the callee's stream (通话中); the callee hangs up; the
 * caller's end screen says 对方已挂断 with the call's duration.
 */
export async function callerCallsAndPeerHangsUp(driver: E2EDriver): Promise<JourneyResult> {
  await signInOnLogin(driver, '主叫E2E');
  await driver.tap('#start-call');
  await driver.waitFor(async () => (await driver.currentPath()) === 'pages/call/index', 'the call page');
  if (driver.media === 'none') {
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['the call itself needs a phone (DevTools cannot push or play)'] };
  }
  await waitForText(driver, '等待对方加入…', '#status', 10_000);
  const other = driver.callElsewhere;
  if (!other) return { skippedSteps: ['the callee joining needs a second phone'] };

  const calls = await driver.service.room(await roomOnScreen(driver));
  expect(calls.kind).toBe('call');
  const { streamID } = await other.join(calls.id, '被叫E2E');
  await waitForElement(driver, `#player-${streamID}`, 10_000);
  await waitForText(driver, '通话中', '#status', 10_000);
  expect(await driver.text('#peer')).toBe('被叫E2E');
  expect(other.streams(calls.id)).toHaveLength(2);
  expect((await driver.service.room(calls.id)).status).toBe('live');

  await other.hangUp(calls.id, '被叫E2E');
  await waitForElement(driver, '#ended', 10_000);
  expect(await driver.text('#ended')).toMatch(/对方已挂断，通话时长 \d\d:\d\d/);
  return { skippedSteps: [] };
}

/**
 * (v) The callee: opens the caller's shared card (pages/call/index?roomID=…), signs in, both streams meet in the
 * cloud; 挂断 ends the call for good on the service.
 */
export async function calleeJoinsFromCardAndHangsUp(driver: E2EDriver): Promise<JourneyResult> {
  const other = driver.callElsewhere;
  if (!other) return { skippedSteps: ['a caller on another phone is needed to invite this one'] };
  const { roomID, streamID } = await other.start('主叫甲');
  await driver.openPage(`pages/call/index?roomID=${roomID}`);
  await signInIfAsked(driver, '被叫乙', roomID, 'pages/call/index');
  if (driver.media === 'none') {
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['the call itself needs a phone (DevTools cannot push or play)'] };
  }
  await waitForElement(driver, `#player-${streamID}`, 10_000);
  await waitForText(driver, '通话中', '#status', 10_000);
  await driver.waitFor(async () => other.streams(roomID).length === 2, 'both streams in the cloud');
  const members = (await driver.service.room(roomID)).members ?? [];
  expect(members.map((m) => m.nickname)).toEqual(['主叫甲', '被叫乙']);

  await driver.tap('#hang-up');
  await waitForElement(driver, '#ended', 10_000);
  expect(await driver.text('#ended')).toContain('通话已结束');
  await driver.waitFor(
    async () => (await driver.service.room(roomID)).status === 'ended',
    'the service to end it',
  );
  await driver.waitFor(async () => other.streams(roomID).length === 1, 'only the caller’s stream left');
  return { skippedSteps: [] };
}

/** (vi) A third person opening the card of a call that has two members sees 通话已满, and nothing else happens. */
export async function thirdPersonIsRefused(driver: E2EDriver): Promise<JourneyResult> {
  const other = driver.callElsewhere;
  if (!other) return { skippedSteps: ['a call with two members on other phones is needed'] };
  const { roomID } = await other.start('主叫丙');
  await other.join(roomID, '被叫丁');
  await driver.openPage(`pages/call/index?roomID=${roomID}`);
  await signInIfAsked(driver, '路人戊', roomID, 'pages/call/index');
  await waitForText(driver, '通话已满', '#blocked', 10_000);
  expect(await driver.exists('#pusher')).toBe(false);
  const members = (await driver.service.room(roomID)).members ?? [];
  expect(members.map((m) => m.nickname)).toEqual(['主叫丙', '被叫丁']);
  return { skippedSteps: [] };
}

/**
 * (vii) A viewer co-hosts: the anchor is live on another phone; 申请连麦 here, the anchor accepts on the service, this
 * phone publishes its own stream beside the anchor's (连麦中); 结束连麦 ends it on the service and in the cloud, and the
 * viewer is back to watching the one stream, still in the room.
 */
export async function viewerCohostsAndEnds(driver: E2EDriver): Promise<JourneyResult> {
  const other = driver.liveElsewhere;
  if (!other) return { skippedSteps: ['an anchor on another phone is needed to accept'] };
  const { room, invite } = await driver.service.createRoomWithInvite('E2E 连麦测试');
  const { streamID: anchorStream } = await other.anchorLive(room.id, invite);
  await driver.openPage(`pages/audience/index?roomID=${room.id}`);
  await signInIfAsked(driver, '连麦观众', room.id, 'pages/audience/index');
  if (driver.media === 'none') {
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['co-hosting needs a phone (DevTools cannot push or play)'] };
  }
  await waitForElement(driver, `#player-${anchorStream}`, 10_000);
  await driver.tap('#request-cohost');
  await waitForElement(driver, '#cancel-cohost', 10_000);

  const { userID } = await other.anchorAcceptsRequest(room.id);
  await waitForElement(driver, '#end-cohost', 10_000);
  await waitForText(driver, '连麦中', '#status', 10_000);
  expect(await driver.exists('#own-tile')).toBe(true);
  await driver.waitFor(async () => other.streams(room.id).length === 2, 'the co-host stream in the cloud');
  const list = await driver.service.cohosts(room.id);
  expect(list.cohosts.map((c) => [c.userId, c.nickname])).toEqual([[userID, '连麦观众']]);

  await driver.tap('#end-cohost');
  await waitForElement(driver, '#request-cohost', 10_000);
  await driver.waitFor(
    async () => (await driver.service.cohosts(room.id)).cohosts.length === 0,
    'the service to end the co-hosting',
  );
  await driver.waitFor(async () => other.streams(room.id).length === 1, 'only the anchor’s stream left');
  expect(await driver.exists(`#player-${anchorStream}`)).toBe(true);
  expect(await driver.currentPath()).toBe('pages/audience/index');
  return { skippedSteps: [] };
}

/**
 * (viii) A third viewer: the anchor is live and another viewer co-hosts (both on other phones); this phone plays the
 * anchor large and the co-host small; the co-host ends and everyone is back to the one stream.
 */
export async function thirdViewerSeesTheCohost(driver: E2EDriver): Promise<JourneyResult> {
  const other = driver.liveElsewhere;
  if (!other) return { skippedSteps: ['an anchor and a co-host on other phones are needed'] };
  const { room, invite } = await driver.service.createRoomWithInvite('E2E 连麦观看');
  const { streamID: anchorStream } = await other.anchorLive(room.id, invite);
  await driver.openPage(`pages/audience/index?roomID=${room.id}`);
  await signInIfAsked(driver, '围观观众', room.id, 'pages/audience/index');
  if (driver.media === 'none') {
    await waitForText(driver, DEVTOOLS_CANNOT);
    return { skippedSteps: ['playing needs a phone (DevTools cannot play)'] };
  }
  await waitForElement(driver, `#player-${anchorStream}`, 10_000);
  const { userID, streamID } = await other.cohostJoins(room.id, '远方连麦');
  await waitForElement(driver, `#player-${streamID}`, 10_000);
  expect(await driver.text(`#cohost-${userID}`)).toContain('远方连麦');
  expect(await driver.exists(`#player-${anchorStream}`)).toBe(true);

  await other.cohostEnds(room.id, '远方连麦');
  await driver.waitFor(async () => !(await driver.exists(`#cohost-${userID}`)), 'the co-host tile to go');
  expect(await driver.exists(`#player-${anchorStream}`)).toBe(true);
  expect((await driver.service.cohosts(room.id)).cohosts).toEqual([]);
  return { skippedSteps: [] };
}

/** The room ID of the call page on screen (from its share card path). */
async function roomOnScreen(driver: E2EDriver): Promise<string> {
  const path = await driver.currentQuery('roomID');
  if (!path) throw new Error('the call page has no roomID');
  return path;
}

/** Every journey, by name, for the runners. */
export const journeys: [string, (driver: E2EDriver) => Promise<JourneyResult>][] = [
  ['anchor: scan, preview, go live, status 直播中, end', anchorGoesLiveAndEnds],
  ['audience: open a shared room, player or "not live", chat, like', audienceWatchesChatsAndLikes],
  ['login: a bad room ID shows the error', loginRejectsBadRoomID],
  [
    'call: 发起视频通话, the callee joins, sees each other, the callee hangs up: 对方已挂断',
    callerCallsAndPeerHangsUp,
  ],
  [
    'call: the callee opens the shared card, joins, hangs up; the service ends the call',
    calleeJoinsFromCardAndHangsUp,
  ],
  ['call: a third person opening the card sees 通话已满', thirdPersonIsRefused],
  ['co-host: 申请连麦, the anchor accepts, 连麦中 with its own stream, 结束连麦', viewerCohostsAndEnds],
  [
    'co-host: a third viewer sees the anchor and the co-host, then the one stream again',
    thirdViewerSeesTheCohost,
  ],
];
