/**
 * The ringtone, made for this project and built on the phone rather than shipped (the main package has a 200 KB
 * budget): one 0.5 s two-tone burst (440 Hz + 480 Hz, faded in and out so it does not click) as an 8 kHz, 8-bit mono
 * PCM WAV file, about 4 KB. The ringer plays it again with each vibration, so the pauses cost nothing.
 */
const RATE = 8000;
const TONE_S = 0.5;
const FADE_S = 0.02;

/** The WAV file's bytes. */
export function ringToneWav(): ArrayBuffer {
  const samples = Math.round(RATE * TONE_S);
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const text = (at: number, word: string): void => {
    for (let i = 0; i < word.length; i += 1) bytes[at + i] = word.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i += 1) {
    const t = i / RATE;
    const fade = Math.min(1, t / FADE_S, (TONE_S - t) / FADE_S);
    const value = 0.35 * fade * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t));
    // 8-bit PCM is unsigned, silence at 128.
    bytes[44 + i] = Math.max(0, Math.min(255, Math.round(128 + 127 * value)));
  }
  return bytes.buffer;
}
