/**
 * The fakes a picture's state is arranged with: the same page harness, fake engine, fake platform and mocked service
 * as the component tests (test/component/pages-*.test.ts), reset before each state. The test file that uses it mocks
 * services/api and services/rtc-engine as those tests do.
 */
import { api } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { chatFromService } from '../helpers/service-chat';
import {
  engineSlot,
  installWxFakes,
  openPage,
  roomFixture,
  settle,
  type PageHarness,
  type PageName,
  type WxFakes,
} from '../helpers/page-harness';
import type { Overlay } from './dom';

/** The people on the pictures. */
export const PEOPLE = {
  anchor: { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' },
  viewer: { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' },
  caller: { id: 'u_caller', nickname: '小明', avatarUrl: '' },
  callee: { id: 'u_callee', nickname: '小红', avatarUrl: '' },
};

/** The live room on the pictures, and its streams. */
export const ROOM = roomFixture({
  id: 'room_1',
  title: '周末音乐直播',
  status: 'live',
  anchor: PEOPLE.anchor,
});
export const MAIN_STREAM = 'room_1_main';
export const ANCHOR_STREAM = {
  streamID: MAIN_STREAM,
  user: { userID: PEOPLE.anchor.id, userName: PEOPLE.anchor.nickname },
  extraInfo: '',
};

/** A few chat lines as the room delivers them (short, long, emoji). */
export const CHAT = [
  chatFromService('m1', 'v1', '小李', '主播好！今天唱什么歌？'),
  chatFromService('m2', 'v2', '阿杰', '来了来了 🎉🎉'),
  chatFromService('m3', 'v3', '小红', '上次那首《晴天》能再唱一遍吗，声音太好听了'),
];

/** Publish/play statistics as the SDK reports them. */
export const stats = (kbps: number, fps: number) => ({
  videoBitrateKbps: kbps,
  audioBitrateKbps: 48,
  videoFps: fps,
  packetLossRate: 0,
  frameWidth: 720,
  frameHeight: 1280,
  quality: 0,
});

/** The fakes of one state. */
export class Rig {
  readonly log = new CallLog();
  readonly engine = new FakeEngine(this.log);
  readonly api = api as jest.Mocked<typeof api>;
  platform = new FakePlatform(this.log);
  wx!: WxFakes;
  page: PageHarness | null = null;
  /** What WeChat shows over the page in this state (a modal or toast the page asked for), if the state draws it. */
  overlay: Overlay | null = null;

  constructor() {
    engineSlot.engine = this.engine;
  }

  /** Fresh fakes and the service's usual answers, nobody signed in. */
  reset(): void {
    this.page?.unload();
    this.page = null;
    this.overlay = null;
    userStore.signOut();
    this.log.clear();
    this.engine.calls.length = 0;
    this.engine.commands.length = 0;
    this.engine.systemCheck = { code: 0, msg: '' };
    this.platform = new FakePlatform(this.log);
    setPlatform(this.platform);
    this.wx = installWxFakes({ log: this.log });
    enterScene(1001);
    const a = this.api;
    a.getRoom.mockResolvedValue({ room: ROOM });
    a.claimRoom.mockResolvedValue({ room: ROOM });
    a.markLive.mockResolvedValue({ room: ROOM });
    a.endRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
    a.reportStats.mockResolvedValue({ room: ROOM });
    a.heartbeat.mockResolvedValue({ room: ROOM } as never);
    a.getCohosts.mockResolvedValue({ limit: 3, cohosts: [], requests: [], mine: 'none', mixStreamId: null });
    a.getStats.mockRejectedValue(new Error('no figures in this state'));
    // A room nobody has said anything in yet, nothing pinned, no admins (states that want them set their own).
    a.getCatchUp.mockResolvedValue({ lines: [], announcement: null, admins: [] });
    a.signInWithWechat.mockResolvedValue({ sessionToken: 'session_new', user: PEOPLE.viewer });
  }

  /** Signs this user in (a stored session) with a token for the room, publishing `streamID` when given. */
  signIn(
    user: { id: string; nickname: string; avatarUrl: string },
    roomID = 'room_1',
    streamID?: string,
  ): void {
    this.platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: `session_${user.id}`, user });
    this.api.getRoomToken.mockResolvedValue({
      token: `token_${user.id}`,
      expiresAt: Date.now() + 3600_000,
      roomID,
      appID: 1,
      userID: user.id,
      ...(streamID ? { streamID } : {}),
    });
  }

  /** Opens the page as WeChat does. */
  async open(name: PageName, query: Record<string, string> = {}): Promise<PageHarness> {
    this.page = await openPage(name, query);
    return this.page;
  }

  /** Lets `ms` of (fake) time pass, then settles. */
  async wait(ms: number): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
    await settle();
  }

  /** A stream leaves the room (roomStreamUpdate DELETE), and the page settles. */
  async streamLeaves(
    roomID: string,
    stream: { streamID: string; user: { userID: string; userName: string } },
  ) {
    this.engine.emit('roomStreamUpdate', {
      roomID,
      updateType: 'DELETE',
      streams: [{ extraInfo: '', ...stream }],
    });
    await this.wait(100);
  }

  /** Draws the last modal the page asked for. */
  lastModal(): void {
    const calls = this.wx.showModal.mock.calls;
    const options = calls[calls.length - 1]?.[0] as Record<string, unknown> | undefined;
    if (!options) throw new Error('the page showed no modal');
    this.overlay = { kind: 'modal', ...(options as Omit<Extract<Overlay, { kind: 'modal' }>, 'kind'>) };
  }

  /** Draws the last toast the page asked for. */
  lastToast(): void {
    const calls = this.wx.showToast.mock.calls;
    const options = calls[calls.length - 1]?.[0] as { title: string; icon?: string } | undefined;
    if (!options) throw new Error('the page showed no toast');
    this.overlay = { kind: 'toast', title: options.title, icon: options.icon };
  }
}

/** WeChat's entry scene for the next page (1154: Moments' single-page mode; 1001: the usual). */
export function enterScene(scene: number): void {
  const target = wx as unknown as Record<string, unknown>;
  const options = () => ({ scene, path: 'pages/audience/index', query: {} });
  target.getEnterOptionsSync = jest.fn(options);
  target.getLaunchOptionsSync = jest.fn(options);
}
