/**
 * zego-player: our wrapper of the native <live-player> with the attribute set of ZEGO's player tag.
 * The page puts the URL from startPlayingStream on `url` and the stream on `sid`, waits for it to render, then
 * calls play(). Native statechange / netstatus are re-emitted with `streamID: sid` added to the native detail.
 */
import { callNative } from '../../utils/native-call';

/** Our statechange detail: the native live-player code (2004 playing, 2103/3005 reconnecting...) and the stream. */
export interface PlayerStateDetail {
  code: number;
  message?: string;
  streamID: string;
}

/** Our netstatus detail: the native info (bitrates kbps, fps, size) and the stream. */
export interface PlayerNetStatusDetail {
  info: Record<string, unknown>;
  streamID: string;
}

Component({
  properties: {
    /** 流 ID，随事件一起回传（detail.streamID） */
    sid: { type: String, value: '' },
    /** 拉流地址（startPlayingStream 返回的 url），为空时不能 play */
    url: { type: String, value: '' },
    /** 画面方向：vertical 或 horizontal */
    orientation: { type: String, value: 'vertical' },
    /** 填充模式：contain 完整显示或 fillCrop 铺满裁剪 */
    objectFit: { type: String, value: 'contain' },
    /** 最小缓冲（秒） */
    minCache: { type: Number, value: 1 },
    /** 最大缓冲（秒） */
    maxCache: { type: Number, value: 3 },
    /** 播放模式：RTC（实时，ZEGO 推荐）或 live（直播） */
    mode: { type: String, value: 'RTC' },
    /** 是否静音 */
    muted: { type: Boolean, value: false },
    /** 声音输出：speaker 扬声器（免提）或 ear 听筒 */
    soundMode: { type: String, value: 'speaker' },
    /** 是否显示原生调试信息 */
    debug: { type: Boolean, value: false },
    /** 小窗模式：'push'、'pop'，或数组；空为关闭 */
    pictureInPictureMode: { type: String, optionalTypes: [Array], value: '' },
  },

  methods: {
    /** The native context of this component's own live-player. */
    context(): WechatMiniprogram.LivePlayerContext {
      return wx.createLivePlayerContext('player', this);
    },
    /** Plays the current url; rejects with {code, msg} when the url is empty or the native call fails. */
    play(): Promise<void> {
      if (!this.data.url)
        return Promise.reject({ code: -2, msg: 'zego-player: url is empty, set it before play()' });
      return callNative('live-player', (cb) => this.context().play(cb));
    },
    /** Stops playing (call after the SDK's stopPlayingStream). */
    stop(): Promise<void> {
      return callNative('live-player', (cb) => this.context().stop(cb));
    },
    /** Pauses playing. */
    pause(): Promise<void> {
      return callNative('live-player', (cb) => this.context().pause(cb));
    },
    /** Resumes after pause(). */
    resume(): Promise<void> {
      return callNative('live-player', (cb) => this.context().resume(cb));
    },

    onStateChange(e: WechatMiniprogram.CustomEvent<{ code: number; message?: string }>) {
      const detail: PlayerStateDetail = { ...e.detail, streamID: this.data.sid };
      this.triggerEvent('statechange', detail);
    },
    onNetStatus(e: WechatMiniprogram.CustomEvent<{ info: Record<string, unknown> }>) {
      const detail: PlayerNetStatusDetail = { ...e.detail, streamID: this.data.sid };
      this.triggerEvent('netstatus', detail);
    },
  },
});
