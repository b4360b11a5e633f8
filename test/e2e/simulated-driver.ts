/**
 * E2EDriver on miniprogram-simulate (jest, jsdom): the real pages, components, stores and API client; the real
 * live service over loopback HTTP (wx.request is answered by it); a fake ZEGO cloud behind the engine adapter that
 * behaves like the real one (connects on login, publishes when the native pusher starts, plays when the player
 * plays, announces streams already in the room); a fake phone platform. Navigation (navigateTo, redirectTo,
 * reLaunch) opens the target page, as WeChat would.
 *
 * The test file must mock the engine module with the page harness (jest.mock is hoisted per file):
 *   jest.mock('../../miniprogram/services/rtc-engine', () => require('../helpers/page-harness').mockRtcEngineModule());
 */
import { API_BASE_URL } from '../../miniprogram/config';
import { setPlatform } from '../../miniprogram/services/platform';
import type { RtcStream, RtcUser } from '../../miniprogram/services/rtc-types';
import { cohostCommand, type CohostSignal } from '@zego-live/contract';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  installWxFakes,
  openPage as openHarnessPage,
  pagePath as harnessPagePath,
  settle,
  type PageHarness,
  type PageName,
  type WxFakes,
} from '../helpers/page-harness';
import { type CallElsewhere, type E2EDriver, type LiveElsewhere, poll } from './driver';
import { httpJson, type LiveService } from './live-service';

/** A shared call log that lets the fake cloud react to the native components, as ZEGO's cloud does. */
export class WorldLog extends CallLog {
  onRecord: ((source: string, name: string, args: unknown[]) => void) | null = null;

  record(source: string, name: string, args: unknown[]): void {
    super.record(source, name, args);
    this.onRecord?.(source, name, args);
  }
}

/**
 * The ZEGO cloud as the app sees it through the engine adapter: rooms with their streams, login that connects,
 * publish and play that succeed once the native pusher/player start.
 */
export class FakeZegoCloud extends FakeEngine {
  /** Streams being published in each room (by other phones, or by this one). */
  readonly roomStreams = new Map<string, RtcStream[]>();
  private publishingStream: string | null = null;
  private readonly pendingPlays: string[] = [];

  constructor(readonly worldLog: WorldLog) {
    super(worldLog);
    worldLog.onRecord = (source, name) => {
      if (source === 'native-pusher' && name === 'start' && this.publishingStream) {
        const streamID = this.publishingStream;
        this.ownStream = streamID;
        this.later(() =>
          this.emit('publisherStateUpdate', {
            streamID,
            state: 'PUBLISHING',
            errorCode: 0,
            extendedData: '',
          }),
        );
      }
      if (source === 'native-player' && name === 'play') {
        for (const streamID of this.pendingPlays.splice(0)) {
          this.later(() =>
            this.emit('playerStateUpdate', { streamID, state: 'PLAYING', errorCode: 0, extendedData: '' }),
          );
        }
      }
    };
  }

  private later(fn: () => void): void {
    setTimeout(fn, 20);
  }

  /** Another phone publishes in this room (it joins the room's users too). */
  publish(roomID: string, stream: RtcStream): void {
    this.roomStreams.set(roomID, [...(this.roomStreams.get(roomID) ?? []), stream]);
    if (this.rooms.has(roomID)) {
      this.emit('roomUserUpdate', { roomID, updateType: 'ADD', users: [stream.user] });
      this.emit('roomStreamUpdate', { roomID, updateType: 'ADD', streams: [stream] });
    }
  }

  /** Another phone stops publishing and leaves the room. */
  unpublish(roomID: string, streamID: string): void {
    const streams = this.roomStreams.get(roomID) ?? [];
    const gone = streams.filter((s) => s.streamID === streamID);
    this.roomStreams.set(
      roomID,
      streams.filter((s) => s.streamID !== streamID),
    );
    if (!this.rooms.has(roomID) || gone.length === 0) return;
    this.emit('roomStreamUpdate', { roomID, updateType: 'DELETE', streams: gone });
    this.emit('roomUserUpdate', { roomID, updateType: 'DELETE', users: gone.map((s) => s.user) });
  }

  /** This phone's own stream once the native pusher started (the cloud has it while it publishes). */
  ownStream: string | null = null;

  /** The streams in a room: the other phones' and this phone's own. */
  streamsIn(roomID: string): string[] {
    const others = (this.roomStreams.get(roomID) ?? []).map((s) => s.streamID);
    return this.ownStream && this.rooms.has(roomID) ? [...others, this.ownStream] : others;
  }

  async loginRoom(roomID: string, token: string, user: RtcUser): Promise<void> {
    await super.loginRoom(roomID, token, user);
    this.later(() => {
      this.emit('roomStateUpdate', { roomID, state: 'CONNECTED', errorCode: 0, extendedData: '' });
      const streams = this.roomStreams.get(roomID) ?? [];
      if (streams.length) this.emit('roomStreamUpdate', { roomID, updateType: 'ADD', streams });
    });
  }

  async startPublishingStream(streamID: string): Promise<{ url: string }> {
    const result = await super.startPublishingStream(streamID);
    this.publishingStream = streamID;
    return result;
  }

  stopPublishingStream(streamID: string): void {
    super.stopPublishingStream(streamID);
    this.publishingStream = null;
    if (this.ownStream === streamID) this.ownStream = null;
  }

  async startPlayingStream(streamID: string): Promise<{ url: string }> {
    const result = await super.startPlayingStream(streamID);
    this.pendingPlays.push(streamID);
    return result;
  }
}

/** The subset of wx.request's options the API client uses. */
interface RequestOptions {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
  success?: (res: {
    statusCode: number;
    data: unknown;
    header: Record<string, string>;
    errMsg: string;
  }) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: () => void;
}

const PAGE_NAMES: PageName[] = ['login', 'anchor', 'audience', 'rooms', 'call'];

/** Splits `/pages/anchor/index?roomID=r1` into the page name and its (decoded) query. */
function parsePath(pagePath: string): { name: PageName; query: Record<string, string> } {
  const [route, search = ''] = pagePath.replace(/^\//, '').split('?');
  const name = PAGE_NAMES.find((page) => harnessPagePath(page) === route);
  if (!name) throw new Error(`not a page of this app: ${pagePath}`);
  const query: Record<string, string> = {};
  for (const pair of search.split('&').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    // WeChat hands onLoad the query as written (still encoded); the pages decode what they expect to be encoded.
    query[decodeURIComponent(key)] = value;
  }
  return { name, query };
}

/** The simulate-backed driver; one per test file (the stores and the engine are app singletons). */
export class SimulatedDriver implements E2EDriver {
  readonly name = 'simulate';
  readonly media = 'simulated' as const;
  readonly cloud: FakeZegoCloud;
  readonly platform: FakePlatform;
  private wxFakes: WxFakes | null = null;
  private page: PageHarness | null = null;
  private pageName: PageName | null = null;
  private pageQuery: Record<string, string> = {};
  private navigationsSeen = 0;

  constructor(readonly service: LiveService) {
    this.cloud = new FakeZegoCloud(new WorldLog());
    engineSlot.engine = this.cloud;
    this.platform = new FakePlatform(this.cloud.log);
  }

  /** Installs the fakes on wx and the platform; call in beforeEach (jest's clearMocks resets them). */
  install(): void {
    setPlatform(this.platform);
    this.wxFakes = installWxFakes({ log: this.cloud.log, confirm: true });
    this.navigationsSeen = 0;
    const baseUrl = this.service.baseUrl;
    (wx as unknown as { request: (options: RequestOptions) => void }).request = (options) => {
      const urlPath = options.url.startsWith(API_BASE_URL)
        ? options.url.slice(API_BASE_URL.length)
        : options.url;
      const headers = Object.fromEntries(
        Object.entries(options.header ?? {}).filter(([key]) => key.toLowerCase() !== 'content-type'),
      );
      httpJson(baseUrl, options.method ?? 'GET', urlPath, options.data, headers).then(
        (res) => {
          options.success?.({ statusCode: res.status, data: res.body, header: {}, errMsg: 'request:ok' });
          options.complete?.();
        },
        (error: Error) => {
          options.fail?.({ errMsg: `request:fail ${error.message}` });
          options.complete?.();
        },
      );
    };
  }

  async reset(): Promise<void> {
    this.closePage();
    liveSession.leave();
    userStore.signOut();
    this.platform.storage.clear();
    await settle();
  }

  private closePage(): void {
    this.page?.unload();
    this.page = null;
    this.pageName = null;
  }

  async openPage(pagePath: string): Promise<void> {
    const { name, query } = parsePath(pagePath);
    this.closePage();
    this.page = await openHarnessPage(name, query);
    this.pageName = name;
    this.pageQuery = query;
    await this.followNavigation();
  }

  /** Opens the page the app navigated to since the last look (the last one wins, as on a phone). */
  private async followNavigation(): Promise<void> {
    for (let hops = 0; hops < 5; hops += 1) {
      const fakes = this.wxFakes;
      if (!fakes) return;
      const calls = [fakes.navigateTo, fakes.redirectTo, fakes.reLaunch].flatMap((fn) =>
        fn.mock.calls.map((call, i) => ({
          order: fn.mock.invocationCallOrder[i],
          url: (call[0] as { url: string }).url,
        })),
      );
      if (calls.length <= this.navigationsSeen) return;
      calls.sort((a, b) => a.order - b.order);
      const target = calls[calls.length - 1].url;
      this.navigationsSeen = calls.length;
      const { name, query } = parsePath(target);
      this.closePage();
      this.page = await openHarnessPage(name, query);
      this.pageName = name;
      this.pageQuery = query;
    }
  }

  async currentPath(): Promise<string> {
    await this.followNavigation();
    return this.pageName ? harnessPagePath(this.pageName) : '';
  }

  async currentQuery(name: string): Promise<string> {
    await this.followNavigation();
    const value = this.pageQuery[name];
    return value === undefined ? '' : decodeURIComponent(value);
  }

  private current(): PageHarness {
    if (!this.page) throw new Error('no page is open');
    return this.page;
  }

  async tap(selector: string): Promise<void> {
    await this.current().tap(selector);
    await settle();
    await this.followNavigation();
  }

  async input(selector: string, text: string): Promise<void> {
    await this.current().input(selector, text);
  }

  async text(selector?: string): Promise<string> {
    await this.followNavigation();
    return this.page ? this.page.text(selector) : '';
  }

  async exists(selector: string): Promise<boolean> {
    await this.followNavigation();
    return this.page ? this.page.exists(selector) : false;
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
    await poll(
      check,
      async () => `${await this.currentPath()}: ${await this.text()}`,
      what,
      timeoutMs,
      async (ms) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        await settle(1);
      },
    );
  }

  /** Another phone claims the room and publishes: the service says live, the cloud has its stream. */
  anchorGoesLiveElsewhere = async (roomID: string, invite: string): Promise<void> => {
    const anchor = await this.service.signIn('远方主播');
    const { room } = await this.service.claim(anchor.sessionToken, roomID, invite);
    await this.service.markLive(anchor.sessionToken, roomID);
    this.cloud.publish(roomID, {
      streamID: room.streamID ?? `${roomID}_main`,
      user: { userID: anchor.user.id, userName: anchor.user.nickname },
      extraInfo: '',
    });
  };

  /** The other phone of a call: seats through the real service, streams in the fake cloud. */
  callElsewhere: CallElsewhere = {
    start: async (nickname) => {
      const who = await this.signInElsewhere(nickname);
      const { room } = await this.service.createCall(who.sessionToken, `${nickname}的视频通话`);
      const { streamID } = await this.callElsewhere.join(room.id, nickname);
      return { roomID: room.id, streamID };
    },
    join: async (roomID, nickname) => {
      const who = await this.signInElsewhere(nickname);
      const token = await this.service.callToken(who.sessionToken, roomID);
      const streamID = token.streamID ?? `${roomID}_${who.user.id}`;
      this.cloud.publish(roomID, {
        streamID,
        user: { userID: who.user.id, userName: who.user.nickname },
        extraInfo: '',
      });
      return { streamID };
    },
    hangUp: async (roomID, nickname) => {
      const who = await this.signInElsewhere(nickname);
      const mine = (this.cloud.roomStreams.get(roomID) ?? []).filter((s) => s.user.userID === who.user.id);
      for (const stream of mine) this.cloud.unpublish(roomID, stream.streamID);
      await this.service.end(who.sessionToken, roomID);
    },
    streams: (roomID) => this.cloud.streamsIn(roomID),
  };

  /** The anchor and the other viewers of a live room: the real service decides, the fake cloud carries streams. */
  liveElsewhere: LiveElsewhere = {
    anchorLive: async (roomID, invite) => {
      await this.anchorGoesLiveElsewhere(roomID, invite);
      return { streamID: `${roomID}_main` };
    },
    anchorAcceptsRequest: async (roomID) => {
      const anchor = await this.signInElsewhere('远方主播');
      const [request] = (await this.service.cohosts(roomID, anchor.sessionToken)).requests;
      if (!request) throw new Error(`no pending co-host request in ${roomID}`);
      const { signalled } = await this.service.acceptCohost(anchor.sessionToken, roomID, request.userId);
      if (!signalled) this.tell(roomID, anchor.user, 'accepted', request.userId);
      return { userID: request.userId };
    },
    cohostJoins: async (roomID, nickname) => {
      const viewer = await this.signInElsewhere(nickname);
      await this.service.requestCohost(viewer.sessionToken, roomID);
      const anchor = await this.signInElsewhere('远方主播');
      await this.service.acceptCohost(anchor.sessionToken, roomID, viewer.user.id);
      const token = await this.service.cohostToken(viewer.sessionToken, roomID);
      const streamID = token.streamID ?? `${roomID}_co_${viewer.user.id}`;
      this.tell(roomID, anchor.user, 'accepted', viewer.user.id);
      this.cloud.publish(roomID, {
        streamID,
        user: { userID: viewer.user.id, userName: nickname },
        extraInfo: '',
      });
      return { userID: viewer.user.id, streamID };
    },
    cohostEnds: async (roomID, nickname) => {
      const viewer = await this.signInElsewhere(nickname);
      const mine = (this.cloud.roomStreams.get(roomID) ?? []).filter((s) => s.user.userID === viewer.user.id);
      for (const stream of mine) this.cloud.unpublish(roomID, stream.streamID);
      const { signalled } = await this.service.endCohost(viewer.sessionToken, roomID, viewer.user.id);
      if (!signalled) this.tell(roomID, viewer.user, 'ended', viewer.user.id);
    },
    streams: (roomID) => this.cloud.streamsIn(roomID),
  };

  /** A custom command from another phone reaches this one (what the SDK's sendCustomCommand would deliver). */
  private tell(
    roomID: string,
    from: { id: string; nickname: string },
    signal: CohostSignal,
    userID: string,
  ): void {
    if (!this.cloud.rooms.has(roomID)) return;
    this.cloud.emit('IMRecvCustomCommand', {
      roomID,
      fromUser: { userID: from.id, userName: from.nickname },
      command: cohostCommand(signal, userID),
    });
  }

  /** The same nickname is the same user (AUTH_MODE=dev). */
  private signInElsewhere(nickname: string) {
    return this.service.signIn(nickname);
  }

  /** Closes the page; the test stops the service. */
  close(): void {
    this.closePage();
  }
}
