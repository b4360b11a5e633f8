// Writes docs/session-table.md from the session's transition table (npm run docs:session).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSessionTable } from '../miniprogram/pages/stores/session-table';

const target = path.join(__dirname, '..', 'docs', 'session-table.md');
writeFileSync(target, renderSessionTable());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
