/**
 * The ring while a call invitation rings: every 1.5 s the project's short ringtone (wx.createInnerAudioContext) and
 * a long vibration (wx.vibrateLong is one 400 ms buzz). Foreground only: a hidden mini-program cannot ring.
 */

/** Starts and stops the ring; stop() is safe to call any number of times. */
export interface Ringer {
  start(): void;
  stop(): void;
}

/** The ringtone, a 0.5 s tone made for this project (scripts/make-ringtone.js). */
export const RINGTONE_SRC = '/assets/ringtone.wav';
/** One ring: the tone and a buzz, then quiet until the next. */
export const RING_EVERY_MS = 1500;

/** The ring on wx. */
export function createWxRinger(): Ringer {
  let audio: WechatMiniprogram.InnerAudioContext | null = null;
  let buzz: ReturnType<typeof setInterval> | null = null;
  return {
    start() {
      if (audio !== null) return;
      const tone = wx.createInnerAudioContext();
      tone.src = RINGTONE_SRC;
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
