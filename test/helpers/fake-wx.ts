/**
 * A fake `wx` with only what the ZEGO mini-program SDK touches (found by running it under jest): storage,
 * network status, system info, wx.request (log upload) and wx.connectSocket with a scriptable SocketTask.
 * No network is ever used; tests fire the socket's open/message/close themselves.
 */

/** What the SDK passes to wx.connectSocket. */
export interface FakeSocketOptions {
  url: string;
}

type Listener<T> = (arg: T) => void;

/** A recorded wx.request call (the SDK's log uploader); it is never answered unless the test does. */
export interface FakeRequest {
  url: string;
  method?: string;
  data?: unknown;
  success?: (res: { statusCode: number; data: unknown }) => void;
  fail?: (err: { errMsg: string }) => void;
}

/** A fake wx SocketTask: records the frames the SDK sends and lets the test open, answer and close it. */
export class FakeSocketTask {
  /** 0 connecting, 1 open, 2 closing, 3 closed, like WebSocket. */
  readyState = 0;
  /** Every frame the SDK sent, as bytes (strings are UTF-8 encoded). */
  readonly sent: Uint8Array[] = [];
  closed = false;
  private openListeners: Listener<object>[] = [];
  private messageListeners: Listener<{ data: ArrayBuffer | string }>[] = [];
  private closeListeners: Listener<{ code: number; reason: string }>[] = [];
  private errorListeners: Listener<{ errMsg: string }>[] = [];

  constructor(readonly url: string) {}

  onOpen(listener: Listener<object>): void {
    this.openListeners.push(listener);
  }
  onMessage(listener: Listener<{ data: ArrayBuffer | string }>): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: Listener<{ code: number; reason: string }>): void {
    this.closeListeners.push(listener);
  }
  onError(listener: Listener<{ errMsg: string }>): void {
    this.errorListeners.push(listener);
  }
  send(options: { data: ArrayBuffer | string }): void {
    const { data } = options;
    this.sent.push(typeof data === 'string' ? utf8(data) : new Uint8Array(data));
  }
  close(): void {
    this.closed = true;
  }

  /** The test: the server accepted the connection. */
  fireOpen(): void {
    this.readyState = 1;
    this.openListeners.forEach((l) => l({}));
  }
  /** The test: a frame from the server. */
  fireMessage(data: ArrayBuffer | string): void {
    this.messageListeners.forEach((l) => l({ data }));
  }
  /** The test: the connection dropped. */
  fireClose(code = 1006, reason = 'abnormal'): void {
    this.readyState = 3;
    this.closeListeners.forEach((l) => l({ code, reason }));
  }
  /** The test: a socket error. */
  fireError(errMsg = 'connectSocket:fail'): void {
    this.readyState = 3;
    this.errorListeners.forEach((l) => l({ errMsg }));
  }
  /** Whether any frame sent so far contains these UTF-8 bytes. */
  sentContains(text: string): boolean {
    const needle = utf8(text);
    return this.sent.some((frame) => indexOfBytes(frame, needle) >= 0);
  }
}

/** UTF-8 bytes of a string (jsdom has no TextEncoder). */
export function utf8(text: string): Uint8Array {
  const binary = unescape(encodeURIComponent(text));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Position of `needle` in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The fake wx object and what it recorded. */
export interface FakeWx {
  wx: Record<string, unknown>;
  storage: Map<string, unknown>;
  sockets: FakeSocketTask[];
  requests: FakeRequest[];
  networkListeners: Listener<{ isConnected: boolean; networkType: string }>[];
  /** Calls to any wx method, by name, in order. */
  calls: string[];
}

/** Builds a fake wx; `install` puts it on globalThis.wx. */
export function createFakeWx(options: { networkType?: string; SDKVersion?: string } = {}): FakeWx {
  const fake: FakeWx = {
    wx: {},
    storage: new Map(),
    sockets: [],
    requests: [],
    networkListeners: [],
    calls: [],
  };
  const systemInfo = {
    brand: 'devtools',
    model: 'iPhone 13',
    system: 'iOS 16.0',
    platform: 'ios',
    version: '8.0.50',
    SDKVersion: options.SDKVersion ?? '3.4.10',
    pixelRatio: 3,
    windowWidth: 390,
    windowHeight: 844,
    screenWidth: 390,
    screenHeight: 844,
  };
  const methods: Record<string, (...args: never[]) => unknown> = {
    getStorageSync: (key: string) => (fake.storage.has(key) ? fake.storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void fake.storage.set(key, value),
    removeStorageSync: (key: string) => void fake.storage.delete(key),
    onNetworkStatusChange: (listener: Listener<{ isConnected: boolean; networkType: string }>) =>
      void fake.networkListeners.push(listener),
    offNetworkStatusChange: () => undefined,
    getSystemInfoSync: () => systemInfo,
    getNetworkType: (o: { success?: Listener<{ networkType: string }> }) =>
      o.success?.({ networkType: options.networkType ?? 'wifi' }),
    getSetting: (o: { success?: Listener<{ authSetting: Record<string, boolean> }> }) =>
      o.success?.({ authSetting: { 'scope.camera': true, 'scope.record': true } }),
    connectSocket: (o: FakeSocketOptions) => {
      const task = new FakeSocketTask(o.url);
      fake.sockets.push(task);
      return task;
    },
    request: (o: FakeRequest) => void fake.requests.push(o),
    showModal: () => undefined,
  };
  for (const [name, fn] of Object.entries(methods)) {
    fake.wx[name] = (...args: never[]) => {
      fake.calls.push(name);
      return fn(...args);
    };
  }
  return fake;
}

/** Puts a fresh fake wx on the global object (where the SDK looks for it) and returns it. */
export function installFakeWx(options?: Parameters<typeof createFakeWx>[0]): FakeWx {
  const fake = createFakeWx(options);
  (globalThis as unknown as { wx: unknown }).wx = fake.wx;
  return fake;
}
