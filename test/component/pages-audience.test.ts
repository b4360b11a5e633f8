/**
 * The audience page, rendered by miniprogram-simulate with the real store and zego-player, a fake engine, a fake
 * platform and a mocked service: the anchor's stream plays as soon as it appears and stops in ZEGO's order, quality
 * and state show, unknown/ended rooms get a clear screen, chat and likes, and no setData while hidden.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { chatFromService, chatStateFromService } from '../helpers/service-chat';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  installWxFakes,
  openPage,
  roomFixture,
  type PageHarness,
  type WxFakes,
} from '../helpers/page-harness';
import * as simulate from 'miniprogram-simulate';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live' });
const STREAM = 'room_1_u_anchor';
const ANCHOR_STREAM = { streamID: STREAM, user: { userID: 'u_anchor', userName: '主播小王' }, extraInfo: '' };

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

async function open(query: Record<string, string>): Promise<PageHarness> {
  page = await openPage('audience', query);
  return page;
}

/** The anchor's stream appears in the room (roomStreamUpdate ADD) and the page settles. */
async function anchorArrives(): Promise<void> {
  engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
  await simulate.sleep(0);
  await simulate.sleep(0);
  await simulate.sleep(0);
}

const playerCalls = () => wxFakes.playerContexts.flatMap((c) => c.calls);

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  platform = new FakePlatform(log);
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_2', user: VIEWER });
  setPlatform(platform);
  wxFakes = installWxFakes({ log });
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token_viewer',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: 'u_viewer',
  });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('audience page: entering', () => {
  it('from a shared path: looks the room up, joins as audience, waits for the anchor', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(mockedApi.getRoom).toHaveBeenCalledWith('room_1');
    expect(mockedApi.getRoomToken).toHaveBeenCalledWith('room_1', 'audience');
    expect(engine.callsOf('loginRoom')[0]).toEqual([
      'room_1',
      'zego_token_viewer',
      { userID: 'u_viewer', userName: '观众小李' },
    ]);
    expect(liveSession.phase).toBe('watching');
    expect(p.text()).toContain('周末音乐直播');
    expect(p.text()).toContain('主播暂时离开');
    expect(p.nodes('live-player')).toHaveLength(0);
  });

  it('from a scanned watch link (q)', async () => {
    const p = await open({ q: encodeURIComponent('https://live.example.com/watch?roomID=room_1') });
    expect(mockedApi.getRoom).toHaveBeenCalledWith('room_1');
    expect(p.text()).toContain('周末音乐直播');
  });

  const screens: [string, () => void, Record<string, string>, string][] = [
    ['missing room ID', () => undefined, {}, '房间号不正确'],
    ['malformed room ID', () => undefined, { roomID: 'room 1;drop' }, '房间号只能包含字母、数字和下划线'],
    [
      'unknown room',
      () => mockedApi.getRoom.mockRejectedValue(new ApiError('NOT_FOUND', 'Room room_1 does not exist', 404)),
      { roomID: 'room_1' },
      '房间不存在',
    ],
    [
      'ended room',
      () => mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } }),
      { roomID: 'room_1' },
      '直播已结束',
    ],
  ];

  it.each(screens)('%s: a clear screen with a way to the room list', async (_name, arrange, query, title) => {
    arrange();
    const p = await open(query);
    expect(p.text()).toContain(title);
    // the token is asked for together with the room lookup (one request at most), and never used
    expect(mockedApi.getRoomToken.mock.calls.length).toBeLessThanOrEqual(1);
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
    await p.tap('#blocked-action');
    expect(wxFakes.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
  });

  it('not signed in: goes to sign in and comes back to this room', async () => {
    platform.storage.clear();
    const p = await open({ roomID: 'room_1' });
    expect(mockedApi.getRoom).not.toHaveBeenCalled();
    const url = wxFakes.redirectTo.mock.calls[0][0].url as string;
    expect(url).toContain('/home/login/index?role=audience&roomID=room_1');
    expect(decodeURIComponent(url)).toContain('redirect=/pages/audience/index?roomID=room_1');
    expect(p.text()).toContain('请先登录');
  });
});

describe('audience page: playing', () => {
  it('roomStreamUpdate ADD gives zego-player its url and sid, then plays it', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    expect(engine.callsOf('startPlayingStream')).toEqual([[STREAM]]);
    const url = `rtmp://fake.zego/play/${STREAM}?n=1`;
    const player = p.find(`#player-${STREAM}`);
    expect(player.data).toMatchObject({ url, sid: STREAM });
    expect(p.nativeAttr('live-player', 'src')).toBe(url);
    expect(playerCalls()).toEqual(['play']);
    expect(log.indexOf('startPlayingStream')).toBeLessThan(log.indexOf('play'));
    expect(p.text()).not.toContain('主播暂时离开');
    expect(p.text()).toContain('主播小王');
  });

  it('native statechange / netstatus on the live-player reach the SDK with the stream ID', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    await p.nativeEvent('live-player', 'statechange', { code: 2004, message: '视频播放开始' });
    expect(engine.callsOf('updatePlayerState')).toEqual([
      [STREAM, { detail: expect.objectContaining({ code: 2004 }) }],
    ]);
    await p.nativeEvent('live-player', 'netstatus', { info: { videoBitrate: 800 } });
    expect(engine.callsOf('updatePlayerNetStatus')).toEqual([
      [STREAM, { detail: expect.objectContaining({ info: { videoBitrate: 800 } }) }],
    ]);
  });

  it('playerStateUpdate and playQualityUpdate show on the page', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    expect(p.text()).toContain('连接中…');
    engine.emit('playerStateUpdate', { streamID: STREAM, state: 'PLAYING', errorCode: 0, extendedData: '' });
    engine.emit('playQualityUpdate', {
      streamID: STREAM,
      stats: {
        videoBitrateKbps: 760,
        audioBitrateKbps: 40,
        videoFps: 15,
        packetLossRate: 0.08,
        frameWidth: 540,
        frameHeight: 960,
        quality: -1,
      },
    });
    await simulate.sleep(300);
    expect(p.text()).toContain('播放中');
    expect(p.text()).toContain('800 kbps · 15 fps · 一般');
  });

  it('DELETE stops the SDK first, then the player component; the page says the anchor is away', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'DELETE', streams: [ANCHOR_STREAM] });
    await simulate.sleep(10);
    const sdkStop = log.indexOf('stopPlayingStream');
    expect(sdkStop).toBeGreaterThanOrEqual(0);
    const componentStop = log.entries.findIndex((e) => e.source === 'native-player' && e.name === 'stop');
    expect(componentStop).toBeGreaterThan(sdkStop);
    expect(p.nodes('live-player')).toHaveLength(0);
    expect(p.text()).toContain('主播暂时离开');
  });

  it('the anchor ends the room: the end screen', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
    engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'DELETE', streams: [ANCHOR_STREAM] });
    await simulate.sleep(10);
    expect(p.text()).toContain('直播已结束');
  });
});

describe('audience page: chat, likes, online count', () => {
  it('sends a chat line and shows it', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.input('#chat-input', '  主播唱得真好  ');
    await p.tap('#send');
    // Through the service, never straight to ZEGO.
    expect(mockedApi.sendMessage).toHaveBeenCalledWith('room_1', '主播唱得真好');
    expect(engine.callsOf('sendBroadcastMessage')).toEqual([]);
    await simulate.sleep(300);
    expect(p.text()).toContain('主播唱得真好');
    expect(p.data.draft).toBe('');
  });

  it('renders only the newest 15 chat lines (a flood stays cheap to render)', async () => {
    const p = await open({ roomID: 'room_1' });
    const messages = Array.from({ length: 20 }, (_, i) =>
      chatFromService(`m${i}`, `v${i}`, `观众${i}`, `第${i}条`),
    );
    engine.emit('IMRecvBroadcastMessage', { roomID: 'room_1', messages });
    await simulate.sleep(300);
    expect(p.text()).toContain('观众19：第19条');
    expect(p.text()).toContain('观众5：第5条');
    expect(p.text()).not.toContain('观众4：第4条');
    expect((p.data.chat as unknown[]).length).toBe(15);
  });

  it('an empty draft sends nothing', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.input('#chat-input', '   ');
    await p.tap('#send');
    expect(mockedApi.sendMessage).not.toHaveBeenCalled();
  });

  it('like counts at once, incoming likes add up, and the online count shows', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#like');
    await p.tap('#like');
    expect(p.text('#like')).toBe('♥ 2');
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 15 });
    await simulate.sleep(300);
    expect(p.text()).toContain('15 人在看');
    await simulate.sleep(1100);
    expect(engine.callsOf('sendBarrageMessage').length).toBeGreaterThanOrEqual(1);
  });

  it('shares this room', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(p.call('onShareAppMessage')).toEqual({
      title: '周末音乐直播 正在直播',
      path: 'pages/audience/index?roomID=room_1',
      imageUrl: '/images/share.png',
    });
    expect(p.call('onShareTimeline')).toMatchObject({ query: 'roomID=room_1' });
  });
});

describe('audience page: chat through the service', () => {
  it('the own line shows "发送中" until the service accepts it; a refused line goes, with the reason', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    let accept: () => void = () => undefined;
    mockedApi.sendMessage.mockImplementationOnce(
      (_roomID: string, text: string) =>
        new Promise((resolve) => {
          accept = () => resolve({ message: { id: 1, text, sentAt: Date.now() } });
        }),
    );
    await p.input('#chat-input', '主播好');
    await p.tap('#send');
    await simulate.sleep(0);
    await simulate.sleep(0);
    expect(p.text('.chat')).toContain('主播好');
    expect(p.text('.chat')).toContain('发送中');
    accept();
    await simulate.sleep(0);
    await simulate.sleep(0);
    expect(p.text('.chat')).toContain('主播好');
    expect(p.text('.chat')).not.toContain('发送中');

    mockedApi.sendMessage.mockRejectedValueOnce(
      new ApiError('MESSAGE_REJECTED', "WeChat's content check refused this message", 400),
    );
    await p.input('#chat-input', '违规的话');
    await p.tap('#send');
    await simulate.sleep(0);
    await simulate.sleep(0);
    expect(p.text('.chat')).not.toContain('违规的话');
    expect(p.text('#notice')).toBe('消息没有发出去：消息含有不适合发布的内容，换个说法吧');
  });

  it('comments off: "评论已关闭" in the chat and instead of the input; a line not from the service never shows', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [
        { messageID: 'x1', fromUser: { userID: 'v9', userName: '捣乱的' }, message: '直连ZEGO', sendTime: 1 },
        chatStateFromService('c1', true),
      ],
    });
    await simulate.sleep(300);
    expect(p.text('.chat')).toContain('评论已关闭');
    expect(p.text('.chat')).not.toContain('直连ZEGO');
    expect(p.text('#chat-blocked')).toBe('评论已关闭');
    expect(p.exists('#chat-input')).toBe(false);
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatStateFromService('c2', false)],
    });
    await simulate.sleep(300);
    expect(p.exists('#chat-blocked')).toBe(false);
    expect(p.exists('#chat-input')).toBe(true);
  });
});

describe('audience page: background', () => {
  it('no setData while hidden; after show the stream plays again and the screen is current', async () => {
    const p = await open({ roomID: 'room_1' });
    await anchorArrives();
    await p.hide();
    expect(playerCalls()).toContain('stop');
    const before = p.setDataCalls.length;
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 99 });
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m5', 'v3', '路人', '来了')],
    });
    engine.emit('playerStateUpdate', { streamID: STREAM, state: 'PLAYING', errorCode: 0, extendedData: '' });
    engine.emit('roomStateUpdate', { roomID: 'room_1', state: 'CONNECTING', errorCode: 0, extendedData: '' });
    await simulate.sleep(1100);
    expect(p.setDataSince(before)).toHaveLength(0);
    await p.show();
    await simulate.sleep(300);
    expect(p.text()).toContain('99 人在看');
    expect(p.text()).toContain('路人：来了');
    expect(p.text()).toContain('网络不稳定');
  });
});
