/**
 * The ring while a call invitation rings: the project's ringtone looped (wx.createInnerAudioContext) and a long
 * vibration every 1.5 s (wx.vibrateLong is one 400 ms buzz). Foreground only: a hidden mini-program cannot ring.
 */

/** Starts and stops the ring; stop() is safe to call any number of times. */
export interface Ringer {
  start(): void;
  stop(): void;
}

/** The ringtone, a short tone made for this project (scripts/make-ringtone.js). */
export const RINGTONE_SRC = '/assets/ringtone.wav';
const VIBRATE_EVERY_MS = 1500;

/** The ring on wx. */
export function createWxRinger(): Ringer {
  let audio: WechatMiniprogram.InnerAudioContext | null = null;
  let buzz: ReturnType<typeof setInterval> | null = null;
  return {
    start() {
      if (audio !== null) return;
      audio = wx.createInnerAudioContext();
      audio.src = RINGTONE_SRC;
      audio.loop = true;
      audio.play();
      wx.vibrateLong({});
      buzz = setInterval(() => wx.vibrateLong({}), VIBRATE_EVERY_MS);
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
