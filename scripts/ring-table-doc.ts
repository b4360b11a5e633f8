// The call part's table (miniprogram/utils/ring-table.ts) as Markdown, here so none of it ships in the main package.
import { RING_EVENTS, RING_PHASES, RING_TABLE, type RingTransition } from '../miniprogram/utils/ring-table';

/** The table as Markdown: one row per phase, one column per event. */
export function renderRingTable(): string {
  const cell = (t: RingTransition | undefined): string =>
    !t ? '' : t.ring ? `${t.to} (ring ${t.ring})` : t.to;
  return [
    '# A call on this device: transitions',
    '',
    '<!-- Generated from miniprogram/utils/ring-table.ts by `npm run docs:session`; a test fails when stale. -->',
    '',
    'Rows are phases, columns events; an empty cell is refused. "ring start" / "ring stop": the ringtone and the',
    "vibration start or stop with the move. The service's invitation (ringing -> accepted | declined | cancelled |",
    "timeout | busy | failed) is decided by the service; these are this device's phases around it.",
    '',
    `| phase | ${RING_EVENTS.join(' | ')} |`,
    `| --- | ${RING_EVENTS.map(() => '---').join(' | ')} |`,
    ...RING_PHASES.map(
      (phase) => `| **${phase}** | ${RING_EVENTS.map((e) => cell(RING_TABLE[phase][e])).join(' | ')} |`,
    ),
    '',
  ].join('\n');
}
