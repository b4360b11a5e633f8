/**
 * Loads a mini-program page (built with Component()) in miniprogram-simulate the way WeChat opens it:
 * render -> attach -> onLoad(query) -> show. Replaces the wx APIs a page touches (native live contexts,
 * navigation, modal, toast, pull-down refresh) with recording fakes, and records every setData the page makes
 * (calls and bytes, for the no-setData-while-hidden check and the setData bench).
 *
 * Usage (see test/component/pages-*.test.ts for the module mocks and fakes a live page needs):
 *   engineSlot.engine = new FakeEngine(log);            // what loadRtcEngine hands the store
 *   const page = await openPage('anchor', { roomID: 'r1' });
 *   page.setDataCalls                                    // every setData: keys, bytes, time (Date.now)
 *   await page.tap('#go-live');
 *   expect(page.nativeAttr('live-pusher', 'url')).toBe(...);
 *   page.unload();
 */
import * as path from 'path';
import * as simulate from 'miniprogram-simulate';
import { CallLog, type FakeEngine } from './fake-engine';
import type { ApiRoom } from '../../miniprogram/services/api-client';

/** The mini-program folder (simulate's rootPath, so /components/... resolve). */
export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram');

/** The app's pages. */
export type PageName = 'login' | 'anchor' | 'audience' | 'rooms' | 'call' | 'replay';

/** Where a page lives: login and the room list in the main package (home/), the live pages in the live subpackage. */
export function pagePath(name: PageName): string {
  return name === 'login' || name === 'rooms' ? `home/${name}/index` : `pages/${name}/index`;
}

/** One setData the page made: the payload, its JSON size in bytes, and when (Date.now(), fake timers aware). */
export interface SetDataRecord {
  data: Record<string, unknown>;
  keys: string[];
  bytes: number;
  at: number;
}

/** simulate's component wrapper, with what its typings leave out (pageLifetimes, attach without DOM types). */
type JComponent = ReturnType<typeof simulate.render>;
interface JRoot {
  attach(parent: unknown): void;
  detach(): void;
  triggerPageLifeTime(lifetime: 'show' | 'hide' | 'resize', ...args: unknown[]): void;
}

/** The jsdom document (the test tsconfig has no DOM lib). */
const jsdom = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;

/** A JSON node of simulate's toJSON() tree. */
interface JsonNode {
  tagName: string;
  attrs: { name: string; value: unknown }[];
  children: (JsonNode | string)[];
}

/** The options WeChat's native context methods take. */
interface CallbackOptions {
  success?: (res: { errMsg: string }) => void;
  fail?: (res: { errMsg: string }) => void;
  complete?: (res: { errMsg: string }) => void;
}

/** A fake LivePusherContext / LivePlayerContext: records calls (also into the shared log) and succeeds async. */
export class FakeLiveContext {
  /** Method names called, in order. */
  readonly calls: string[] = [];
  /** Set to make the next calls fail (fail callback / rejected promise). */
  failWith: string | null = null;

  constructor(
    readonly kind: 'pusher' | 'player',
    readonly id: string,
    private readonly log: CallLog,
  ) {}

  private call(name: string, options?: CallbackOptions): Promise<{ errMsg: string }> {
    this.calls.push(name);
    this.log.record(`native-${this.kind}`, name, [this.id]);
    const failure = this.failWith;
    return Promise.resolve().then(() => {
      const res = { errMsg: failure ? `${name}:fail ${failure}` : `${name}:ok` };
      if (failure) options?.fail?.(res);
      else options?.success?.(res);
      options?.complete?.(res);
      if (failure) throw res;
      return res;
    });
  }

  start = (o?: CallbackOptions) => this.call('start', o);
  stop = (o?: CallbackOptions) => this.call('stop', o);
  pause = (o?: CallbackOptions) => this.call('pause', o);
  resume = (o?: CallbackOptions) => this.call('resume', o);
  switchCamera = (o?: CallbackOptions) => this.call('switchCamera', o);
  play = (o?: CallbackOptions) => this.call('play', o);
  mute = (o?: CallbackOptions) => this.call('mute', o);
  snapshot = (o?: CallbackOptions) => this.call('snapshot', o);
  requestFullScreen = (o?: CallbackOptions) => this.call('requestFullScreen', o);
  exitFullScreen = (o?: CallbackOptions) => this.call('exitFullScreen', o);
  toggleTorch = (o?: CallbackOptions) => this.call('toggleTorch', o);
  pauseBGM = (o?: CallbackOptions) => this.call('pauseBGM', o);
  resumeBGM = (o?: CallbackOptions) => this.call('resumeBGM', o);
  stopBGM = (o?: CallbackOptions) => this.call('stopBGM', o);
}

/** The fakes installed on `wx` for one test. */
export interface WxFakes {
  /** Shared ordered log (pass the FakeEngine the same one to assert SDK-then-component order). */
  log: CallLog;
  /** Every LivePusherContext / LivePlayerContext created, in order. */
  pusherContexts: FakeLiveContext[];
  playerContexts: FakeLiveContext[];
  navigateTo: jest.Mock;
  redirectTo: jest.Mock;
  reLaunch: jest.Mock;
  navigateBack: jest.Mock;
  showModal: jest.Mock;
  showToast: jest.Mock;
  stopPullDownRefresh: jest.Mock;
  updateWeChatApp: jest.Mock;
}

/** A wx API that succeeds asynchronously (callbacks and promise), recorded by a jest.fn. */
const asyncApi = (name: string, result: Record<string, unknown> = {}) =>
  jest.fn((options: CallbackOptions = {}) => {
    const res = { errMsg: `${name}:ok`, ...result };
    return Promise.resolve().then(() => {
      options.success?.(res);
      options.complete?.(res);
      return res;
    });
  });

/**
 * Replaces the wx APIs pages use with fakes. The modal answers `confirm` (default true). Call in beforeEach;
 * simulate's own wx stays underneath for everything else.
 */
export function installWxFakes(options: { log?: CallLog; confirm?: boolean } = {}): WxFakes {
  const log = options.log ?? new CallLog();
  const fakes: WxFakes = {
    log,
    pusherContexts: [],
    playerContexts: [],
    navigateTo: asyncApi('navigateTo'),
    redirectTo: asyncApi('redirectTo'),
    reLaunch: asyncApi('reLaunch'),
    navigateBack: asyncApi('navigateBack'),
    showModal: asyncApi('showModal', {
      confirm: options.confirm ?? true,
      cancel: !(options.confirm ?? true),
    }),
    showToast: asyncApi('showToast'),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh'),
    updateWeChatApp: asyncApi('updateWeChatApp'),
  };
  const target = wx as unknown as Record<string, unknown>;
  target.createLivePusherContext = jest.fn((id?: string) => {
    const context = new FakeLiveContext('pusher', id ?? 'pusher', log);
    fakes.pusherContexts.push(context);
    return context;
  });
  target.createLivePlayerContext = jest.fn((id?: string) => {
    const context = new FakeLiveContext('player', id ?? 'player', log);
    fakes.playerContexts.push(context);
    return context;
  });
  for (const name of [
    'navigateTo',
    'redirectTo',
    'reLaunch',
    'navigateBack',
    'showModal',
    'showToast',
    'stopPullDownRefresh',
    'updateWeChatApp',
  ] as const) {
    target[name] = fakes[name];
  }
  target.setKeepScreenOn = jest.fn();
  // The replay page's <video>: its speed is set through the context.
  target.createVideoContext = jest.fn(() => ({ playbackRate: jest.fn(), play: jest.fn(), pause: jest.fn() }));
  target.switchTab = asyncApi('switchTab');
  return fakes;
}

/** True when jest's modern fake timers are installed (their setTimeout carries the clock). */
const fakeTimersOn = (): boolean =>
  typeof (globalThis.setTimeout as unknown as { clock?: unknown }).clock === 'object';

/**
 * Lets events, bindings (wx.nextTick) and promise chains settle: a few macrotask turns. Works with real timers
 * and with jest's modern fake timers (it then advances them by 0 ms per turn, so no store timer fires early).
 */
export async function settle(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (fakeTimersOn()) await jest.advanceTimersByTimeAsync(0);
    else await simulate.sleep(0);
  }
}

const loaded = new Map<string, string>();

/** simulate.load once per file per test file (loading twice breaks render). */
function loadOnce(file: string, options: Record<string, unknown>): string {
  let id = loaded.get(file);
  if (!id) {
    id = simulate.load(file, { rootPath: MINIPROGRAM_ROOT, ...options });
    loaded.set(file, id);
  }
  return id;
}

/**
 * Our components, registered once and handed to every page by ID: a second page using the same component would
 * otherwise register it again from a module jest has cached, without its methods (the call page uses both).
 */
function sharedComponents(): Record<string, string> {
  const component = (name: string) => loadOnce(path.join(MINIPROGRAM_ROOT, 'components', name, 'index'), {});
  return { 'zego-pusher': component('zego-pusher'), 'zego-player': component('zego-player') };
}

/** A page, loaded once per test file, with the shared components. */
export function loadPage(name: PageName): string {
  return loadOnce(path.join(MINIPROGRAM_ROOT, pagePath(name)), {
    usingComponents: sharedComponents(),
  });
}

/** What a page built with Component() has besides the component API (its page methods). */
type PageMethods = Record<string, (...args: unknown[]) => unknown>;

/** A page opened in simulate. */
export class PageHarness {
  /** Every setData the page made, in order (the bindings' and the page's own). */
  readonly setDataCalls: SetDataRecord[] = [];
  private readonly parent: unknown;
  private unloaded = false;

  constructor(readonly component: JComponent) {
    this.parent = jsdom.createElement('parent-wrapper');
    const instance = component.instance as unknown as {
      setData: (data: Record<string, unknown>, callback?: () => void) => void;
    };
    const original = instance.setData.bind(instance);
    instance.setData = (data, callback) => {
      const json = JSON.stringify(data) ?? '';
      this.setDataCalls.push({
        data,
        keys: Object.keys(data),
        bytes: Buffer.byteLength(json),
        at: Date.now(),
      });
      original(data, callback);
    };
  }

  /** The page instance (`this` in its methods). */
  get instance(): PageMethods & { data: Record<string, unknown> } {
    return this.component.instance as unknown as PageMethods & { data: Record<string, unknown> };
  }

  /** The page's data. */
  get data(): Record<string, unknown> {
    return this.component.data as Record<string, unknown>;
  }

  /** Calls a page method (onLoad, onShareAppMessage, onPullDownRefresh ...). */
  call<T = unknown>(method: string, ...args: unknown[]): T {
    const fn = this.instance[method];
    if (typeof fn !== 'function') throw new Error(`the page has no method ${method}`);
    return fn.apply(this.instance, args) as T;
  }

  private get root(): JRoot {
    return this.component as unknown as JRoot;
  }

  /** WeChat's open sequence after render: attach, onLoad(query), show. */
  async open(query: Record<string, string>): Promise<this> {
    this.root.attach(this.parent);
    this.call('onLoad', query);
    this.root.triggerPageLifeTime('show');
    await settle();
    return this;
  }

  /** The page goes to the background (another page on top, app hidden). */
  async hide(): Promise<void> {
    this.root.triggerPageLifeTime('hide');
    await settle();
  }

  /** The page comes back. */
  async show(): Promise<void> {
    this.root.triggerPageLifeTime('show');
    await settle();
  }

  /** The page is closed: onUnload, then detached. */
  unload(): void {
    if (this.unloaded) return;
    this.unloaded = true;
    if (typeof this.instance.onUnload === 'function') this.call('onUnload');
    this.root.detach();
  }

  /** setData calls made since `index` (e.g. `const n = page.setDataCalls.length` before an action). */
  setDataSince(index: number): SetDataRecord[] {
    return this.setDataCalls.slice(index);
  }

  /** The text the user sees (whitespace collapsed), of the page or of one element. */
  text(selector?: string): string {
    const node = selector ? this.component.querySelector(selector) : this.component;
    if (!node) return '';
    const dom = node.dom as unknown as { textContent?: string } | undefined;
    return (dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Whether an element is rendered. */
  exists(selector: string): boolean {
    return this.component.querySelector(selector) !== undefined;
  }

  /** The element, or a clear failure. */
  find(selector: string): NonNullable<ReturnType<JComponent['querySelector']>> {
    const node = this.component.querySelector(selector);
    if (!node) throw new Error(`${selector} is not on the page. Page text: ${this.text()}`);
    return node;
  }

  /** Taps an element and waits for the consequences. */
  async tap(selector: string): Promise<void> {
    this.find(selector).dispatchEvent('tap');
    await settle();
  }

  /** Types into an input (bindinput) and waits. */
  async input(selector: string, value: string): Promise<void> {
    this.find(selector).dispatchEvent('input', { detail: { value, cursor: value.length } });
    await settle();
  }

  /** Fires any event with a detail on an element (change, confirm, chooseavatar ...). */
  async fire(selector: string, eventName: string, detail: Record<string, unknown>): Promise<void> {
    this.find(selector).dispatchEvent(eventName, { detail });
    await settle();
  }

  /** The JSON tree (simulate's toJSON, including custom components' insides). */
  json(): JsonNode {
    return this.component.toJSON() as unknown as JsonNode;
  }

  /**
   * Attributes of every rendered node with this tag (e.g. 'live-pusher', also inside zego-pusher), in document
   * order, by their JSON names (simulate reports properties camelCased: enableCamera, waitingImage).
   */
  nodes(tagName: string): Record<string, unknown>[] {
    return this.findAllDeep(tagName).map((node) => {
      const json = node.toJSON() as unknown as JsonNode;
      return Object.fromEntries(json.attrs.map((attr) => [attr.name, attr.value]));
    });
  }

  /** One attribute of the index-th node with this tag (undefined when there is none). */
  nativeAttr(tagName: string, attr: string, index = 0): unknown {
    return this.nodes(tagName)[index]?.[attr];
  }

  /**
   * Dispatches an event on a node found by tag anywhere in the tree, custom components' insides included
   * (the native <live-pusher>/<live-player> inside zego-pusher/zego-player), as the native component would.
   */
  async nativeEvent(
    tagName: string,
    eventName: string,
    detail: Record<string, unknown>,
    index = 0,
  ): Promise<void> {
    const target = this.findDeep(tagName, index);
    if (!target) throw new Error(`no <${tagName}> #${index} on the page`);
    target.dispatchEvent(eventName, { detail });
    await settle();
  }

  /** A j-component wrapper for the index-th node with this tag, searching through shadow trees. */
  private findDeep(tagName: string, index: number): JComponent | undefined {
    return this.findAllDeep(tagName)[index];
  }

  /** j-component wrappers of every node with this tag, custom components' shadow trees included. */
  private findAllDeep(tagName: string): JComponent[] {
    type ExparserNode = {
      is?: string;
      _vt?: { tagName?: string };
      shadowRoot?: ExparserNode;
      childNodes?: ExparserNode[];
    };
    const root = (this.component as unknown as { _exparserNode: ExparserNode })._exparserNode;
    const matches: ExparserNode[] = [];
    const seen = new Set<ExparserNode>();
    const walk = (node: ExparserNode | undefined) => {
      if (!node || seen.has(node)) return;
      seen.add(node);
      if (node._vt?.tagName === tagName || node.is === tagName) matches.push(node);
      walk(node.shadowRoot);
      (node.childNodes ?? []).forEach(walk);
    };
    walk(root);
    // simulate's Component class (RootComponent's parent) wraps any exparser node.
    const ComponentClass = Object.getPrototypeOf(Object.getPrototypeOf(this.component)).constructor as new (
      node: unknown,
    ) => JComponent;
    return matches.map((node) => new ComponentClass(node));
  }
}

/** The anchor taps 开始直播 and the SDK reports the stream PUBLISHING. */
export async function goLive(page: PageHarness, engine: FakeEngine, streamID: string): Promise<void> {
  await page.tap('#go-live');
  engine.emit('publisherStateUpdate', { streamID, state: 'PUBLISHING', errorCode: 0, extendedData: '' });
}

/** Loads, renders and opens a page with this query; the returned harness records its setData. */
export async function openPage(name: PageName, query: Record<string, string> = {}): Promise<PageHarness> {
  const component = simulate.render(loadPage(name));
  if (!component) throw new Error(`simulate could not render ${pagePath(name)}`);
  const page = new PageHarness(component);
  await page.open(query);
  return page;
}

// ---- Module mocks for page tests ----
// Use inside jest.mock factories (which may only reach `require`d modules):
//   jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
//   jest.mock('../../miniprogram/services/rtc-engine', () => require('../helpers/page-harness').mockRtcEngineModule());

/** The engine loadRtcEngine hands the store (set it before the page opens; the store keeps the first one). */
export const engineSlot: { engine: unknown } = { engine: null };

/** services/rtc-engine with loadRtcEngine answering engineSlot.engine (the real SDK is never loaded). */
export function mockRtcEngineModule(): { loadRtcEngine: () => Promise<unknown> } {
  return {
    loadRtcEngine: () =>
      engineSlot.engine
        ? Promise.resolve(engineSlot.engine)
        : Promise.reject(new Error('no engine in engineSlot')),
  };
}

/**
 * services/api with every route a jest.fn (ApiError, request and setSessionToken stay real); the chat routes
 * answer as a service that accepts every line, with comments on.
 */
export function mockApiModule(): Record<string, unknown> {
  const actual = jest.requireActual('../../miniprogram/services/api') as Record<string, unknown>;
  const routes = actual.api as Record<string, unknown>;
  const api = Object.fromEntries(Object.keys(routes).map((name) => [name, jest.fn()])) as Record<
    string,
    jest.Mock
  >;
  let messageID = 0;
  api.sendMessage.mockImplementation(async (_roomID: string, text: string) => ({
    message: { id: (messageID += 1), text, sentAt: Date.now() },
  }));
  api.sendLikes.mockImplementation(async (_roomID: string, count: number) => ({ likes: count }));
  api.getChat.mockImplementation(async () => ({
    commentsOff: false,
    mutedUntil: null,
    removed: false,
    maxLength: 100,
  }));
  return { ...actual, api };
}

export { chatFromService, chatStateFromService } from './service-chat';

/** A room as the service returns it (its type is the service's schema: a field the service sends is here too). */
export function roomFixture(overrides: Partial<ApiRoom> = {}): ApiRoom {
  const id = overrides.id ?? 'room_1';
  return {
    id,
    title: '周末音乐直播',
    kind: 'live',
    status: 'idle',
    streamID: `${id}_main`,
    anchor: { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' },
    members: [],
    createdAt: Date.parse('2026-01-01T00:00:00.000Z'),
    startedAt: null,
    endedAt: null,
    stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
    ...overrides,
  };
}

/** A room's figures as GET /api/rooms/:id/stats answers after the show: 1 h 2 min 5 s, peak 86, 1.2万 likes, 345 messages. */
export function roomFiguresFixture() {
  return {
    roomId: 'room_1',
    status: 'ended' as const,
    viewers: 0,
    peakViewers: 86,
    likes: 12_345,
    messages: 345,
    durationMs: 3_725_000,
    startedAt: 1,
    endedAt: 2,
  };
}
