/**
 * The wx.* calls the stores depend on, behind one small interface that tests replace with `setPlatform`.
 * Pages may call wx directly for pure UI (toast, navigation); anything the session logic needs goes here.
 */

export * from './platform-types';
import type { MediaScope, NetworkStatus, Platform, SubscribeAnswer, Unsubscribe } from './platform-types';

const scopesFrom = (authSetting: WechatMiniprogram.AuthSetting): Partial<Record<MediaScope, boolean>> => ({
  'scope.camera': authSetting['scope.camera'],
  'scope.record': authSetting['scope.record'],
});

/** Pairs wx.onX with wx.offX so every listener can be removed. */
function subscribe<T>(on: (cb: (arg: T) => void) => void, off: (cb: (arg: T) => void) => void) {
  return (listener: (arg: T) => void): Unsubscribe => {
    const cb = (arg: T) => listener(arg);
    on(cb);
    return () => off(cb);
  };
}

/** wx's off* typings declare a different callback type; the same function object is what removes the listener. */
const asOff = (cb: unknown) => cb as never;

/** The real platform, on wx. */
export function createWxPlatform(): Platform {
  return {
    getDeviceInfo() {
      const base = wx.getAppBaseInfo ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
      const device = wx.getDeviceInfo ? wx.getDeviceInfo() : wx.getSystemInfoSync();
      return { platform: device.platform, version: base.version, SDKVersion: base.SDKVersion };
    },
    authorize: (scope) =>
      new Promise((resolve, reject) => wx.authorize({ scope, success: () => resolve(), fail: reject })),
    openSetting: () =>
      new Promise((resolve, reject) =>
        wx.openSetting({ success: (res) => resolve(scopesFrom(res.authSetting)), fail: reject }),
      ),
    setKeepScreenOn: (keepScreenOn) => void wx.setKeepScreenOn({ keepScreenOn }),
    onNetworkStatusChange: subscribe<NetworkStatus>(
      (cb) => wx.onNetworkStatusChange(cb),
      (cb) => wx.offNetworkStatusChange(asOff(cb)),
    ),
    onAudioInterruptionBegin: subscribe<unknown>(
      (cb) => wx.onAudioInterruptionBegin(cb),
      (cb) => wx.offAudioInterruptionBegin(asOff(cb)),
    ),
    onAudioInterruptionEnd: subscribe<unknown>(
      (cb) => wx.onAudioInterruptionEnd(cb),
      (cb) => wx.offAudioInterruptionEnd(asOff(cb)),
    ),
    onAppHide: subscribe<unknown>(
      (cb) => wx.onAppHide(cb),
      (cb) => wx.offAppHide(asOff(cb)),
    ),
    onAppShow: subscribe<unknown>(
      (cb) => wx.onAppShow(cb),
      (cb) => wx.offAppShow(asOff(cb)),
    ),
    login: () =>
      new Promise((resolve, reject) =>
        wx.login({
          success: (res) => (res.code ? resolve(res.code) : reject(new Error('wx.login returned no code'))),
          fail: reject,
        }),
      ),
    getStorage<T>(key: string) {
      const value: unknown = wx.getStorageSync(key);
      return value === '' || value === undefined ? undefined : (value as T);
    },
    setStorage: (key, value) => wx.setStorageSync(key, value),
    removeStorage: (key) => wx.removeStorageSync(key),
    uploadFile: (url, filePath, name, header) =>
      new Promise((resolve, reject) =>
        wx.uploadFile({
          url,
          filePath,
          name,
          header,
          timeout: 20000,
          success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
          fail: reject,
        }),
      ),
    compressImage: (filePath, maxWidth) =>
      new Promise((resolve, reject) =>
        wx.compressImage({
          src: filePath,
          quality: 80,
          compressedWidth: maxWidth,
          success: (res) => resolve(res.tempFilePath),
          fail: reject,
        }),
      ),
    requestSubscribeMessage: (templateId) =>
      new Promise((resolve, reject) =>
        wx.requestSubscribeMessage({
          tmplIds: [templateId],
          success: (res) =>
            resolve((res as unknown as Record<string, SubscribeAnswer>)[templateId] ?? 'reject'),
          fail: reject,
        }),
      ),
    chooseImage: () =>
      new Promise((resolve, reject) =>
        wx.chooseMedia({
          count: 1,
          mediaType: ['image'],
          sizeType: ['compressed'],
          sourceType: ['album', 'camera'],
          success: (res) => {
            const path = res.tempFiles[0]?.tempFilePath;
            if (path) resolve(path);
            else reject({ errMsg: 'chooseMedia:fail no file' });
          },
          fail: reject,
        }),
      ),
  };
}

let current: Platform | null = null;

/** The platform in use (the wx one unless a test replaced it). */
export function platform(): Platform {
  if (!current) current = createWxPlatform();
  return current;
}

/** Replaces the platform (tests); null restores the wx one on next use. */
export function setPlatform(next: Platform | null): void {
  current = next;
}
