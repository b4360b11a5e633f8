/**
 * Co-hosting (连麦) on the pages, rendered by miniprogram-simulate with the real store and components, a fake engine
 * and a mocked service: the viewer's 申请连麦 / 取消申请（30s） / 结束连麦, its own small zego-pusher and the anchor large,
 * the anchor's request panel and co-host tiles; every native statechange / netstatus reaches the SDK under that
 * component's own stream ID; stopping is the SDK first, then the component.
 */
import type { ApiCohosts } from '../../miniprogram/services/api-client';
import { api } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { cohostCommand } from '@zego-live/contract';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
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
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live', anchor: ANCHOR });
const MAIN = 'room_1_main';
const OWN = 'room_1_co_u_viewer';
const OTHER = 'room_1_co_u_other';
const anchorUser = { userID: 'u_anchor', userName: '主播小王' };
const otherUser = { userID: 'u_other', userName: '小红' };

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await simulate.sleep(0);
}

function cohosts(over: Partial<ApiCohosts> = {}): ApiCohosts {
  return { limit: 3, cohosts: [], requests: [], mine: 'none', mixStreamId: null, ...over };
}

const cohost = (userId: string, nickname: string, streamId: string) => ({
  userId,
  nickname,
  avatarUrl: null,
  streamId,
  since: Date.now(),
});

/** The viewer's own request, pending for 30 s from now. */
function pending(): ApiCohosts {
  const now = Date.now();
  return cohosts({
    mine: 'pending',
    requests: [{ ...cohost('u_viewer', '观众小李', OWN), requestedAt: now, expiresAt: now + 30_000 }],
  });
}

function signIn(user: typeof VIEWER): void {
  const platform = new FakePlatform(log);
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session', user });
  setPlatform(platform);
}

function tokenFor(user: string, streamID?: string) {
  const token = {
    token: `token_${user}`,
    expiresAt: Date.now() + 3600_000,
    appID: 1,
    userID: user,
    roomID: 'room_1',
  };
  return streamID ? { ...token, streamID } : token;
}

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  engine.commands.length = 0;
  wxFakes = installWxFakes({ log, confirm: true });
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getCohosts.mockResolvedValue(cohosts());
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('the viewer', () => {
  async function watching(): Promise<PageHarness> {
    signIn(VIEWER);
    mockedApi.getRoomToken.mockImplementation(async (_room, role) =>
      role === 'cohost' ? tokenFor('u_viewer', OWN) : tokenFor('u_viewer'),
    );
    page = await openPage('audience', { roomID: 'room_1' });
    engine.emit('roomStreamUpdate', {
      roomID: 'room_1',
      updateType: 'ADD',
      streams: [{ streamID: MAIN, user: anchorUser, extraInfo: '' }],
    });
    await settle();
    return page;
  }

  async function onStage(p: PageHarness): Promise<void> {
    mockedApi.requestCohost.mockResolvedValue({ cohosts: pending(), signalled: false });
    await p.tap('#request-cohost');
    await settle();
    mockedApi.getCohosts.mockResolvedValue(
      cohosts({ mine: 'cohost', cohosts: [cohost('u_viewer', '观众小李', OWN)] }),
    );
    engine.emit('IMRecvCustomCommand', {
      roomID: 'room_1',
      fromUser: anchorUser,
      command: cohostCommand('accepted', 'u_viewer'),
    });
    await settle();
  }

  it('asks: the button becomes 取消申请 with the seconds left, and the anchor is told', async () => {
    const p = await watching();
    expect(p.text('#request-cohost')).toBe('申请连麦');
    mockedApi.requestCohost.mockResolvedValue({ cohosts: pending(), signalled: false });
    await p.tap('#request-cohost');
    await settle();
    expect(mockedApi.requestCohost).toHaveBeenCalledWith('room_1');
    expect(p.exists('#request-cohost')).toBe(false);
    expect(p.text('#cancel-cohost')).toMatch(/^取消申请（(30|29)s）$/);
    expect(engine.commands.map((c) => c.toUserIDs)).toEqual([['u_anchor']]);
  });

  it('accepted: its own small live-pusher and the anchor large; each native event under its own stream ID', async () => {
    const p = await watching();
    await onStage(p);
    expect(liveSession.phase).toBe('cohosting');
    expect(p.exists('#own-tile')).toBe(true);
    expect(p.nodes('live-pusher')).toHaveLength(1);
    expect(p.nodes('live-player')).toHaveLength(1);
    expect(p.text('#end-cohost')).toBe('结束连麦');
    engine.calls.length = 0;
    await p.nativeEvent('live-pusher', 'statechange', { code: 1002, message: '开始推流' });
    await p.nativeEvent('live-player', 'statechange', { code: 2004, message: '开始播放' });
    await p.nativeEvent('live-pusher', 'netstatus', { info: { videoBitrate: 600 } });
    await p.nativeEvent('live-player', 'netstatus', { info: { videoBitrate: 900 } });
    expect(engine.callsOf('updatePlayerState')).toEqual([
      [OWN, { detail: expect.objectContaining({ code: 1002 }) }],
      [MAIN, { detail: expect.objectContaining({ code: 2004 }) }],
    ]);
    expect(engine.callsOf('updatePlayerNetStatus').map((c) => c[0])).toEqual([OWN, MAIN]);
  });

  it('accepted within seconds of asking: 「等待主播同意」 is taken back at once, not left beside 连麦中', async () => {
    const p = await watching();
    mockedApi.requestCohost.mockResolvedValue({ cohosts: pending(), signalled: false });
    await p.tap('#request-cohost');
    await settle();
    expect(p.text('#notice')).toBe('已申请连麦，等待主播同意');
    mockedApi.getCohosts.mockResolvedValue(
      cohosts({ mine: 'cohost', cohosts: [cohost('u_viewer', '观众小李', OWN)] }),
    );
    engine.emit('IMRecvCustomCommand', {
      roomID: 'room_1',
      fromUser: anchorUser,
      command: cohostCommand('accepted', 'u_viewer'),
    });
    await settle();
    expect(liveSession.phase).toBe('cohosting');
    expect(p.exists('#notice')).toBe(false);
  });

  it('another co-host appears small beside it, and its player reports under its own stream ID', async () => {
    const p = await watching();
    await onStage(p);
    mockedApi.getCohosts.mockResolvedValue(
      cohosts({
        mine: 'cohost',
        cohosts: [cohost('u_viewer', '观众小李', OWN), cohost('u_other', '小红', OTHER)],
      }),
    );
    engine.emit('roomStreamUpdate', {
      roomID: 'room_1',
      updateType: 'ADD',
      streams: [{ streamID: OTHER, user: otherUser, extraInfo: '' }],
    });
    await settle();
    expect(p.text('#cohost-u_other')).toContain('小红');
    expect(p.nodes('live-player')).toHaveLength(2);
    engine.calls.length = 0;
    await p.nativeEvent('live-player', 'statechange', { code: 2004 }, 1);
    expect(engine.callsOf('updatePlayerState')).toEqual([[OTHER, expect.anything()]]);
  });

  it('结束连麦 (confirmed): the SDK stops first, then the pusher; back to 申请连麦, still in the room', async () => {
    const p = await watching();
    await onStage(p);
    mockedApi.endCohost.mockResolvedValue({ cohosts: cohosts(), signalled: true });
    log.clear();
    await p.tap('#end-cohost');
    await settle();
    const sdkStop = log.entries.findIndex((e) => e.name === 'stopPublishingStream');
    const pusherStop = log.entries.findIndex((e) => e.source === 'native-pusher' && e.name === 'stop');
    expect(sdkStop).toBeGreaterThanOrEqual(0);
    expect(sdkStop).toBeLessThan(pusherStop);
    expect(mockedApi.endCohost).toHaveBeenCalledWith('room_1', 'u_viewer');
    expect(liveSession.phase).toBe('watching');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(p.text('#request-cohost')).toBe('申请连麦');
    expect(p.nodes('live-player')).toHaveLength(1);
  });
});

describe('the anchor', () => {
  async function live(): Promise<PageHarness> {
    signIn(ANCHOR);
    mockedApi.getRoomToken.mockResolvedValue(tokenFor('u_anchor', MAIN));
    mockedApi.markLive.mockResolvedValue({ room: ROOM });
    mockedApi.reportStats.mockResolvedValue({ room: ROOM });
    page = await openPage('anchor', { roomID: 'room_1' });
    await settle();
    return page;
  }

  it('sees a request with its nickname, accepts it, and the co-host plays in a small tile', async () => {
    const p = await live();
    const now = Date.now();
    mockedApi.getCohosts.mockResolvedValue(
      cohosts({
        requests: [{ ...cohost('u_viewer', '观众小李', OWN), requestedAt: now, expiresAt: now + 30_000 }],
      }),
    );
    engine.emit('IMRecvCustomCommand', {
      roomID: 'room_1',
      fromUser: { userID: 'u_viewer', userName: '观众小李' },
      command: cohostCommand('requested', 'u_viewer'),
    });
    await settle();
    expect(p.text('#request-u_viewer')).toContain('观众小李 申请连麦');
    mockedApi.acceptCohost.mockResolvedValue({
      cohosts: cohosts({ cohosts: [cohost('u_viewer', '观众小李', OWN)] }),
      signalled: false,
    });
    await p.tap('#accept-u_viewer');
    await settle();
    expect(mockedApi.acceptCohost).toHaveBeenCalledWith('room_1', 'u_viewer');
    expect(p.exists('#cohost-requests')).toBe(false);
    expect(p.text('#cohost-u_viewer')).toContain('观众小李');
    engine.emit('roomStreamUpdate', {
      roomID: 'room_1',
      updateType: 'ADD',
      streams: [{ streamID: OWN, user: { userID: 'u_viewer', userName: '观众小李' }, extraInfo: '' }],
    });
    await settle();
    expect(p.nodes('live-pusher')).toHaveLength(1);
    expect(p.nodes('live-player')).toHaveLength(1);
    engine.calls.length = 0;
    await p.nativeEvent('live-player', 'statechange', { code: 2004 });
    expect(engine.callsOf('updatePlayerState')).toEqual([[OWN, expect.anything()]]);
    // 移除 (confirmed): the service ends it, the tile goes
    mockedApi.endCohost.mockResolvedValue({ cohosts: cohosts(), signalled: true });
    await p.tap('#remove-u_viewer');
    await settle();
    expect(mockedApi.endCohost).toHaveBeenCalledWith('room_1', 'u_viewer');
    expect(p.exists('#cohost-u_viewer')).toBe(false);
    expect(wxFakes.playerContexts.flatMap((c) => c.calls)).toContain('stop');
  });
});
