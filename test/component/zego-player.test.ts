/**
 * zego-player rendered by miniprogram-simulate inside a host that binds it the way the audience page does:
 * properties reach the native <live-player>, its events come out as ours with the stream ID, and the methods drive
 * the component's own native context (createLivePlayerContext(id, this)).
 */
import path from 'path';
import simulate, { type ComponentId } from 'miniprogram-simulate';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const PLAYER = path.join(ROOT, 'components/zego-player/index');

type Callbacks = {
  success?: (res: { errMsg: string }) => void;
  fail?: (res: { errMsg: string; errCode?: number }) => void;
};
type ContextMethod = jest.Mock<void, [Callbacks]>;
interface FakePlayerContext {
  play: ContextMethod;
  stop: ContextMethod;
  pause: ContextMethod;
  resume: ContextMethod;
}

const succeed: (cb: Callbacks) => void = (cb) => cb.success?.({ errMsg: 'ok' });

interface PlayerMethods {
  play(): Promise<void>;
  stop(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

type AnyComponentId = ComponentId<
  WechatMiniprogram.Component.DataOption,
  WechatMiniprogram.Component.PropertyOption,
  WechatMiniprogram.Component.MethodOption
>;

/** jsdom's document (the tests' tsconfig has no DOM lib). */
const jsdom = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;

const BASE_DATA = { sid: '', url: '', muted: false, objectFit: 'contain' };
let events: [string, unknown][];
let context: FakePlayerContext;
let createContext: jest.Mock;
let hostId: AnyComponentId;

beforeAll(() => {
  const playerId = simulate.load(PLAYER, 'zego-player', { rootPath: ROOT });
  hostId = simulate.load({
    usingComponents: { 'zego-player': playerId },
    template: `<zego-player id="zp" sid="{{sid}}" url="{{url}}" muted="{{muted}}" object-fit="{{objectFit}}"
      bind:statechange="onState" bind:netstatus="onNet" />`,
    data: BASE_DATA,
    methods: {
      onState(e: { detail: unknown }) {
        events.push(['statechange', e.detail]);
      },
      onNet(e: { detail: unknown }) {
        events.push(['netstatus', e.detail]);
      },
    },
  });
});

beforeEach(() => {
  events = [];
  context = {
    play: jest.fn(succeed),
    stop: jest.fn(succeed),
    pause: jest.fn(succeed),
    resume: jest.fn(succeed),
  };
  createContext = jest.fn(() => context);
  (wx as unknown as { createLivePlayerContext: jest.Mock }).createLivePlayerContext = createContext;
});

/** Renders a host page binding zego-player like the audience page does. */
async function renderHost(data: Partial<typeof BASE_DATA> = {}) {
  const host = simulate.render(hostId);
  host.attach(jsdom.createElement('parent-wrapper') as Parameters<typeof host.attach>[0]);
  host.setData({ ...BASE_DATA, ...data });
  await simulate.sleep(0);
  const zp = host.querySelector('#zp')!;
  const native = zp.querySelector('#player')!;
  return { host, zp, native, methods: zp.instance as unknown as PlayerMethods };
}

function attrs(node: { toJSON(): { attrs: { name: string; value: unknown }[] } }): Record<string, unknown> {
  return Object.fromEntries(node.toJSON().attrs.map((a) => [a.name, a.value]));
}

const PLAY_URL = 'rtmp://play.zego.im/live/stream_1';

describe('properties', () => {
  test("the page's bindings reach the native live-player (url as src)", async () => {
    const { native } = await renderHost({
      sid: 'stream_1',
      url: PLAY_URL,
      muted: true,
      objectFit: 'fillCrop',
    });
    expect(attrs(native)).toMatchObject({
      src: PLAY_URL,
      muted: true,
      objectFit: 'fillCrop',
      autoplay: false,
    });
  });

  test("ZEGO's defaults: RTC mode, vertical, 1-3 s cache, no picture-in-picture", async () => {
    const { native } = await renderHost();
    expect(attrs(native)).toMatchObject({
      mode: 'RTC',
      orientation: 'vertical',
      minCache: 1,
      maxCache: 3,
      debug: false,
      pictureInPictureMode: '',
    });
  });

  test('a new url re-renders the native src', async () => {
    const { host, native } = await renderHost({ sid: 'stream_1', url: '' });
    host.setData({ url: PLAY_URL });
    await simulate.sleep(0);
    expect(attrs(native).src).toBe(PLAY_URL);
  });
});

describe('events carry the stream ID', () => {
  test('native statechange arrives as our statechange with {code, message, streamID}', async () => {
    const { native } = await renderHost({ sid: 'stream_1', url: PLAY_URL });
    native.dispatchEvent('statechange', { detail: { code: 2004, message: '视频播放开始' } });
    native.dispatchEvent('statechange', { detail: { code: 2103 } });
    await simulate.sleep(0);
    expect(events).toEqual([
      ['statechange', { code: 2004, message: '视频播放开始', streamID: 'stream_1' }],
      ['statechange', { code: 2103, streamID: 'stream_1' }],
    ]);
  });

  test('native netstatus arrives as our netstatus with {info, streamID}', async () => {
    const { native } = await renderHost({ sid: 'stream_9', url: PLAY_URL });
    const info = { videoBitrate: 700, audioBitrate: 32, videoFPS: 15, videoWidth: 368, videoHeight: 640 };
    native.dispatchEvent('netstatus', { detail: { info } });
    await simulate.sleep(0);
    expect(events).toEqual([['netstatus', { info, streamID: 'stream_9' }]]);
  });
});

describe('methods', () => {
  test("play() asks for this component's own live-player context and resolves on success", async () => {
    const { methods, zp } = await renderHost({ sid: 'stream_1', url: PLAY_URL });
    await expect(methods.play()).resolves.toBeUndefined();
    expect(createContext).toHaveBeenCalledWith('player', zp.instance);
    expect(context.play).toHaveBeenCalledTimes(1);
  });

  test('play() rejects with {code, msg} when the native play fails', async () => {
    context.play.mockImplementation((cb) => cb.fail?.({ errMsg: 'operateLivePlayer:fail', errCode: -2301 }));
    const { methods } = await renderHost({ sid: 'stream_1', url: PLAY_URL });
    await expect(methods.play()).rejects.toEqual({ code: -2301, msg: 'operateLivePlayer:fail' });
  });

  test('play() without a url rejects before touching the native player', async () => {
    const { methods } = await renderHost({ sid: 'stream_1', url: '' });
    await expect(methods.play()).rejects.toEqual({ code: -2, msg: expect.stringContaining('url') });
    expect(context.play).not.toHaveBeenCalled();
  });

  test.each(['stop', 'pause', 'resume'] as const)('%s() drives the native context', async (name) => {
    const { methods } = await renderHost({ sid: 'stream_1', url: PLAY_URL });
    await expect(methods[name]()).resolves.toBeUndefined();
    expect(context[name]).toHaveBeenCalledTimes(1);

    context[name].mockImplementation((cb) => cb.fail?.({ errMsg: `${name}:fail` }));
    await expect(methods[name]()).rejects.toEqual({ code: -1, msg: `${name}:fail` });
  });
});
