/**
 * The announcement and the admins on the pages: the pinned 「公告」 above the chat for a viewer who comes in late, the
 * anchor's 公告 button (a modal with an input) going through the service, the 「房管」 badge in chat and in the viewer
 * list, the anchor's sheet appointing an admin, and an admin's sheet (mute, remove, comments) that a plain viewer
 * never gets.
 */
import { announcementSignal } from '@zego-live/contract';
import { api } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { chatFromService, SERVICE_SENDER } from '../helpers/service-chat';
import {
  engineSlot,
  goLive,
  installWxFakes,
  openPage,
  roomFixture,
  settle,
  type PageHarness,
} from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live', anchor: ANCHOR });
const STREAM = 'room_1_main';

const engine = new FakeEngine(new CallLog());
engineSlot.engine = engine;
let page: PageHarness | null = null;
let actionSheet: jest.Mock;
let sheetChoice = 0;

function signIn(user: typeof ANCHOR, streamID?: string): void {
  const platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: `session_${user.id}`, user });
  setPlatform(platform);
  mockedApi.getRoomToken.mockResolvedValue({
    token: `token_${user.id}`,
    expiresAt: Date.now() + 3600_000,
    roomID: 'room_1',
    appID: 1,
    userID: user.id,
    ...(streamID ? { streamID } : {}),
  });
}

const feed = () => new Promise((resolve) => setTimeout(resolve, 300)).then(() => settle());
const adminTags = (p: PageHarness): number =>
  p.nodes('text').filter((node) => String(node.class ?? '').includes('chat-admin-tag')).length;

beforeEach(() => {
  engine.calls.length = 0;
  installWxFakes();
  sheetChoice = 0;
  actionSheet = jest.fn((options: { success?: (res: { tapIndex: number }) => void }) =>
    options.success?.({ tapIndex: sheetChoice }),
  );
  (wx as unknown as Record<string, unknown>).showActionSheet = actionSheet;
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.markLive.mockResolvedValue({ room: ROOM });
  mockedApi.reportStats.mockResolvedValue({ room: ROOM });
  mockedApi.getCohosts.mockResolvedValue({
    limit: 3,
    cohosts: [],
    requests: [],
    mine: 'none',
    mixStreamId: null,
  });
  mockedApi.getCatchUp.mockResolvedValue({ lines: [], announcement: null, admins: [] });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

async function anchorLive(): Promise<PageHarness> {
  signIn(ANCHOR, STREAM);
  page = await openPage('anchor', { roomID: 'room_1' });
  await goLive(page, engine, STREAM);
  await settle();
  return page;
}

async function watching(): Promise<PageHarness> {
  signIn(VIEWER);
  page = await openPage('audience', { roomID: 'room_1' });
  await settle();
  return page;
}

describe('a viewer who comes in late', () => {
  it('sees the pinned announcement and the earlier lines, an admin’s marked 房管', async () => {
    mockedApi.getCatchUp.mockResolvedValue({
      lines: [{ id: 3, userId: 'v2', nickname: '阿杰', text: '占个前排', sentAt: 1 }],
      announcement: { text: '今晚抽奖', at: 1 },
      admins: ['v2'],
    });
    const p = await watching();
    expect(p.text('#announcement')).toBe('公告今晚抽奖');
    expect(p.text('#chat-line-3')).toBe('房管阿杰：占个前排');
    expect(adminTags(p)).toBe(1);
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [
        { messageID: 'n1', fromUser: SERVICE_SENDER, message: announcementSignal(null, 2), sendTime: 0 },
      ],
    });
    await settle();
    expect(p.exists('#announcement')).toBe(false);
  });

  it('a plain viewer’s long-press opens nothing; an admin’s opens mute, remove and comments', async () => {
    const p = await watching();
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m1', 'v1', '小张', '捣乱')],
    });
    await feed();
    await p.fire('#chat-m1', 'longpress', {});
    expect(actionSheet).not.toHaveBeenCalled();

    mockedApi.getCatchUp.mockResolvedValue({ lines: [], announcement: null, admins: [VIEWER.id] });
    page?.unload();
    const admin = await watching();
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m2', 'v1', '小张', '捣乱')],
    });
    await feed();
    mockedApi.muteViewer.mockResolvedValue({ userId: 'v1', until: Date.now() + 600_000, signalled: true });
    await admin.fire('#chat-m2', 'longpress', {});
    expect(actionSheet.mock.calls[0][0]).toMatchObject({
      alertText: '小张',
      itemList: ['禁言 10 分钟', '移出直播间', '关闭评论'],
    });
    await settle();
    expect(mockedApi.muteViewer).toHaveBeenCalledWith('room_1', 'v1', 600);
  });
});

describe('the anchor', () => {
  it('pins an announcement from the 公告 button (a modal with an input) through the service', async () => {
    const p = await anchorLive();
    const modal = jest.fn((options: { success?: (res: { confirm: boolean; content: string }) => void }) =>
      options.success?.({ confirm: true, content: '  新歌首唱  ' }),
    );
    (wx as unknown as Record<string, unknown>).showModal = modal;
    mockedApi.setAnnouncement.mockResolvedValue({
      announcement: { text: '新歌首唱', at: 5 },
      signalled: true,
    });
    await p.tap('#edit-announcement');
    expect(modal.mock.calls[0][0]).toMatchObject({ title: '直播间公告', editable: true });
    expect(mockedApi.setAnnouncement).toHaveBeenCalledWith('room_1', '新歌首唱');
    expect(p.text('#announcement')).toBe('公告新歌首唱');
  });

  it('appoints an admin from a line’s sheet; the badge follows in chat', async () => {
    const p = await anchorLive();
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m1', 'v1', '小张', '我来维持秩序')],
    });
    await feed();
    expect(adminTags(p)).toBe(0);
    sheetChoice = 2;
    mockedApi.appointAdmin.mockResolvedValue({
      admins: [{ userId: 'v1', nickname: '小张', appointedAt: 1 }],
      signalled: true,
    });
    await p.fire('#chat-m1', 'longpress', {});
    expect(actionSheet.mock.calls[0][0]).toMatchObject({
      itemList: ['禁言 10 分钟', '移出直播间', '设为房管'],
    });
    await settle();
    expect(mockedApi.appointAdmin).toHaveBeenCalledWith('room_1', 'v1');
    expect(adminTags(p)).toBe(1);
    // Now the sheet offers to take it back.
    mockedApi.dismissAdmin.mockResolvedValue({ admins: [], signalled: true });
    await p.fire('#chat-m1', 'longpress', {});
    expect(actionSheet.mock.calls[1][0]).toMatchObject({
      itemList: ['禁言 10 分钟', '移出直播间', '撤销房管'],
    });
    await settle();
    expect(mockedApi.dismissAdmin).toHaveBeenCalledWith('room_1', 'v1');
    expect(adminTags(p)).toBe(0);
  });
});
