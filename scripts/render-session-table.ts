// Writes the app's transition tables as docs (npm run docs:session): the session's, a viewer's co-host seat, a call on this device.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSeatTable } from '../miniprogram/pages/stores/cohost-seat';
import { renderSessionTable } from '../miniprogram/pages/stores/session-table';
import { renderRingTable } from './ring-table-doc';

for (const [file, render] of [
  ['session-table.md', renderSessionTable],
  ['cohost-seat-table.md', renderSeatTable],
  ['ring-table.md', renderRingTable],
] as const) {
  const target = path.join(__dirname, '..', 'docs', file);
  writeFileSync(target, render());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
