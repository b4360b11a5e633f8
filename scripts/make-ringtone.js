#!/usr/bin/env node
/**
 * Writes miniprogram/assets/ringtone.wav: the ring of an incoming call, made for this project (no borrowed audio).
 * One 0.5 s two-tone burst (440 Hz + 480 Hz, faded in and out so it does not click); the app plays it again with
 * each vibration (services/ringer.ts), so the pauses cost no bytes. 8 kHz, 8-bit mono PCM: under 5 KB, small for the
 * main package (its budget is 200 KB). Run: node scripts/make-ringtone.js
 */
const fs = require('node:fs');
const path = require('node:path');

const RATE = 8000;
const TONE_S = 0.5;
const TOTAL_S = TONE_S;
const FADE_S = 0.02;

const samples = Math.round(RATE * TOTAL_S);
const data = Buffer.alloc(samples);
for (let i = 0; i < samples; i += 1) {
  const t = i / RATE;
  let value = 0;
  if (t < TONE_S) {
    const fade = Math.min(1, t / FADE_S, (TONE_S - t) / FADE_S);
    value = 0.35 * fade * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t));
  }
  // 8-bit PCM is unsigned, silence at 128.
  data[i] = Math.max(0, Math.min(255, Math.round(128 + 127 * value)));
}

const header = Buffer.alloc(44);
header.write('RIFF', 0);
header.writeUInt32LE(36 + data.length, 4);
header.write('WAVE', 8);
header.write('fmt ', 12);
header.writeUInt32LE(16, 16);
header.writeUInt16LE(1, 20); // PCM
header.writeUInt16LE(1, 22); // mono
header.writeUInt32LE(RATE, 24);
header.writeUInt32LE(RATE, 28); // bytes per second
header.writeUInt16LE(1, 32); // block align
header.writeUInt16LE(8, 34); // bits per sample
header.write('data', 36);
header.writeUInt32LE(data.length, 40);

const out = path.resolve(__dirname, '../miniprogram/assets/ringtone.wav');
fs.writeFileSync(out, Buffer.concat([header, data]));
console.log(`wrote ${path.relative(process.cwd(), out)} (${44 + data.length} bytes)`);
