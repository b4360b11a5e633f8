/** The pictures' states of the live pages: the anchor's and the audience's. */
import { ApiError } from '../../miniprogram/services/api';
import { upcomingDeps } from '../../miniprogram/pages/stores/index';
import { cohostCommand } from '@zego-live/contract';
import { encodeLikes } from '../../miniprogram/pages/stores/room-feed';
import { chatStateFromService } from '../helpers/service-chat';
import { goLive, roomFiguresFixture, roomFixture, type PageHarness } from '../helpers/page-harness';
import { ANCHOR_STREAM, CHAT, enterScene, MAIN_STREAM, PEOPLE, ROOM, stats, type Rig } from './rig';
import type { PictureState } from './states';

const VIEWER_STREAM = 'room_1_co_u_viewer';
const FIGURES = roomFiguresFixture();

/** The room's chat, likes and viewers arrive. */
async function roomIsBusy(rig: Rig): Promise<void> {
  rig.engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 37 });
  rig.engine.emit('IMRecvBroadcastMessage', { roomID: 'room_1', messages: CHAT });
  rig.engine.emit('IMRecvBarrageMessage', {
    roomID: 'room_1',
    messages: [
      {
        messageID: 'b1',
        fromUser: { userID: 'v1', userName: '小李' },
        message: encodeLikes(128),
        sendTime: 0,
      },
    ],
  });
  await rig.wait(1100);
}

/** The anchor's page, live, with a busy room. */
export async function anchorLive(rig: Rig): Promise<PageHarness> {
  rig.signIn(PEOPLE.anchor, 'room_1', MAIN_STREAM);
  const p = await rig.open('anchor', { roomID: 'room_1' });
  await goLive(p, rig.engine, MAIN_STREAM);
  rig.engine.emit('publishQualityUpdate', { streamID: MAIN_STREAM, stats: stats(1180, 24) });
  await roomIsBusy(rig);
  return p;
}

const request = (now: number) => ({
  userId: PEOPLE.viewer.id,
  nickname: PEOPLE.viewer.nickname,
  avatarUrl: null,
  streamId: VIEWER_STREAM,
  requestedAt: now,
  expiresAt: now + 30_000,
  since: now,
});

/** A viewer asks the live anchor to co-host. */
async function cohostRequested(rig: Rig, p: PageHarness): Promise<PageHarness> {
  rig.api.getCohosts.mockResolvedValue({
    limit: 3,
    cohosts: [],
    requests: [request(Date.now())],
    mine: 'none',
    mixStreamId: null,
  });
  rig.engine.emit('IMRecvCustomCommand', {
    roomID: 'room_1',
    fromUser: { userID: PEOPLE.viewer.id, userName: PEOPLE.viewer.nickname },
    command: cohostCommand('requested', PEOPLE.viewer.id),
  });
  await rig.wait(100);
  return p;
}

/** The audience page, watching the anchor with a busy room. */
export async function watching(rig: Rig): Promise<PageHarness> {
  rig.signIn(PEOPLE.viewer);
  const p = await rig.open('audience', { roomID: 'room_1' });
  rig.engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
  await rig.wait(0);
  rig.engine.emit('playerStateUpdate', {
    streamID: MAIN_STREAM,
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });
  rig.engine.emit('playQualityUpdate', { streamID: MAIN_STREAM, stats: stats(1020, 24) });
  await roomIsBusy(rig);
  return p;
}

/** The anchor's states. */
export const ANCHOR_STATES: PictureState[] = [
  {
    name: 'anchor-preview',
    page: 'anchor',
    arrange: (rig) => {
      rig.signIn(PEOPLE.anchor, 'room_1', MAIN_STREAM);
      rig.api.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'idle' } });
      return rig.open('anchor', { roomID: 'room_1' });
    },
  },
  { name: 'anchor-live', page: 'anchor', docs: 'anchor-live', arrange: anchorLive },
  {
    name: 'anchor-cohost-request',
    page: 'anchor',
    arrange: async (rig) => cohostRequested(rig, await anchorLive(rig)),
  },
  {
    name: 'anchor-cohosting',
    page: 'anchor',
    arrange: async (rig) => {
      const p = await cohostRequested(rig, await anchorLive(rig));
      const now = Date.now();
      rig.api.acceptCohost.mockResolvedValue({
        cohosts: { limit: 3, cohosts: [request(now)], requests: [], mine: 'none', mixStreamId: null },
        signalled: false,
      });
      await p.tap(`#accept-${PEOPLE.viewer.id}`);
      rig.engine.emit('roomStreamUpdate', {
        roomID: 'room_1',
        updateType: 'ADD',
        streams: [
          {
            streamID: VIEWER_STREAM,
            user: { userID: PEOPLE.viewer.id, userName: PEOPLE.viewer.nickname },
            extraInfo: '',
          },
        ],
      });
      await rig.wait(100);
      return p;
    },
  },
  {
    name: 'anchor-viewer-list',
    page: 'anchor',
    arrange: async (rig) => {
      rig.api.getViewers.mockResolvedValue({
        viewers: [
          { userId: 'v3', nickname: '小红', avatarUrl: 'https://cdn.example.com/a3.png', joinedAt: 3 },
          { userId: 'v2', nickname: '阿杰', avatarUrl: null, joinedAt: 2 },
          { userId: 'v1', nickname: '小李', avatarUrl: null, joinedAt: 1 },
        ],
        limit: 100,
      });
      const p = await anchorLive(rig);
      await p.tap('#viewers');
      await rig.wait(0);
      return p;
    },
  },
  {
    name: 'anchor-end-confirm',
    page: 'anchor',
    arrange: async (rig) => {
      const p = await anchorLive(rig);
      rig.wx.showModal.mockImplementation(() => new Promise(() => undefined));
      void p.tap('#end-live');
      await rig.wait(0);
      rig.lastModal();
      return p;
    },
  },
  {
    name: 'anchor-ended',
    page: 'anchor',
    arrange: async (rig) => {
      rig.api.getStats.mockResolvedValue({ stats: FIGURES });
      const p = await anchorLive(rig);
      await p.tap('#end-live');
      await rig.wait(0);
      return p;
    },
  },
  {
    name: 'anchor-ended-by-operator',
    page: 'anchor',
    arrange: async (rig) => {
      rig.api.getStats.mockResolvedValue({
        stats: { ...FIGURES, endReason: '直播内容违反平台规范，请整改后再开播' },
      });
      const p = await anchorLive(rig);
      await p.tap('#end-live');
      await rig.wait(0);
      return p;
    },
  },
  {
    name: 'anchor-operator-warning',
    page: 'anchor',
    arrange: async (rig) => {
      const p = await anchorLive(rig);
      rig.engine.emit('IMRecvCustomCommand', {
        roomID: 'room_1',
        fromUser: { userID: 'live-service', userName: '直播服务' },
        command: JSON.stringify({ t: 'warning', text: '请勿在直播中展示联系方式' }),
      });
      await rig.wait(0);
      return p;
    },
  },
  {
    name: 'anchor-camera-refused',
    page: 'anchor',
    arrange: (rig) => {
      rig.signIn(PEOPLE.anchor, 'room_1', MAIN_STREAM);
      rig.platform.answers['scope.camera'] = 'deny';
      return rig.open('anchor', { roomID: 'room_1' });
    },
  },
  {
    name: 'anchor-bad-qr',
    page: 'anchor',
    arrange: (rig) => {
      rig.signIn(PEOPLE.anchor);
      return rig.open('anchor', { scene: encodeURIComponent('12 34;5') });
    },
  },
];

/** The audience's states. */
export const AUDIENCE_STATES: PictureState[] = [
  { name: 'audience-watching', page: 'audience', docs: 'audience', arrange: watching },
  {
    name: 'audience-anchor-away',
    page: 'audience',
    arrange: async (rig) => {
      const p = await watching(rig);
      await rig.streamLeaves('room_1', ANCHOR_STREAM);
      return p;
    },
  },
  {
    name: 'audience-comments-off',
    page: 'audience',
    arrange: async (rig) => {
      const p = await watching(rig);
      rig.engine.emit('IMRecvBroadcastMessage', {
        roomID: 'room_1',
        messages: [chatStateFromService('s1', true)],
      });
      await rig.wait(300);
      return p;
    },
  },
  {
    name: 'audience-cohost-pending',
    page: 'audience',
    arrange: async (rig) => {
      const p = await watching(rig);
      const pending = {
        limit: 3,
        cohosts: [],
        requests: [request(Date.now())],
        mine: 'pending' as const,
        mixStreamId: null,
      };
      rig.api.requestCohost.mockResolvedValue({ cohosts: pending, signalled: false });
      rig.api.getCohosts.mockResolvedValue(pending);
      await p.tap('#request-cohost');
      await rig.wait(3000);
      return p;
    },
  },
  {
    name: 'audience-cohosting',
    page: 'audience',
    arrange: async (rig) => {
      const p = await watching(rig);
      const token = { token: 'token_viewer', expiresAt: Date.now() + 3600_000, roomID: 'room_1', appID: 1 };
      rig.api.getRoomToken.mockImplementation(async (_room, role) =>
        role === 'cohost'
          ? { ...token, userID: PEOPLE.viewer.id, streamID: VIEWER_STREAM }
          : { ...token, userID: PEOPLE.viewer.id },
      );
      rig.api.requestCohost.mockResolvedValue({
        cohosts: {
          limit: 3,
          cohosts: [],
          requests: [request(Date.now())],
          mine: 'pending',
          mixStreamId: null,
        },
        signalled: false,
      });
      await p.tap('#request-cohost');
      rig.api.getCohosts.mockResolvedValue({
        limit: 3,
        cohosts: [request(Date.now())],
        requests: [],
        mine: 'cohost',
        mixStreamId: null,
      });
      rig.engine.emit('IMRecvCustomCommand', {
        roomID: 'room_1',
        fromUser: { userID: PEOPLE.anchor.id, userName: PEOPLE.anchor.nickname },
        command: cohostCommand('accepted', PEOPLE.viewer.id),
      });
      await rig.wait(500);
      return p;
    },
  },
  {
    name: 'audience-upcoming',
    page: 'audience',
    arrange: (rig) => {
      rig.signIn(PEOPLE.viewer);
      upcomingDeps.pollMs = 600_000;
      rig.api.config.mockResolvedValue({
        appID: 1,
        server: ['wss://x'],
        configured: true,
        authMode: 'wechat',
        reminderTemplateId: 'TplLiveStart_0123456789',
      });
      rig.api.getReminder.mockResolvedValue({ roomId: 'room_1', subscribed: false, state: null });
      rig.api.getRoom.mockResolvedValue({
        room: roomFixture({
          id: 'room_1',
          title: '周五夜聊：聊聊最近看的书',
          status: 'idle',
          plannedStartAt: Date.now() + 2 * 3600_000 + 3 * 60_000 + 30_000,
          coverUrl: 'https://live.example.com/covers/room_1.png',
          anchor: PEOPLE.anchor,
        }),
      });
      return rig.open('audience', { roomID: 'room_1' });
    },
  },
  {
    name: 'audience-ended',
    page: 'audience',
    arrange: async (rig) => {
      rig.api.getStats.mockResolvedValue({ stats: FIGURES });
      const p = await watching(rig);
      rig.api.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
      await rig.streamLeaves('room_1', ANCHOR_STREAM);
      return p;
    },
  },
  {
    name: 'audience-ended-by-operator',
    page: 'audience',
    arrange: async (rig) => {
      rig.api.getStats.mockResolvedValue({ stats: { ...FIGURES, endReason: '直播内容违反平台规范' } });
      const p = await watching(rig);
      rig.api.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
      await rig.streamLeaves('room_1', ANCHOR_STREAM);
      return p;
    },
  },
  {
    name: 'audience-problem-report',
    page: 'audience',
    arrange: async (rig) => {
      const p = await watching(rig);
      await p.tap('#report-problem');
      await p.input('#problem-input', '画面一直卡在第一帧，退出重进也一样');
      return p;
    },
  },
  {
    name: 'audience-room-not-found',
    page: 'audience',
    arrange: (rig) => {
      rig.signIn(PEOPLE.viewer);
      rig.api.getRoom.mockRejectedValue(new ApiError('NOT_FOUND', 'Room room_1 does not exist', 404));
      return rig.open('audience', { roomID: 'room_1' });
    },
  },
  {
    name: 'audience-moments-card',
    page: 'audience',
    arrange: (rig) => {
      enterScene(1154);
      return rig.open('audience', { roomID: 'room_1' });
    },
  },
];
