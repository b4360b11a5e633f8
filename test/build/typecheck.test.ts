/**
 * `npm run typecheck` (scripts/typecheck.js, TypeScript 7's native compiler) covers every TypeScript project in the
 * repository, and fails on a type error with the file and the error.
 */
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const typecheck = require('../../scripts/typecheck.js') as { PROJECTS: string[]; nativeTsc: () => string };

const REPO = path.resolve(__dirname, '../..');

describe('npm run typecheck', () => {
  it('checks every tsconfig.json the repository has', () => {
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => path.basename(file) === 'tsconfig.json' && fs.existsSync(path.join(REPO, file)));
    expect(tracked.length).toBeGreaterThan(0);
    expect([...typecheck.PROJECTS].sort()).toEqual(expect.arrayContaining(tracked.sort()));
  });

  it("runs TypeScript 7's compiler, which reports a type error with its file and code", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typecheck-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true } }),
      );
      fs.writeFileSync(path.join(dir, 'room.ts'), 'export const viewers: number = "many";\n');
      const tsc = typecheck.nativeTsc();
      const version = spawnSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' });
      expect(version.stdout).toMatch(/^Version 7\./);
      const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', dir], {
        encoding: 'utf8',
      });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toMatch(
        /room\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
