/**
 * The anchor answers the chat: an input on the anchor page while live, sent through the same service route and
 * limits as the viewers' (POST /api/rooms/:id/messages via the store), the anchor's lines marked 「主播」 on both
 * pages; while the viewers' comments are off the anchor may still speak (the service's rule), and a line the
 * service refuses (muted, comments off) goes away with the reason.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { chatFromService, chatStateFromService } from '../helpers/service-chat';
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

/** The anchor's page, live. */
async function anchorLive(): Promise<PageHarness> {
  signIn(ANCHOR, STREAM);
  page = await openPage('anchor', { roomID: 'room_1' });
  await goLive(page, engine, STREAM);
  await settle();
  return page;
}

/** How many chat lines carry the 「主播」 mark. */
const anchorMarks = (p: PageHarness): number =>
  p.nodes('text').filter((node) => String(node.class ?? '').includes('chat-anchor-tag')).length;

/** The chat lines the page shows, by their IDs. */
const lines = (p: PageHarness): string[] =>
  p
    .nodes('view')
    .filter((node) => String(node.class ?? '').includes('chat-line'))
    .map((node) => String(node.id));

beforeEach(() => {
  engine.calls.length = 0;
  installWxFakes();
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
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('the anchor answers the chat', () => {
  it('no input before going live; live, the line goes to the service and shows marked 主播', async () => {
    signIn(ANCHOR, STREAM);
    page = await openPage('anchor', { roomID: 'room_1' });
    expect(page.exists('#chat-input')).toBe(false);
    await goLive(page, engine, STREAM);
    await settle();
    expect(page.exists('#chat-input')).toBe(true);
    await page.input('#chat-input', '  欢迎大家！ ');
    await page.tap('#send');
    expect(mockedApi.sendMessage).toHaveBeenCalledWith('room_1', '欢迎大家！');
    expect(page.text(`#${lines(page)[0]}`)).toBe('主播主播小王：欢迎大家！');
    expect(anchorMarks(page)).toBe(1);
    expect(page.data.draft).toBe('');
  });

  it('a viewer’s line carries no 主播 mark', async () => {
    const p = await anchorLive();
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m1', 'v1', '小李', '主播好')],
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    expect(lines(p).map((id) => p.text(`#${id}`))).toEqual(['小李：主播好']);
    expect(anchorMarks(p)).toBe(0);
  });

  it('with the viewers’ comments off the anchor still speaks (the service allows it), and the input says so', async () => {
    const p = await anchorLive();
    engine.emit('IMRecvBroadcastMessage', { roomID: 'room_1', messages: [chatStateFromService('s1', true)] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    expect(p.nativeAttr('input', 'placeholder')).toBe('观众评论已关闭，你仍可发言');
    await p.input('#chat-input', '稍后再开评论');
    await p.tap('#send');
    expect(mockedApi.sendMessage).toHaveBeenCalledWith('room_1', '稍后再开评论');
  });

  it.each([
    ['muted', new ApiError('CHAT_MUTED', 'You are muted in this room', 403)],
    ['comments off', new ApiError('COMMENTS_OFF', 'Comments are off in this room', 403)],
  ])('refused by the service (%s): the line goes and the reason shows', async (_name, refusal) => {
    const p = await anchorLive();
    mockedApi.sendMessage.mockRejectedValueOnce(refusal);
    await p.input('#chat-input', '大家好');
    await p.tap('#send');
    await settle();
    expect(lines(p)).toEqual([]);
    expect(p.text('#notice')).toContain('消息没有发出去');
  });

  it('the viewers see the anchor’s lines marked 主播 too', async () => {
    signIn(VIEWER);
    page = await openPage('audience', { roomID: 'room_1' });
    engine.emit('roomStreamUpdate', {
      roomID: 'room_1',
      updateType: 'ADD',
      streams: [{ streamID: STREAM, user: { userID: 'u_anchor', userName: '主播小王' }, extraInfo: '' }],
    });
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [
        chatFromService('m1', 'u_anchor', '主播小王', '谢谢大家'),
        chatFromService('m2', 'v2', '阿杰', '好'),
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    expect(lines(page).map((id) => page?.text(`#${id}`))).toEqual(['主播主播小王：谢谢大家', '阿杰：好']);
    expect(anchorMarks(page)).toBe(1);
  });
});
