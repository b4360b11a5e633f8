/**
 * The platform port on Alipay (my.*): the same interface the shared session uses on WeChat. Alipay has no
 * authorize for the camera and microphone: they are read from my.getSetting, and a refusal sends the user to
 * my.openSetting (as ZEGO's guide does for checkSystemRequirements 10002).
 */
import type { MediaScope, Platform, Unsubscribe } from '../../miniprogram/services/platform-types';

/** Alipay's names of the two permissions. */
const ALIPAY_SCOPE: Record<MediaScope, 'camera' | 'audioRecord'> = {
  'scope.camera': 'camera',
  'scope.record': 'audioRecord',
};

type AuthSetting = Partial<Record<'camera' | 'audioRecord', boolean>>;

function readSetting(): Promise<AuthSetting> {
  return new Promise((resolve, reject) =>
    my.getSetting({
      success: (res) => resolve(res.authSetting as AuthSetting),
      fail: reject,
    }),
  );
}

/** Pairs my.onX with my.offX so every listener can be removed. */
function subscribe<T>(on: (cb: (arg: T) => void) => void, off: (cb: (arg: T) => void) => void) {
  return (listener: (arg: T) => void): Unsubscribe => {
    const cb = (arg: T) => listener(arg);
    on(cb);
    return () => off(cb);
  };
}

/** The real platform, on my. */
export function createAlipayPlatform(): Platform {
  return {
    getDeviceInfo() {
      const info = my.getSystemInfoSync();
      return {
        platform: String(info.platform).toLowerCase(),
        version: info.version,
        SDKVersion: my.SDKVersion,
      };
    },
    async authorize(scope) {
      // never asked yet (undefined) counts as allowed: Alipay asks by itself when rtc-room opens the camera
      const setting = await readSetting();
      if (setting[ALIPAY_SCOPE[scope]] === false) throw new Error(`${scope} refused`);
    },
    openSetting: () =>
      new Promise((resolve) =>
        my.openSetting({
          success: (res) => {
            const s = res.authSetting as AuthSetting;
            resolve({ 'scope.camera': s.camera, 'scope.record': s.audioRecord });
          },
          fail: () => resolve({}),
        }),
      ),
    setKeepScreenOn: (keepScreenOn) => my.setKeepScreenOn({ keepScreenOn }),
    onNetworkStatusChange: subscribe(
      (cb) => my.onNetworkStatusChange(cb as never),
      (cb) => my.offNetworkStatusChange(cb as never),
    ),
    onAudioInterruptionBegin: subscribe<void>(
      (cb) => my.onAudioInterruptionBegin(cb as () => void),
      (cb) => my.offAudioInterruptionBegin(cb as () => void),
    ),
    onAudioInterruptionEnd: subscribe<void>(
      (cb) => my.onAudioInterruptionEnd(cb as () => void),
      (cb) => my.offAudioInterruptionEnd(cb as () => void),
    ),
    onAppHide: subscribe<void>(
      (cb) => my.onAppHide(cb as () => void),
      (cb) => my.offAppHide(cb as () => void),
    ),
    onAppShow: subscribe<void>(
      (cb) => my.onAppShow(cb as () => void),
      (cb) => my.offAppShow(cb as () => void),
    ),
    login: () =>
      new Promise((resolve, reject) =>
        my.getAuthCode({ scopes: 'auth_base', success: (res) => resolve(res.authCode), fail: reject }),
      ),
    getStorage<T>(key: string): T | undefined {
      const res = my.getStorageSync({ key }) as { data?: unknown } | null;
      return (res?.data ?? undefined) as T | undefined;
    },
    setStorage: (key, value) => void my.setStorageSync({ key, data: value }),
    removeStorage: (key) => void my.removeStorageSync({ key }),
    uploadFile: (url, filePath, name, header) =>
      new Promise((resolve, reject) =>
        my.uploadFile({
          url,
          filePath,
          name,
          fileType: 'image',
          header,
          success: (res: { statusCode: number | string; data: string }) =>
            resolve({ statusCode: Number(res.statusCode), data: res.data }),
          fail: reject,
        }),
      ),
    compressImage: (filePath) =>
      new Promise((resolve) =>
        my.compressImage({
          apFilePaths: [filePath],
          compressLevel: 2,
          success: (res: { apFilePaths: string[] }) => resolve(res.apFilePaths[0] ?? filePath),
          fail: () => resolve(filePath),
        }),
      ),
  };
}

let current: Platform | null = null;

/** The platform in use (tests replace it with setPlatform). */
export function platform(): Platform {
  if (!current) current = createAlipayPlatform();
  return current;
}

/** Replaces the platform (tests). */
export function setPlatform(next: Platform): void {
  current = next;
}
