/**
 * The platform port: the phone calls the stores depend on (permissions, network, interruptions, screen, storage,
 * sign-in code, upload). WeChat implements it on wx (platform.ts), Alipay on my (alipay/services/platform.ts), tests
 * with a fake. Types only.
 */

/** A function that removes the listener it came from. */
export type Unsubscribe = () => void;

/** Scopes the anchor needs. */
export type MediaScope = 'scope.camera' | 'scope.record';

/** Facts about the phone that decide whether live video can work. */
export interface DeviceInfo {
  /** 'ios' | 'android' | 'devtools' | 'windows' | 'mac' ... */
  platform: string;
  /** WeChat client version, e.g. '8.0.50'. */
  version: string;
  /** Base library version, e.g. '3.4.10'. */
  SDKVersion: string;
}

/** Network state as wx.onNetworkStatusChange reports it. */
export interface NetworkStatus {
  isConnected: boolean;
  networkType: string;
}

/** What wx.uploadFile answers: the HTTP status and the response body as text. */
export interface UploadResult {
  statusCode: number;
  data: string;
}

/** The platform port. */
export interface Platform {
  /** Device and WeChat versions. */
  getDeviceInfo(): DeviceInfo;
  /** wx.authorize: resolves when granted, rejects when refused. */
  authorize(scope: MediaScope): Promise<void>;
  /** wx.openSetting: the settings page; resolves with the scopes afterwards. */
  openSetting(): Promise<Partial<Record<MediaScope, boolean>>>;
  /** wx.setKeepScreenOn. */
  setKeepScreenOn(keepScreenOn: boolean): void;
  /** wx.onNetworkStatusChange / offNetworkStatusChange. */
  onNetworkStatusChange(listener: (status: NetworkStatus) => void): Unsubscribe;
  /** wx.onAudioInterruptionBegin / off (phone call, alarm). */
  onAudioInterruptionBegin(listener: () => void): Unsubscribe;
  /** wx.onAudioInterruptionEnd / off. */
  onAudioInterruptionEnd(listener: () => void): Unsubscribe;
  /** wx.onAppHide / offAppHide. */
  onAppHide(listener: () => void): Unsubscribe;
  /** wx.onAppShow / offAppShow. */
  onAppShow(listener: () => void): Unsubscribe;
  /** wx.login: a one-time code for the live service's /api/auth/wechat. */
  login(): Promise<string>;
  /** wx.getStorageSync. */
  getStorage<T>(key: string): T | undefined;
  /** wx.setStorageSync. */
  setStorage<T>(key: string, value: T): void;
  /** wx.removeStorageSync. */
  removeStorage(key: string): void;
  /** wx.uploadFile: posts a local file as multipart field `name`; rejects with wx's {errMsg} when it cannot. */
  uploadFile(
    url: string,
    filePath: string,
    name: string,
    header: Record<string, string>,
  ): Promise<UploadResult>;
  /** wx.compressImage: a smaller copy of a local image (width at most `maxWidth`), resolving its temp path. */
  compressImage(filePath: string, maxWidth: number): Promise<string>;
  /**
   * wx.requestSubscribeMessage for one template (call it from a tap): the user's answer for it, or a rejection with
   * wx's {errCode, errMsg}. Absent where the platform has no subscribe messages (Alipay).
   */
  requestSubscribeMessage?(templateId: string): Promise<SubscribeAnswer>;
  /** wx.chooseMedia for one photo (album or camera, compressed): its temp path; rejects when cancelled. */
  chooseImage?(): Promise<string>;
}

/** What the user answered for one template: accept, reject, ban (subscriptions banned), filter (title clash). */
export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter' | 'acceptWithAudio';
