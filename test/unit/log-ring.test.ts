/** The problem report's ring of log lines: bounded, oldest first, and no token, session or secret inside. */
import { REPORT_LINE_MAX, REPORT_LOG_LINES } from '@zego-live/contract';
import { LogRing } from '../../miniprogram/utils/log-ring';

const ZEGO_TOKEN = '04AAAAAGdSd2kAEHh5ZGx0Y3NlNWx3bHlxY2YAsFpyjD2OSBHvyNWrHRQ2ExMrmTtwSQ==';
const SESSION = 'pC3nq7Jf0_yXbF-2t9mZk8LwQeRvA1sDdG4hH5iI6jJ';
const SECRET = 'ZegoTestSecret0123456789abcdefXY';

describe('LogRing', () => {
  it('keeps the newest REPORT_LOG_LINES lines, oldest first', () => {
    const ring = new LogRing(REPORT_LOG_LINES, () => Date.UTC(2026, 11, 8, 1, 2, 3, 4));
    for (let i = 0; i < REPORT_LOG_LINES + 37; i += 1) ring.add('sdk', `roomStateUpdate #${i}`);
    const lines = ring.lines();
    expect(lines).toHaveLength(REPORT_LOG_LINES);
    expect(lines[0]).toMatch(/ sdk roomStateUpdate #37$/);
    expect(lines.at(-1)).toMatch(new RegExp(` sdk roomStateUpdate #${REPORT_LOG_LINES + 36}$`));
    ring.clear();
    expect(ring.lines()).toEqual([]);
  });

  it('never holds a token, a session or a secret, however it was written', () => {
    const ring = new LogRing(10);
    ring.add('sdk', `loginRoom room_1 token=${ZEGO_TOKEN}`);
    ring.add('net', `POST /api/rooms/room_1/token Authorization: Bearer ${SESSION}`);
    ring.add('error', JSON.stringify({ sessionToken: SESSION, user: { id: 'u1' } }));
    ring.add('config', `secret: ${SECRET}`);
    ring.add('sdk', `renewToken(${ZEGO_TOKEN})`);
    ring.add('phase', 'joining -> live');
    const text = ring.lines().join('\n');
    for (const planted of [ZEGO_TOKEN, SESSION, SECRET, ZEGO_TOKEN.slice(0, 24), SESSION.slice(0, 24)])
      expect(text).not.toContain(planted);
    expect(text).toContain('[redacted]');
    // What is not a secret stays readable.
    expect(ring.lines().at(-1)).toMatch(/ phase joining -> live$/);
    expect(ring.lines()[0]).toMatch(/ sdk loginRoom room_1 token=\[redacted\]$/);
  });

  it('cuts a long line to REPORT_LINE_MAX', () => {
    const ring = new LogRing(2);
    ring.add('error', 'x '.repeat(400));
    expect(ring.lines()[0].length).toBe(REPORT_LINE_MAX);
  });
});
