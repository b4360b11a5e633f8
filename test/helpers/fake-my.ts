/**
 * A fake Alipay `my` with only what ZEGO's Alipay mini-program SDK touches (read out of the SDK file and confirmed by
 * running it under jest): storage ({key} / {key, data} objects, not WeChat's positional arguments), network status,
 * system info, my.getSetting (its system check), my.request (log upload), my.confirm (its debug alerts),
 * my.base64ToArrayBuffer / my.arrayBufferToBase64, and my.connectSocket with a scriptable socket task.
 * No network is ever used; tests fire the socket's open/message/close themselves.
 *
 * Alipay's socket carries binary frames as base64 text: the SDK sends {data: base64, isBuffer: true} and expects
 * messages as {data: {data: base64, isBuffer: true}}. This fake decodes what the SDK sends and encodes what the test
 * answers, so tests see bytes, as with the WeChat fake.
 */
import { indexOfBytes, utf8 } from './fake-wx';

type Listener<T> = (arg: T) => void;

/** What the SDK passes to my.connectSocket. */
export interface FakeMySocketOptions {
  url: string;
  multiple?: boolean;
}

/** A recorded my.request call (the SDK's log uploader); it is never answered unless the test does. */
export interface FakeMyRequest {
  url: string;
  method?: string;
  data?: unknown;
  success?: (res: { status: number; data: unknown }) => void;
  fail?: (err: { error: number; errorMessage: string }) => void;
}

/** Alipay's socket frame: text, or binary as base64 with isBuffer set. */
export interface MySocketFrame {
  data: string | ArrayBuffer;
  isBuffer?: boolean;
}

/** Bytes -> base64, with jsdom's btoa (no Buffer needed). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary);
}

/** base64 -> bytes, with jsdom's atob. */
export function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** A fake Alipay SocketTask (multiple: true): records the frames the SDK sends; the test opens, answers, closes. */
export class FakeMySocketTask {
  /** 0 connecting, 1 open, 3 closed, like WebSocket (the SDK keeps its own; this is the test's view). */
  readyState = 0;
  /** Every frame the SDK sent, as bytes (base64 frames decoded, text UTF-8 encoded). */
  readonly sent: Uint8Array[] = [];
  /** The raw frames as the SDK handed them to send(), for checking Alipay's {data, isBuffer} shape. */
  readonly rawSent: MySocketFrame[] = [];
  closed = false;
  private openListeners: Listener<object>[] = [];
  private messageListeners: Listener<{ data: MySocketFrame }>[] = [];
  private closeListeners: Listener<{ code: number; reason: string }>[] = [];
  private errorListeners: Listener<{ error: number; errorMessage: string }>[] = [];

  constructor(
    readonly url: string,
    readonly options: FakeMySocketOptions,
  ) {}

  onOpen(listener: Listener<object>): void {
    this.openListeners.push(listener);
  }
  onMessage(listener: Listener<{ data: MySocketFrame }>): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: Listener<{ code: number; reason: string }>): void {
    this.closeListeners.push(listener);
  }
  onError(listener: Listener<{ error: number; errorMessage: string }>): void {
    this.errorListeners.push(listener);
  }
  send(frame: MySocketFrame): void {
    this.rawSent.push(frame);
    const { data, isBuffer } = frame;
    if (typeof data !== 'string') this.sent.push(new Uint8Array(data));
    else this.sent.push(isBuffer ? base64ToBytes(data) : utf8(data));
  }
  close(): void {
    this.closed = true;
  }

  /** How many listeners of each kind the SDK has attached (it attaches close/message only once open). */
  listenerCounts(): { open: number; message: number; close: number; error: number } {
    return {
      open: this.openListeners.length,
      message: this.messageListeners.length,
      close: this.closeListeners.length,
      error: this.errorListeners.length,
    };
  }

  /** The test: the server accepted the connection. */
  fireOpen(): void {
    this.readyState = 1;
    this.openListeners.forEach((l) => l({}));
  }
  /** The test: a binary frame from the server, delivered as Alipay does (base64, isBuffer). */
  fireMessage(bytes: Uint8Array): void {
    const base64 = bytesToBase64(bytes);
    // Each listener gets its own frame object: the SDK replaces `data` in place with the decoded buffer.
    this.messageListeners.forEach((l) => l({ data: { data: base64, isBuffer: true } }));
  }
  /** The test: the connection dropped. */
  fireClose(code = 1006, reason = 'abnormal'): void {
    this.readyState = 3;
    this.closeListeners.forEach((l) => l({ code, reason }));
  }
  /** The test: a socket error. */
  fireError(errorMessage = 'connectSocket:fail'): void {
    this.readyState = 3;
    this.errorListeners.forEach((l) => l({ error: 12, errorMessage }));
  }
  /** Whether any frame sent so far contains these UTF-8 bytes. */
  sentContains(text: string): boolean {
    const needle = utf8(text);
    return this.sent.some((frame) => indexOfBytes(frame, needle) >= 0);
  }
}

/** Options of the fake: what the phone reports. */
export interface FakeMyOptions {
  /** Alipay's networkType (upper case, e.g. 'WIFI', '4G', 'NOTREACHABLE'); default 'WIFI'. */
  networkType?: string;
  /** The Alipay client version the SDK compares with 10.1.80 in checkSystemRequirements; default '10.5.36'. */
  version?: string;
  /** my.getSetting's answer; `'fail'` makes it call `fail`. Default: camera and microphone granted. */
  authSetting?: Record<string, boolean> | 'fail';
}

/** The fake my object and what it recorded. */
export interface FakeMy {
  my: Record<string, unknown>;
  storage: Map<string, unknown>;
  sockets: FakeMySocketTask[];
  requests: FakeMyRequest[];
  networkListeners: Listener<{ isConnected: boolean; networkType: string }>[];
  /** Calls to any my method, by name, in order. */
  calls: string[];
}

/** Builds a fake my; `installFakeMy` puts it on globalThis.my. */
export function createFakeMy(options: FakeMyOptions = {}): FakeMy {
  const fake: FakeMy = {
    my: {},
    storage: new Map(),
    sockets: [],
    requests: [],
    networkListeners: [],
    calls: [],
  };
  const systemInfo = {
    brand: 'Apple',
    model: 'iPhone13,2',
    system: '16.0',
    platform: 'iOS',
    version: options.version ?? '10.5.36',
    SDKVersion: '2.9.0',
    app: 'alipay',
    pixelRatio: 3,
    windowWidth: 390,
    windowHeight: 844,
    screenWidth: 390,
    screenHeight: 844,
  };
  const authSetting = options.authSetting ?? { camera: true, audioRecord: true };
  const methods: Record<string, (...args: never[]) => unknown> = {
    getStorageSync: (o: { key: string }) => ({
      data: fake.storage.has(o.key) ? fake.storage.get(o.key) : null,
    }),
    setStorageSync: (o: { key: string; data: unknown }) => void fake.storage.set(o.key, o.data),
    removeStorageSync: (o: { key: string }) => void fake.storage.delete(o.key),
    onNetworkStatusChange: (listener: Listener<{ isConnected: boolean; networkType: string }>) =>
      void fake.networkListeners.push(listener),
    offNetworkStatusChange: () => undefined,
    getSystemInfoSync: () => systemInfo,
    getNetworkType: (o: { success?: Listener<{ networkType: string; networkAvailable: boolean }> }) => {
      const networkType = options.networkType ?? 'WIFI';
      o.success?.({ networkType, networkAvailable: networkType !== 'NOTREACHABLE' });
    },
    getSetting: (o: {
      success?: Listener<{ authSetting: Record<string, boolean> }>;
      fail?: Listener<{ error: number; errorMessage: string }>;
    }) =>
      authSetting === 'fail'
        ? o.fail?.({ error: 3, errorMessage: 'getSetting:fail' })
        : o.success?.({ authSetting }),
    connectSocket: (o: FakeMySocketOptions) => {
      const task = new FakeMySocketTask(o.url, o);
      fake.sockets.push(task);
      return task;
    },
    request: (o: FakeMyRequest) => void fake.requests.push(o),
    confirm: () => undefined,
    base64ToArrayBuffer: (base64: string) => base64ToBytes(base64).buffer,
    arrayBufferToBase64: (buffer: ArrayBuffer) => bytesToBase64(new Uint8Array(buffer)),
  };
  for (const [name, fn] of Object.entries(methods)) {
    fake.my[name] = (...args: never[]) => {
      fake.calls.push(name);
      return fn(...args);
    };
  }
  return fake;
}

/** Puts a fresh fake my on the global object (where the SDK looks for it) and returns it. */
export function installFakeMy(options?: FakeMyOptions): FakeMy {
  const fake = createFakeMy(options);
  (globalThis as unknown as { my: unknown }).my = fake.my;
  return fake;
}
