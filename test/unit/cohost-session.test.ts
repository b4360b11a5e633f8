/**
 * Co-hosting (连麦) on the session: the viewer asks (camera and microphone first), the anchor accepts, the viewer
 * publishes its own stream with a co-host token; either side ends it (SDK first, then the component); the app acts
 * only on what the service answers (a forged command does nothing); requests lapse; the anchor plays the co-hosts
 * the service lists, plain viewers play the mix when one runs; the faults: a co-host's stream going away (its tile
 * goes after a grace period), the service dropping a co-host, a phone call, the anchor ending the live.
 */
import { cohostCommand } from '@zego-live/contract';
import {
  COHOST_GRACE_MS,
  COHOST_HEARTBEAT_MS,
  COHOST_TEXT,
} from '../../miniprogram/pages/stores/live-session';
import { ApiError } from '../../miniprogram/services/api-client';
import type { RtcUser } from '../../miniprogram/services/rtc-types';
import {
  ANCHOR_STREAM,
  ROOM,
  advance,
  anchorLive,
  anchorUser,
  cohostStream,
  createHarness,
  published,
  settle,
  viewerWatching,
} from './session-harness';
import type { Harness } from './session-harness';

const VIEWER = 'viewer-1';
const OWN_STREAM = cohostStream(ROOM, VIEWER);
const OTHER = 'viewer-2';
const OTHER_STREAM = cohostStream(ROOM, OTHER);
const viewerUser: RtcUser = { userID: VIEWER, userName: '小明' };
const otherUser: RtcUser = { userID: OTHER, userName: '小红' };

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(Date.parse('2026-12-01T10:00:00.000Z'));
});

afterEach(() => {
  jest.useRealTimers();
});

/** A command from another member of the room, as the SDK delivers it. */
function command(h: Harness, from: RtcUser, text: string): void {
  h.engine.emit('IMRecvCustomCommand', { roomID: ROOM, fromUser: from, command: text });
}

function streams(h: Harness, updateType: 'ADD' | 'DELETE', ...list: [string, RtcUser][]): void {
  h.engine.emit('roomStreamUpdate', {
    roomID: ROOM,
    updateType,
    streams: list.map(([streamID, user]) => ({ streamID, user, extraInfo: '' })),
  });
}

/** A viewer with a pending request. */
async function viewerAsked(): Promise<Harness> {
  const h = await viewerWatching();
  await h.session.requestCohost();
  await settle();
  return h;
}

/** A viewer the anchor accepted, publishing as co-host. */
async function viewerOnStage(): Promise<Harness> {
  const h = await viewerAsked();
  h.api.acceptNow(ROOM, VIEWER);
  command(h, anchorUser, cohostCommand('accepted', VIEWER));
  await settle();
  published(h, OWN_STREAM);
  await settle();
  return h;
}

describe('the viewer asks', () => {
  it('checks the camera and the microphone, asks the service, and tells the anchor with a custom command', async () => {
    const h = await viewerWatching();
    expect(h.session.canRequestCohost).toBe(true);
    h.log.clear();
    await h.session.requestCohost();
    await settle();
    const order = h.log
      .names()
      .filter((n) => ['authorize', 'requestCohost', 'sendCustomCommand'].includes(n));
    expect(order).toEqual(['authorize', 'authorize', 'requestCohost', 'sendCustomCommand']);
    expect(h.engine.commands).toEqual([
      { command: JSON.stringify({ t: 'cohost', e: 'requested', u: VIEWER }), toUserIDs: ['anchor-1'] },
    ]);
    expect(h.session.cohostState).toBe('pending');
    expect(h.session.cohostRequestExpiresAt).toBe(Date.now() + 30_000);
    expect(h.session.notice).toBe(COHOST_TEXT.requested);
    expect(h.session.canRequestCohost).toBe(false);
    expect(h.engine.publishing.size).toBe(0);
  });

  it('sends no command of its own when the service signalled through ZEGO', async () => {
    const h = await viewerWatching();
    h.api.signalled = true;
    await h.session.requestCohost();
    await settle();
    expect(h.session.cohostState).toBe('pending');
    expect(h.engine.commands).toEqual([]);
  });

  it('a refused camera asks nothing of the service and offers the settings page', async () => {
    const h = await viewerWatching();
    h.platform.answers['scope.camera'] = 'deny';
    await h.session.requestCohost();
    await settle();
    expect(h.api.callsOf('requestCohost')).toEqual([]);
    expect(h.session.error).toMatchObject({ code: 'permission.CAMERA', action: 'openSetting' });
    expect(h.session.cohostState).toBe('none');
  });

  it('a full room answers 连麦人数已满 and nothing changes', async () => {
    const h = await viewerWatching();
    h.api.fail('requestCohost', new ApiError('COHOST_FULL', 'full', 409), 1);
    await h.session.requestCohost();
    await settle();
    expect(h.session.notice).toContain('连麦人数已满');
    expect(h.session.cohostState).toBe('none');
    expect(h.engine.commands).toEqual([]);
  });

  it('a request nobody answers lapses after 30 s, and the viewer is told', async () => {
    const h = await viewerAsked();
    h.api.cohosting.requests = []; // the service lets it lapse
    await advance(30_000 + 600);
    expect(h.session.cohostState).toBe('none');
    expect(h.session.notice).toBe(COHOST_TEXT.lapsed);
    expect(h.session.canRequestCohost).toBe(true);
  });

  it('cancelling takes the request back on the service and tells the anchor', async () => {
    const h = await viewerAsked();
    h.engine.commands.length = 0;
    await h.session.cancelCohostRequest();
    await settle();
    expect(h.api.callsOf('cancelCohostRequest')).toEqual([[ROOM]]);
    expect(h.session.cohostState).toBe('none');
    expect(h.engine.commands.map((c) => JSON.parse(c.command).e)).toEqual(['cancelled']);
  });

  it('a decline is read from the service and said as such', async () => {
    const h = await viewerAsked();
    h.api.cohosting.requests = [];
    command(h, anchorUser, cohostCommand('declined', VIEWER));
    await settle();
    expect(h.session.cohostState).toBe('none');
    expect(h.session.notice).toBe(COHOST_TEXT.declined);
  });
});

describe('on stage', () => {
  it('accepted by the service: the co-host token, renewToken, then the own stream in ZEGO order', async () => {
    const h = await viewerAsked();
    h.api.acceptNow(ROOM, VIEWER);
    h.log.clear();
    command(h, anchorUser, cohostCommand('accepted', VIEWER));
    await settle();
    const names = h.log.names();
    const at = (n: string) => names.indexOf(n);
    expect(h.api.callsOf('getRoomToken').at(-1)).toEqual([ROOM, 'cohost']);
    expect(at('getCohosts')).toBeLessThan(at('renewToken'));
    expect(at('renewToken')).toBeLessThan(at('startPublishingStream'));
    expect(at('startPublishingStream')).toBeLessThan(at('startPusher'));
    expect(h.engine.callsOf('startPublishingStream')).toEqual([[OWN_STREAM]]);
    expect(h.session.phase).toBe('cohosting');
    expect(h.session.onStage).toBe(true);
    expect(h.session.pusher?.streamID).toBe(OWN_STREAM);
    // the anchor keeps playing, large
    expect(h.session.players.map((p) => p.streamID)).toEqual([ANCHOR_STREAM]);
    published(h, OWN_STREAM);
    expect(h.session.statusText).toBe('连麦中');
  });

  it('a forged "accepted" command makes nobody publish: the service still has the request pending', async () => {
    const h = await viewerAsked();
    h.log.clear();
    command(h, { userID: 'mallory', userName: '主播' }, cohostCommand('accepted', VIEWER));
    command(h, anchorUser, '{"t":"cohost","e":"accepted","u":"viewer-1","token":"x"}');
    await settle();
    expect(h.log.names()).toContain('getCohosts');
    expect(h.api.callsOf('getRoomToken').filter(([, role]) => role === 'cohost')).toEqual([]);
    expect(h.engine.callsOf('startPublishingStream')).toEqual([]);
    expect(h.session.phase).toBe('watching');
    expect(h.session.cohostState).toBe('pending');
  });

  it('"结束连麦": the SDK stops first, then the component; the service is told; back to watching in the room', async () => {
    const h = await viewerOnStage();
    h.log.clear();
    await h.session.endCohost();
    await settle();
    const names = h.log.names();
    expect(names.indexOf('stopPublishingStream')).toBeLessThan(names.indexOf('stopPusher'));
    expect(h.api.callsOf('endCohost')).toEqual([[ROOM, VIEWER]]);
    expect(h.session.phase).toBe('watching');
    expect(h.session.pusher).toBeNull();
    expect(h.session.onStage).toBe(false);
    expect(h.engine.rooms.has(ROOM)).toBe(true);
    expect(names).not.toContain('logoutRoom');
    // the publish right is given back: an audience token replaces the co-host one
    expect(h.api.callsOf('getRoomToken').at(-1)).toEqual([ROOM, 'audience']);
    expect(h.engine.callsOf('renewToken')).toHaveLength(2);
    expect(h.session.notice).not.toBe(COHOST_TEXT.removed);
  });

  it('"结束连麦" whose request is lost does not put it back on stage when the service still lists it', async () => {
    const h = await viewerOnStage();
    h.api.fail('endCohost', new ApiError('NETWORK', '连接不上直播服务', 0), 1);
    await h.session.endCohost();
    await settle();
    expect(h.api.callsOf('getCohosts').length).toBeGreaterThan(0);
    expect(h.session.cohostState).toBe('cohost'); // the service has not let go yet (its silence timeout will)
    expect(h.session.phase).toBe('watching');
    expect(h.engine.publishing.size).toBe(0);
    expect(h.session.notice).toBe(COHOST_TEXT.network);
  });

  it('removed by the anchor (the service no longer lists it): publishing stops and the viewer is told', async () => {
    const h = await viewerOnStage();
    h.api.cohosting.cohosts = [];
    h.log.clear();
    command(h, anchorUser, cohostCommand('ended', VIEWER));
    await settle();
    const names = h.log.names();
    expect(names.indexOf('stopPublishingStream')).toBeLessThan(names.indexOf('stopPusher'));
    expect(h.session.phase).toBe('watching');
    expect(h.session.notice).toBe(COHOST_TEXT.removed);
    expect(h.api.callsOf('endCohost')).toEqual([]);
  });

  it('sends a heartbeat every 10 s; a "not a co-host" answer takes it off stage', async () => {
    const h = await viewerOnStage();
    await advance(COHOST_HEARTBEAT_MS);
    await advance(COHOST_HEARTBEAT_MS);
    expect(h.api.callsOf('heartbeat')).toEqual([[ROOM], [ROOM]]);
    h.api.cohosting.cohosts = []; // the service ended it (its silence timeout, or the console)
    await advance(COHOST_HEARTBEAT_MS);
    expect(h.session.phase).toBe('watching');
    expect(h.engine.publishing.size).toBe(0);
  });

  it('a co-host token the service refuses (not accepted after all) publishes nothing', async () => {
    const h = await viewerAsked();
    h.api.acceptNow(ROOM, VIEWER);
    h.api.fail('getRoomToken', new ApiError('NOT_COHOST', 'no', 403), 1);
    command(h, anchorUser, cohostCommand('accepted', VIEWER));
    await settle();
    expect(h.engine.callsOf('startPublishingStream')).toEqual([]);
    expect(h.session.phase).toBe('watching');
    expect(h.session.onStage).toBe(false);
  });

  it('a publish that does not start gives the place back on the service', async () => {
    const h = await viewerAsked();
    h.api.acceptNow(ROOM, VIEWER);
    h.engine.fail('startPublishingStream', { code: 1002082 }, 1);
    command(h, anchorUser, cohostCommand('accepted', VIEWER));
    await settle();
    expect(h.session.phase).toBe('watching');
    expect(h.session.notice).toBe(COHOST_TEXT.publishFailed);
    expect(h.api.callsOf('endCohost')).toEqual([[ROOM, VIEWER]]);
  });

  it('a phone call pauses the co-host and resumes it on stage', async () => {
    const h = await viewerOnStage();
    h.platform.audioInterruptionBegin();
    expect(h.session.phase).toBe('interrupted');
    h.log.clear();
    h.platform.audioInterruptionEnd();
    await settle();
    expect(h.session.phase).toBe('cohosting');
    expect(h.log.names()).toEqual(expect.arrayContaining(['resumePusher']));
    expect(h.api.callsOf('getCohosts').length).toBeGreaterThan(0);
  });

  it("the background pauses its pusher and stops the anchor's player; back, it is still on stage", async () => {
    const h = await viewerOnStage();
    h.log.clear();
    h.session.pageHidden();
    expect(h.log.names()).toEqual(['pausePusher', 'stopPlayingStream', 'stopPlayer']);
    h.session.pageShown();
    await settle();
    expect(h.session.phase).toBe('cohosting');
    expect(h.log.names()).toContain('resumePusher');
    expect(h.engine.playing.has(ANCHOR_STREAM)).toBe(true);
  });

  it('token renewal on stage asks for a co-host token', async () => {
    const h = await viewerOnStage();
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await settle();
    expect(h.api.callsOf('getRoomToken').at(-1)).toEqual([ROOM, 'cohost']);
  });

  it('the anchor ends the live while it is on stage: the end screen, its stream stopped', async () => {
    const h = await viewerOnStage();
    h.api.roomStatus = 'ended';
    streams(h, 'ADD', [OTHER_STREAM, otherUser]);
    streams(h, 'DELETE', [ANCHOR_STREAM, anchorUser]);
    await settle();
    expect(h.session.phase).toBe('ended');
    expect(h.engine.publishing.size).toBe(0);
    expect(h.engine.rooms.has(ROOM)).toBe(false);
  });
});

describe('the anchor', () => {
  async function anchorWithRequest(): Promise<Harness> {
    const h = createHarness();
    h.api.me = 'anchor-1';
    await anchorLive(h);
    const now = Date.now();
    h.api.cohosting.requests = [
      { userId: VIEWER, nickname: '小明', avatarUrl: null, requestedAt: now, expiresAt: now + 30_000 },
    ];
    command(h, viewerUser, cohostCommand('requested', VIEWER));
    await settle();
    return h;
  }

  it('sees a request when a command says so, after reading the service', async () => {
    const h = await anchorWithRequest();
    expect(h.session.cohostRequests.map((r) => r.nickname)).toEqual(['小明']);
  });

  it('accepts: the service decides, the viewer is told; its stream plays small once it appears', async () => {
    const h = await anchorWithRequest();
    await h.session.acceptCohost(VIEWER);
    await settle();
    expect(h.api.callsOf('acceptCohost')).toEqual([[ROOM, VIEWER]]);
    expect(h.engine.commands.at(-1)).toEqual({
      command: cohostCommand('accepted', VIEWER),
      toUserIDs: [VIEWER],
    });
    expect(h.session.cohostRequests).toEqual([]);
    expect(h.session.cohostTiles.map((t) => t.userId)).toEqual([VIEWER]);
    streams(h, 'ADD', [OWN_STREAM, viewerUser]);
    await settle();
    expect(h.engine.callsOf('startPlayingStream')).toEqual([[OWN_STREAM]]);
    expect(h.session.players.map((p) => p.streamID)).toEqual([OWN_STREAM]);
    expect(h.session.pusher?.streamID).toBe(`stream_${ROOM}`);
  });

  it('a full room: the service says so and the anchor reads 连麦人数已满', async () => {
    const h = await anchorWithRequest();
    h.api.cohosting.limit = 0;
    await h.session.acceptCohost(VIEWER);
    await settle();
    expect(h.session.notice).toContain('连麦人数已满');
    expect(h.engine.commands).toEqual([]);
  });

  it('declines, and the request goes', async () => {
    const h = await anchorWithRequest();
    await h.session.declineCohost(VIEWER);
    await settle();
    expect(h.session.cohostRequests).toEqual([]);
    expect(h.engine.commands.at(-1)).toEqual({
      command: cohostCommand('declined', VIEWER),
      toUserIDs: [VIEWER],
    });
  });

  it("an unanswered request leaves the anchor's list when it lapses", async () => {
    const h = await anchorWithRequest();
    h.api.cohosting.requests = [];
    await advance(30_000 + 600);
    expect(h.session.cohostRequests).toEqual([]);
  });

  it('a co-host stream the service does not list is not played', async () => {
    const h = createHarness();
    h.api.me = 'anchor-1';
    await anchorLive(h);
    const reads = h.api.callsOf('getCohosts').length;
    streams(h, 'ADD', [OTHER_STREAM, otherUser]);
    await settle();
    expect(h.api.callsOf('getCohosts')).toHaveLength(reads + 1);
    expect(h.engine.callsOf('startPlayingStream')).toEqual([]);
  });

  it('a co-host whose stream goes away keeps its tile as lost for the grace period, then it goes', async () => {
    const h = await anchorWithRequest();
    await h.session.acceptCohost(VIEWER);
    streams(h, 'ADD', [OWN_STREAM, viewerUser]);
    await settle();
    streams(h, 'DELETE', [OWN_STREAM, viewerUser]);
    await settle();
    expect(h.engine.playing.has(OWN_STREAM)).toBe(false);
    expect(h.session.cohostTiles).toMatchObject([{ userId: VIEWER, lost: true }]);
    await advance(COHOST_GRACE_MS - 100);
    expect(h.session.cohostTiles).toHaveLength(1);
    await advance(200);
    expect(h.session.cohostTiles).toEqual([]);
    // it comes back within the service's own timeout: shown and played again
    streams(h, 'ADD', [OWN_STREAM, viewerUser]);
    await settle();
    expect(h.session.cohostTiles).toMatchObject([{ userId: VIEWER, lost: false }]);
    expect(h.engine.playing.has(OWN_STREAM)).toBe(true);
  });

  it('removes a co-host on the service and tells it', async () => {
    const h = await anchorWithRequest();
    await h.session.acceptCohost(VIEWER);
    await h.session.removeCohost(VIEWER);
    await settle();
    expect(h.api.callsOf('endCohost')).toEqual([[ROOM, VIEWER]]);
    expect(h.engine.commands.at(-1)).toEqual({
      command: cohostCommand('ended', VIEWER),
      toUserIDs: [VIEWER],
    });
    expect(h.session.cohostTiles).toEqual([]);
  });
});

describe('a third viewer', () => {
  it('plays the anchor and every listed co-host; without the service listing it, a co-host stream stays off', async () => {
    const h = await viewerWatching();
    h.api.me = 'viewer-3';
    streams(h, 'ADD', [OTHER_STREAM, otherUser]);
    await settle();
    expect(h.engine.playing.has(OTHER_STREAM)).toBe(false);
    h.api.acceptNow(ROOM, OTHER, '小红');
    command(h, anchorUser, cohostCommand('accepted', OTHER));
    await settle();
    expect(h.session.players.map((p) => p.streamID)).toEqual([ANCHOR_STREAM, OTHER_STREAM]);
    expect(h.session.cohostTiles.map((t) => t.nickname)).toEqual(['小红']);
    // the co-host ends: back to one stream
    h.api.cohosting.cohosts = [];
    streams(h, 'DELETE', [OTHER_STREAM, otherUser]);
    await settle();
    expect(h.session.players.map((p) => p.streamID)).toEqual([ANCHOR_STREAM]);
  });

  it('plays the one mixed stream while the service mixes, and the separate streams again after it', async () => {
    const h = await viewerWatching();
    h.api.me = 'viewer-3';
    streams(h, 'ADD', [OTHER_STREAM, otherUser]);
    h.api.acceptNow(ROOM, OTHER, '小红');
    h.api.cohosting.mixStreamId = `${ROOM}_mix`;
    h.log.clear();
    command(h, anchorUser, cohostCommand('accepted', OTHER));
    await settle();
    const since = (name: string) => h.log.entries.filter((e) => e.name === name).map((e) => e.args);
    expect(since('startPlayingStream')).toEqual([[`${ROOM}_mix`, { isMix: true }]]);
    expect(since('stopPlayingStream')).toEqual([[ANCHOR_STREAM]]);
    expect(h.session.players.map((p) => p.streamID)).toEqual([`${ROOM}_mix`]);
    expect(h.session.watchingMix).toBe(true);
    expect(h.session.cohostTiles).toEqual([]);
    h.api.cohosting = { ...h.api.cohosting, cohosts: [], mixStreamId: null };
    command(h, anchorUser, cohostCommand('ended', OTHER));
    await settle();
    expect(h.engine.playing.has(`${ROOM}_mix`)).toBe(false);
    expect(h.session.players.map((p) => p.streamID)).toEqual([ANCHOR_STREAM]);
  });

  it("a co-host never plays the mix: it plays the anchor's original stream", async () => {
    const h = await viewerAsked();
    h.api.acceptNow(ROOM, VIEWER);
    h.api.cohosting.mixStreamId = `${ROOM}_mix`;
    command(h, anchorUser, cohostCommand('accepted', VIEWER));
    await settle();
    expect(h.session.phase).toBe('cohosting');
    expect(h.engine.playing.has(`${ROOM}_mix`)).toBe(false);
    expect(h.session.players.map((p) => p.streamID)).toEqual([ANCHOR_STREAM]);
  });
});
