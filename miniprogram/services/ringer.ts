/**
 * The ring while a call invitation rings: every 1.5 s the project's short ringtone (wx.createInnerAudioContext) and
 * a long vibration (wx.vibrateLong is one 400 ms buzz). Foreground only: a hidden mini-program cannot ring.
 */
import { ringToneWav } from '../utils/ring-tone';

import { RING_EVERY_MS, type Ringer } from './ringer-types';

export { RING_EVERY_MS, type Ringer };

/** Where the ringtone (utils/ring-tone.ts) is written once, in the app's own files. */
export const ringtonePath = (): string => `${wx.env.USER_DATA_PATH}/ringtone.wav`;

/** The ring on wx. */
export function createWxRinger(): Ringer {
  let audio: WechatMiniprogram.InnerAudioContext | null = null;
  let buzz: ReturnType<typeof setInterval> | null = null;
  return {
    start() {
      if (audio !== null) return;
      const path = ringtonePath();
      const files = wx.getFileSystemManager();
      try {
        files.accessSync(path);
      } catch {
        files.writeFileSync(path, ringToneWav());
      }
      const tone = wx.createInnerAudioContext();
      tone.src = path;
      audio = tone;
      const ring = (): void => {
        tone.stop();
        tone.play();
        wx.vibrateLong({});
      };
      ring();
      buzz = setInterval(ring, RING_EVERY_MS);
    },
    stop() {
      if (buzz !== null) clearInterval(buzz);
      buzz = null;
      if (audio === null) return;
      audio.stop();
      audio.destroy();
      audio = null;
    },
  };
}
