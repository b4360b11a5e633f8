/**
 * zego-pusher rendered by miniprogram-simulate inside a host that binds it the way the anchor page does:
 * properties reach the native <live-pusher>, its events come out as ours, and the methods drive the native context.
 */
import path from 'path';
import simulate, { type ComponentId } from 'miniprogram-simulate';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const PUSHER = path.join(ROOT, 'components/zego-pusher/index');

type Callbacks = {
  success?: (res: { errMsg: string }) => void;
  fail?: (res: { errMsg: string; errCode?: number }) => void;
};
type ContextMethod = jest.Mock<void, [Callbacks]>;
interface FakePusherContext {
  start: ContextMethod;
  stop: ContextMethod;
  pause: ContextMethod;
  resume: ContextMethod;
  switchCamera: ContextMethod;
}

const succeed: (cb: Callbacks) => void = (cb) => cb.success?.({ errMsg: 'ok' });

function fakeContext(): FakePusherContext {
  return {
    start: jest.fn(succeed),
    stop: jest.fn(succeed),
    pause: jest.fn(succeed),
    resume: jest.fn(succeed),
    switchCamera: jest.fn(succeed),
  };
}

interface PusherMethods {
  start(): Promise<void>;
  stop(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  switchCamera(): Promise<void>;
}

/** jsdom's document (the tests' tsconfig has no DOM lib). */
const jsdom = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;

let events: [string, unknown][];
let context: FakePusherContext;
let createContext: jest.Mock;

const BASE_DATA = {
  url: '',
  waitingImage: '',
  enableCamera: true,
  muted: false,
  beauty: 0,
  whiteness: 0,
  devicePosition: 'front',
};
type AnyComponentId = ComponentId<
  WechatMiniprogram.Component.DataOption,
  WechatMiniprogram.Component.PropertyOption,
  WechatMiniprogram.Component.MethodOption
>;
let hostId: AnyComponentId;

beforeAll(() => {
  const pusherId = simulate.load(PUSHER, 'zego-pusher', { rootPath: ROOT });
  hostId = simulate.load({
    usingComponents: { 'zego-pusher': pusherId },
    template: `<zego-pusher id="zp" url="{{url}}" waiting-image="{{waitingImage}}" enable-camera="{{enableCamera}}"
      muted="{{muted}}" beauty="{{beauty}}" whiteness="{{whiteness}}" device-position="{{devicePosition}}"
      bind:statechange="onState" bind:netstatus="onNet" bind:error="onError" />`,
    data: BASE_DATA,
    methods: {
      onState(e: { detail: unknown }) {
        events.push(['statechange', e.detail]);
      },
      onNet(e: { detail: unknown }) {
        events.push(['netstatus', e.detail]);
      },
      onError(e: { detail: unknown }) {
        events.push(['error', e.detail]);
      },
    },
  });
});

/** Renders a host page binding zego-pusher like the anchor page does. */
async function renderHost(data: Partial<typeof BASE_DATA> = {}) {
  const host = simulate.render(hostId);
  host.attach(jsdom.createElement('parent-wrapper') as Parameters<typeof host.attach>[0]);
  host.setData({ ...BASE_DATA, ...data });
  await simulate.sleep(0);
  const zp = host.querySelector('#zp')!;
  const native = zp.querySelector('#pusher')!;
  return { host, zp, native, methods: zp.instance as unknown as PusherMethods };
}

function attrs(node: { toJSON(): { attrs: { name: string; value: unknown }[] } }): Record<string, unknown> {
  return Object.fromEntries(node.toJSON().attrs.map((a) => [a.name, a.value]));
}

beforeEach(() => {
  events = [];
  context = fakeContext();
  createContext = jest.fn(() => context);
  (wx as unknown as { createLivePusherContext: jest.Mock }).createLivePusherContext = createContext;
});

describe('properties', () => {
  test("the page's bindings reach the native live-pusher", async () => {
    const { native } = await renderHost({
      url: 'rtmp://publish.zego.im/live/stream_1',
      waitingImage: 'https://example.com/wait.png',
      enableCamera: false,
      muted: true,
      beauty: 5,
      whiteness: 3,
      devicePosition: 'back',
    });
    expect(attrs(native)).toMatchObject({
      url: 'rtmp://publish.zego.im/live/stream_1',
      waitingImage: 'https://example.com/wait.png',
      enableCamera: false,
      muted: true,
      beauty: 5,
      whiteness: 3,
      devicePosition: 'back',
      // Never pushes by itself: the SDK's URL first, then start().
      autopush: false,
    });
  });

  test("ZEGO's defaults: RTC mode, 9:16, vertical, 200-1000 kbps", async () => {
    const { native } = await renderHost();
    expect(attrs(native)).toMatchObject({
      mode: 'RTC',
      aspect: '9:16',
      orientation: 'vertical',
      minBitrate: 200,
      maxBitrate: 1000,
      autoFocus: true,
      zoom: false,
      debug: false,
      enableCamera: true,
      devicePosition: 'front',
    });
  });

  test('a new url and toggles re-render the native attributes', async () => {
    const { host, native } = await renderHost({ url: '' });
    host.setData({ url: 'rtmp://publish.zego.im/live/stream_2', muted: true, enableCamera: false });
    await simulate.sleep(0);
    expect(attrs(native)).toMatchObject({
      url: 'rtmp://publish.zego.im/live/stream_2',
      muted: true,
      enableCamera: false,
    });
  });
});

describe('events', () => {
  test('native statechange arrives as our statechange with the native detail', async () => {
    const { native } = await renderHost();
    native.dispatchEvent('statechange', { detail: { code: 1002, message: '已经与服务器握手完毕,开始推流' } });
    native.dispatchEvent('statechange', { detail: { code: -1307 } });
    await simulate.sleep(0);
    expect(events).toEqual([
      ['statechange', { code: 1002, message: '已经与服务器握手完毕,开始推流' }],
      ['statechange', { code: -1307 }],
    ]);
  });

  test('native netstatus arrives as our netstatus with {info}', async () => {
    const { native } = await renderHost();
    const info = { videoBitrate: 800, audioBitrate: 48, videoFPS: 15, videoWidth: 368, videoHeight: 640 };
    native.dispatchEvent('netstatus', { detail: { info } });
    await simulate.sleep(0);
    expect(events).toEqual([['netstatus', { info }]]);
  });

  test('native error (camera not authorised) arrives as our error', async () => {
    const { native } = await renderHost();
    native.dispatchEvent('error', { detail: { errCode: 10001, errMsg: 'user refused to open camera' } });
    await simulate.sleep(0);
    expect(events).toEqual([['error', { errCode: 10001, errMsg: 'user refused to open camera' }]]);
  });
});

describe('methods', () => {
  test('start() calls the native context and resolves on success', async () => {
    const { methods } = await renderHost({ url: 'rtmp://publish.zego.im/live/stream_1' });
    await expect(methods.start()).resolves.toBeUndefined();
    expect(createContext).toHaveBeenCalled();
    expect(context.start).toHaveBeenCalledTimes(1);
  });

  test('start() rejects with {code, msg} when the native start fails', async () => {
    context.start.mockImplementation((cb) => cb.fail?.({ errMsg: 'operateLivePusher:fail', errCode: 10004 }));
    const { methods } = await renderHost({ url: 'rtmp://publish.zego.im/live/stream_1' });
    await expect(methods.start()).rejects.toEqual({ code: 10004, msg: 'operateLivePusher:fail' });
  });

  test('start() without a url rejects before touching the native pusher', async () => {
    const { methods } = await renderHost({ url: '' });
    await expect(methods.start()).rejects.toEqual({ code: -2, msg: expect.stringContaining('url') });
    expect(context.start).not.toHaveBeenCalled();
  });

  test.each(['stop', 'pause', 'resume', 'switchCamera'] as const)(
    '%s() drives the native context',
    async (name) => {
      const { methods } = await renderHost({ url: 'rtmp://publish.zego.im/live/stream_1' });
      await expect(methods[name]()).resolves.toBeUndefined();
      expect(context[name]).toHaveBeenCalledTimes(1);

      context[name].mockImplementation((cb) => cb.fail?.({ errMsg: `${name}:fail` }));
      await expect(methods[name]()).rejects.toEqual({ code: -1, msg: `${name}:fail` });
    },
  );
});
