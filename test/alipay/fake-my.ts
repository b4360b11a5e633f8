/**
 * The `my` the Alipay pages touch directly (the session's calls go through the platform port, replaced by
 * FakePlatform): the system info, my.call('prepareRTCResource'), rtc-room contexts, navigation.
 */

/** A recorded rtc-room context. */
export interface FakeRtcRoomContext {
  id: string;
  calls: { name: string; args: unknown[] }[];
  stopped: boolean;
}

/** The fake. */
export interface FakeMy {
  platform: 'Android' | 'iOS';
  /** What prepareRTCResource answers. */
  resourceOk: boolean;
  resourceCalls: number;
  contexts: FakeRtcRoomContext[];
  navigations: string[];
  /** What my.prompt answers (the text typed, or null for 取消), and the toasts shown. */
  promptAnswer: string | null;
  toasts: string[];
}

/** my.request's options as the app's transport passes them. */
export interface FakeMyRequest {
  url: string;
  method?: string;
  data?: string;
  headers?: Record<string, string>;
  success?: (res: { status: number; data: unknown; headers: Record<string, string> }) => void;
  fail?: (err: { error: number; errorMessage: string }) => void;
}

/** Installs a fresh fake `my` and returns it; `request` answers my.request (e.g. from a live service). */
export function installFakeMy(
  log?: { record(source: string, name: string, args: unknown[]): void },
  request?: (options: FakeMyRequest) => void,
): FakeMy {
  const fake: FakeMy = {
    platform: 'Android',
    resourceOk: true,
    resourceCalls: 0,
    contexts: [],
    navigations: [],
    promptAnswer: null,
    toasts: [],
  };
  const my = {
    SDKVersion: '2.9.0',
    getSystemInfoSync: () => ({ platform: fake.platform, version: '10.5.0' }),
    call: (name: string, _options: unknown, callback: (result: { success: boolean }) => void) => {
      if (name !== 'prepareRTCResource') throw new Error(`unexpected my.call ${name}`);
      fake.resourceCalls += 1;
      setTimeout(() => callback({ success: fake.resourceOk }), 0);
    },
    createRtcRoomContext: (id: string) => {
      const context: FakeRtcRoomContext = { id, calls: [], stopped: false };
      fake.contexts.push(context);
      log?.record('rtc-room', 'create', [id]);
      const record =
        (name: string) =>
        (...args: unknown[]) => {
          context.calls.push({ name, args });
          log?.record('rtc-room', name, [id, ...args]);
          if (name === 'stop') context.stopped = true;
        };
      return { stop: record('stop'), enableCamera: record('enableCamera'), mute: record('mute') };
    },
    request: (options: FakeMyRequest) => {
      if (!request) throw new Error(`my.request ${options.url}: no service in this test`);
      request(options);
    },
    prompt: (o: { success?: (r: { ok: boolean; inputValue: string }) => void }) =>
      setTimeout(
        () => o.success?.({ ok: fake.promptAnswer !== null, inputValue: fake.promptAnswer ?? '' }),
        0,
      ),
    showToast: (o: { content: string }) => fake.toasts.push(o.content),
    navigateBack: () => fake.navigations.push('back'),
    reLaunch: (o: { url: string }) => fake.navigations.push(o.url),
  };
  (globalThis as Record<string, unknown>).my = my;
  return fake;
}
