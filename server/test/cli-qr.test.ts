/**
 * `npm run qr -- --new` acts as a named operator account (OPERATOR_NAME / OPERATOR_PASSWORD), so it keeps working once
 * accounts exist and CONSOLE_TOKEN no longer does; the room it makes is in the audit log under that name.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tempDbFile } from './helpers/server';

const SERVER_DIR = path.resolve(__dirname, '..');
const TSX = require.resolve('tsx/cli');
const PASSWORD = 'correct-horse-battery';

/** Runs one of the service's command-line tools with exactly this environment. */
function cli(
  script: string,
  args: string[],
  env: Record<string, string>,
): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, [TSX, `src/cli/${script}.ts`, ...args], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('npm run qr -- --new', () => {
  const db = tempDbFile();
  afterAll(() => db.cleanup());

  test('signs in as the operator named, creates the room with its invite, audited under that name', () => {
    const base = { DATABASE: db.file, CONSOLE_TOKEN: 'console-token-for-bootstrap-only' };
    const added = cli('operator', ['add', 'olga', '--role', 'operator'], {
      ...base,
      OPERATOR_PASSWORD: PASSWORD,
    });
    expect(added.code).toBe(0);

    // With an account in place, CONSOLE_TOKEN no longer works: the old way fails with a message.
    const byToken = cli('qr', ['--new', '旧方式'], base);
    expect(byToken.code).toBe(1);

    const wrong = cli('qr', ['--new', '周五晚间直播'], {
      ...base,
      OPERATOR_NAME: 'olga',
      OPERATOR_PASSWORD: 'nope',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/qr: could not sign in as olga/);

    const made = cli('qr', ['--new', '周五晚间直播'], {
      ...base,
      OPERATOR_NAME: 'olga',
      OPERATOR_PASSWORD: PASSWORD,
    });
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/Room {5}\S+ {2}"周五晚间直播"/);
    expect(made.out).toMatch(/Invite {3}\S+/);

    const file = new Database(db.file, { readonly: true });
    try {
      const rooms = file.prepare("SELECT id FROM rooms WHERE title = '周五晚间直播'").all() as {
        id: string;
      }[];
      expect(rooms).toHaveLength(1);
      // The room is made by POST /api/rooms (no room id in its URL): the audit names who made it.
      const audit = file
        .prepare(
          "SELECT actor_name AS name, actor_role AS role, action FROM audit_log WHERE action <> 'sign-in'",
        )
        .all();
      expect(audit).toContainEqual({
        name: 'olga',
        role: 'operator',
        action: expect.stringContaining('/api/rooms'),
      });
    } finally {
      file.close();
    }
  }, 120_000);
});
