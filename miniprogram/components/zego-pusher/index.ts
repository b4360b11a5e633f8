/**
 * zego-pusher: our wrapper of the native <live-pusher> with the attribute set of ZEGO's pusher tag.
 * The page puts the URL from startPublishingStream on `url`, waits for it to render, then calls start().
 * Native statechange / netstatus are re-emitted with the native detail, for the store to forward to the SDK.
 */
import { callNative } from '../../utils/native-call';

/** Native statechange detail: a live-pusher code (1002 pushing, -1307 disconnected, 5000 interrupted...). */
export interface PusherStateDetail {
  code: number;
  message?: string;
}

/** Native netstatus detail: bitrates (kbps), fps, size, as live-pusher reports them. */
export interface PusherNetStatusDetail {
  info: Record<string, unknown>;
}

/** Native error detail (camera / microphone could not be opened). */
export interface PusherErrorDetail {
  errCode: number;
  errMsg: string;
}

Component({
  properties: {
    /** 推流地址（startPublishingStream 返回的 url），为空时不能 start */
    url: { type: String, value: '' },
    /** 进入后台时推给观众的等待画面 */
    waitingImage: { type: String, value: '' },
    /** 是否开启摄像头 */
    enableCamera: { type: Boolean, value: true },
    /** 是否显示原生调试信息 */
    debug: { type: Boolean, value: false },
    /** 是否自动对焦 */
    autoFocus: { type: Boolean, value: true },
    /** 画面宽高比：'9:16' 或 '3:4' */
    aspect: { type: String, value: '9:16' },
    /** 最小码率（kbps） */
    minBitrate: { type: Number, value: 200 },
    /** 最大码率（kbps） */
    maxBitrate: { type: Number, value: 1000 },
    /** 是否允许双指缩放 */
    zoom: { type: Boolean, value: false },
    /** 推流模式：RTC（实时通话，ZEGO 推荐）、SD、HD、FHD */
    mode: { type: String, value: 'RTC' },
    /** 是否静音（关闭麦克风声音） */
    muted: { type: Boolean, value: false },
    /** 美颜等级 0-9，0 为关闭 */
    beauty: { type: Number, value: 0 },
    /** 美白等级 0-9，0 为关闭 */
    whiteness: { type: Number, value: 0 },
    /** 画面方向：vertical 或 horizontal */
    orientation: { type: String, value: 'vertical' },
    /** 使用的摄像头：front 前置或 back 后置 */
    devicePosition: { type: String, value: 'front' },
  },

  methods: {
    /** Starts pushing the current url; rejects with {code, msg} when the url is empty or the native call fails. */
    start(): Promise<void> {
      if (!this.data.url)
        return Promise.reject({ code: -2, msg: 'zego-pusher: url is empty, set it before start()' });
      return callNative('live-pusher', (cb) => wx.createLivePusherContext().start(cb));
    },
    /** Stops pushing (call after the SDK's stopPublishingStream). */
    stop(): Promise<void> {
      return callNative('live-pusher', (cb) => wx.createLivePusherContext().stop(cb));
    },
    /** Pauses pushing; viewers see the waiting image. */
    pause(): Promise<void> {
      return callNative('live-pusher', (cb) => wx.createLivePusherContext().pause(cb));
    },
    /** Resumes pushing after pause(). */
    resume(): Promise<void> {
      return callNative('live-pusher', (cb) => wx.createLivePusherContext().resume(cb));
    },
    /** Switches between the front and back camera. */
    switchCamera(): Promise<void> {
      return callNative('live-pusher', (cb) => wx.createLivePusherContext().switchCamera(cb));
    },

    onStateChange(e: WechatMiniprogram.CustomEvent<PusherStateDetail>) {
      this.triggerEvent('statechange', e.detail);
    },
    onNetStatus(e: WechatMiniprogram.CustomEvent<PusherNetStatusDetail>) {
      this.triggerEvent('netstatus', e.detail);
    },
    onError(e: WechatMiniprogram.CustomEvent<PusherErrorDetail>) {
      this.triggerEvent('error', e.detail);
    },
  },
});
