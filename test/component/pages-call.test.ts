/**
 * The call page, rendered by miniprogram-simulate with the real store, zego-pusher and zego-player on ONE page, a
 * fake engine, a fake platform and a mocked service: the own stream publishes at once, the peer's plays when it
 * arrives, each native component's statechange / netstatus reaches the SDK under its own stream ID, the peer's
 * DELETE ends the call with its duration, hang-up stops the SDK before each component and logs out last, a full or
 * ended call gets its own screen and touches nothing.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { callStore, userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
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
const ME = { id: 'u_callee', nickname: '小红', avatarUrl: '' };
const CALLER = { id: 'u_caller', nickname: '小明', avatarUrl: '' };
const CALL = roomFixture({
  id: 'call_1',
  title: '小明的通话',
  status: 'idle',
  kind: 'call',
  members: [CALLER],
});
const OWN = 'call_1_u_callee';
const PEER = 'call_1_u_caller';
const PEER_STREAM = { streamID: PEER, user: { userID: 'u_caller', userName: '小明' }, extraInfo: '' };

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

async function open(query: Record<string, string> = { roomID: 'call_1' }): Promise<PageHarness> {
  page = await openPage('call', query);
  return page;
}

async function settleAll(): Promise<void> {
  for (let i = 0; i < 4; i++) await simulate.sleep(0);
}

/** The caller's stream is in the room and plays. */
async function peerArrives(): Promise<void> {
  engine.emit('roomUserUpdate', { roomID: 'call_1', updateType: 'ADD', users: [PEER_STREAM.user] });
  engine.emit('roomStreamUpdate', { roomID: 'call_1', updateType: 'ADD', streams: [PEER_STREAM] });
  await settleAll();
  engine.emit('playerStateUpdate', { streamID: PEER, state: 'PLAYING', errorCode: 0, extendedData: '' });
  await settleAll();
}

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  platform = new FakePlatform(log);
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_c', user: ME });
  setPlatform(platform);
  wxFakes = installWxFakes({ log });
  mockedApi.getRoom.mockResolvedValue({ room: CALL });
  mockedApi.endRoom.mockResolvedValue({ room: { ...CALL, status: 'ended' } });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token_callee',
    expiresAt: Date.now() + 3600_000,
    roomID: CALL.id,
    appID: 1,
    userID: 'u_callee',
    streamID: OWN,
  });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('call page', () => {
  it('from the shared card: a call token, login, the own stream published onto zego-pusher, then started', async () => {
    const p = await open();
    expect(mockedApi.getRoomToken).toHaveBeenCalledWith('call_1', 'call');
    expect(engine.callsOf('loginRoom')[0]).toEqual([
      'call_1',
      'zego_token_callee',
      { userID: 'u_callee', userName: '小红' },
    ]);
    expect(engine.callsOf('startPublishingStream')).toEqual([[OWN]]);
    expect(p.nativeAttr('live-pusher', 'url')).toMatch(new RegExp(`^rtmp://fake.zego/push/${OWN}\\?n=\\d+$`));
    expect(wxFakes.pusherContexts.flatMap((c) => c.calls)).toEqual(['start']);
    expect(log.indexOf('startPublishingStream')).toBeLessThan(log.indexOf('start'));
    expect(p.text('#status')).toBe('等待对方加入…');
    expect(p.exists('#invite')).toBe(true);
    expect(p.call('onShareAppMessage')).toEqual({
      title: '邀请你视频通话',
      path: 'pages/call/index?roomID=call_1',
      imageUrl: '/images/share.png',
    });
  });

  it('the peer arrives: its zego-player plays; both components on one page, the remote large and the own small', async () => {
    const p = await open();
    await peerArrives();
    expect(engine.callsOf('startPlayingStream')).toEqual([[PEER]]);
    expect(p.nodes('live-pusher')).toHaveLength(1);
    expect(p.nodes('live-player')).toHaveLength(1);
    expect(p.nativeAttr('live-player', 'src')).toMatch(
      new RegExp(`^rtmp://fake.zego/play/${PEER}\\?n=\\d+$`),
    );
    expect(wxFakes.playerContexts.flatMap((c) => c.calls)).toEqual(['play']);
    expect(p.text('#status')).toBe('通话中');
    expect(p.text('#peer')).toBe('小明');
    expect(p.exists('#invite')).toBe(false);
    await p.tap('#pusher');
    expect(p.data.swapped).toBe(true);
  });

  it('statechange / netstatus of the live-pusher and of the live-player each reach the SDK with their own stream ID', async () => {
    const p = await open();
    await peerArrives();
    await p.nativeEvent('live-pusher', 'statechange', { code: 1002, message: '开始推流' });
    await p.nativeEvent('live-player', 'statechange', { code: 2004, message: '开始播放' });
    await p.nativeEvent('live-pusher', 'netstatus', { info: { videoBitrate: 600 } });
    await p.nativeEvent('live-player', 'netstatus', { info: { videoBitrate: 900 } });
    expect(engine.callsOf('updatePlayerState')).toEqual([
      [OWN, { detail: expect.objectContaining({ code: 1002 }) }],
      [PEER, { detail: expect.objectContaining({ code: 2004 }) }],
    ]);
    expect(engine.callsOf('updatePlayerNetStatus')).toEqual([
      [OWN, { detail: expect.objectContaining({ info: { videoBitrate: 600 } }) }],
      [PEER, { detail: expect.objectContaining({ info: { videoBitrate: 900 } }) }],
    ]);
  });

  it('camera, microphone and switch camera change the pusher', async () => {
    const p = await open();
    await p.tap('#camera');
    await p.tap('#mic');
    await p.tap('#switch-camera');
    expect(p.nativeAttr('live-pusher', 'enableCamera')).toBe(false);
    expect(p.nativeAttr('live-pusher', 'muted')).toBe(true);
    expect(p.nativeAttr('live-pusher', 'devicePosition')).toBe('back');
    expect(p.text('#camera')).toBe('开摄像头');
  });

  it('the peer hangs up (stream DELETE): 对方已挂断 with the duration; the SDK stopped before each component', async () => {
    const p = await open();
    await peerArrives();
    log.clear();
    engine.emit('roomStreamUpdate', { roomID: 'call_1', updateType: 'DELETE', streams: [PEER_STREAM] });
    await settleAll();
    expect(p.exists('#ended')).toBe(true);
    expect(p.text('#ended')).toMatch(/对方已挂断，通话时长 \d\d:\d\d/);
    const names = log.names();
    expect(names.indexOf('stopPlayingStream')).toBeLessThan(names.indexOf('stop'));
    expect(names.indexOf('stopPublishingStream')).toBeGreaterThan(-1);
    expect(names.lastIndexOf('logoutRoom')).toBeGreaterThan(names.indexOf('stopPublishingStream'));
    expect(mockedApi.endRoom).toHaveBeenCalledWith('call_1');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(p.nodes('live-player')).toHaveLength(0);
  });

  it('hang up: stopPublishingStream before the pusher stops, stopPlayingStream before the player stops, logout last', async () => {
    const p = await open();
    await peerArrives();
    log.clear();
    await p.tap('#hang-up');
    await settleAll();
    const entries = log.entries.map((e) => `${e.source}:${e.name}`);
    const at = (name: string) => entries.indexOf(name);
    expect(at('engine:stopPublishingStream')).toBeLessThan(at('native-pusher:stop'));
    expect(at('engine:stopPlayingStream')).toBeLessThan(at('native-player:stop'));
    expect(at('engine:logoutRoom')).toBeGreaterThan(at('native-pusher:stop'));
    expect(at('engine:logoutRoom')).toBeGreaterThan(at('native-player:stop'));
    expect(mockedApi.endRoom).toHaveBeenCalledWith('call_1');
    expect(p.text('#ended')).toMatch(/通话已结束/);
    expect(liveSession.phase).toBe('ended');
  });

  const refusals: [string, () => void, string][] = [
    [
      'a full call (two other members)',
      () =>
        mockedApi.getRoom.mockResolvedValue({
          room: { ...CALL, members: [CALLER, { id: 'u_other', nickname: '小刚', avatarUrl: '' }] },
        }),
      '通话已满',
    ],
    [
      'an ended call',
      () => mockedApi.getRoom.mockResolvedValue({ room: { ...CALL, status: 'ended' } }),
      '通话已结束',
    ],
    [
      'a live room, not a call',
      () => mockedApi.getRoom.mockResolvedValue({ room: { ...CALL, kind: 'live' } }),
      '这不是通话邀请',
    ],
    [
      'an unknown call',
      () => mockedApi.getRoom.mockRejectedValue(new ApiError('NOT_FOUND', 'Room call_1 does not exist', 404)),
      '通话不存在',
    ],
  ];

  it.each(refusals)('%s: its own screen, and nothing else happens', async (_name, arrange, title) => {
    arrange();
    const p = await open();
    expect(p.text('#blocked')).toContain(title);
    expect(mockedApi.getRoomToken).not.toHaveBeenCalled();
    expect(engine.callsOf('loginRoom')).toEqual([]);
    expect(platform.calls).not.toContain('authorize');
    expect(p.nodes('live-pusher')).toHaveLength(0);
  });

  it('the camera refused: the call’s own words (视频通话, not 直播), and no 「等待对方加入」 behind the panel', async () => {
    platform.answers['scope.camera'] = 'deny';
    const p = await open();
    expect(p.text('#error')).toContain('视频通话需要使用摄像头');
    expect(p.text()).not.toContain('直播');
    expect(p.exists('#waiting')).toBe(false);
  });

  it('the service refusing the seat at the last moment (CALL_FULL) says 通话已满 and publishes nothing', async () => {
    mockedApi.getRoomToken.mockRejectedValue(
      new ApiError('CALL_FULL', 'This call already has two members', 409),
    );
    const p = await open();
    expect(p.text('#error')).toContain('通话已满');
    expect(engine.callsOf('loginRoom')).toEqual([]);
    expect(engine.callsOf('startPublishingStream')).toEqual([]);
  });

  it('hidden: no setData, the pusher paused and the player stopped; shown again, both resume', async () => {
    const p = await open();
    await peerArrives();
    log.clear();
    const before = p.setDataCalls.length;
    await p.hide();
    engine.emit('publishQualityUpdate', {
      streamID: OWN,
      stats: {
        videoBitrateKbps: 500,
        audioBitrateKbps: 40,
        videoFps: 15,
        packetLossRate: 0,
        frameWidth: 1,
        frameHeight: 1,
        quality: 0,
      },
    });
    await simulate.sleep(1100);
    expect(p.setDataSince(before)).toHaveLength(0);
    expect(log.names()).toEqual(expect.arrayContaining(['pause', 'stopPlayingStream']));
    await p.show();
    await settleAll();
    expect(engine.callsOf('startPlayingStream').slice(-1)).toEqual([[PEER]]);
  });

  it('unload leaves no listener, timer or SDK handler behind', async () => {
    const p = await open();
    await peerArrives();
    p.unload();
    page = null;
    await settleAll();
    expect(engine.handler).toBeNull();
    expect(platform.listenerCount()).toBe(0);
    expect(liveSession.phase).toBe('idle');
  });
});

describe('voice calls', () => {
  it('opened as a voice call: the camera goes off, the peer’s name shows, the voice plays at the ear; 免提 switches', async () => {
    const p = await open({ roomID: 'call_1', media: 'audio', invitation: 'c_1' });
    await peerArrives();
    await settleAll();
    expect(p.nativeAttr('live-pusher', 'enableCamera')).toBe(false);
    expect(p.text('#audio-stage')).toContain('小明');
    expect(p.text('#audio-stage')).toContain('听筒');
    expect(p.nativeAttr('live-player', 'soundMode')).toBe('ear');
    expect(p.exists('#camera')).toBe(false);
    await p.tap('#sound-mode');
    expect(p.nativeAttr('live-player', 'soundMode')).toBe('speaker');
    expect(p.text('#audio-stage')).toContain('免提');
  });

  it('a video call switched to voice: the service is told; the other side’s switch is followed', async () => {
    mockedApi.switchCallMedia.mockResolvedValue({ ok: true });
    const p = await open({ roomID: 'call_1', media: 'video', invitation: 'c_1' });
    await peerArrives();
    expect(p.exists('#audio-stage')).toBe(false);
    expect(p.nativeAttr('live-pusher', 'enableCamera')).toBe(true);
    await p.tap('#to-audio');
    await settleAll();
    expect(mockedApi.switchCallMedia).toHaveBeenCalledWith('c_1', 'audio');
    expect(p.exists('#audio-stage')).toBe(true);
    expect(p.nativeAttr('live-pusher', 'enableCamera')).toBe(false);
    p.unload();
    page = null;

    const other = await open({ roomID: 'call_1', media: 'video', invitation: 'c_1' });
    await peerArrives();
    callStore.receive({ type: 'call.media', roomId: 'call_1', media: 'audio', by: 'u_caller' });
    await settleAll();
    expect(other.exists('#audio-stage')).toBe(true);
    expect(other.nativeAttr('live-pusher', 'enableCamera')).toBe(false);
  });
});
