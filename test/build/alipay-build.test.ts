/**
 * The Alipay build (scripts/build-alipay.js) on copies of the project: the real tree builds with ZEGO's Alipay SDK
 * (the vendored copy of ../shared/vendor), the SDK stays a file of its own that each bundle requires from where it
 * lands; without the SDK it stops naming the file and where to get it (or, for `npm run build`, says so and goes
 * on); a malformed AXML, a handler the AXML names but the page lacks, a missing page and a type error each fail,
 * naming the file. Skips, and says so, where the vendored SDK is absent.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const SCRIPT = path.join(REPO, 'scripts/build-alipay.js');
const VENDOR_SDK = path.resolve(REPO, '../shared/vendor/ZegoExpressAlipayMiniProgram-1.0.0.js');
// The contract package: its run-time part is bundled in, its schemas are types only (the bundles carry no TypeBox).
const ENTRIES = ['alipay', 'miniprogram', 'tsconfig.json', 'typings', 'packages/contract'];
const haveSdk = fs.existsSync(VENDOR_SDK);

if (!haveSdk) {
  console.warn(
    `build/alipay: SKIPPED the builds that need ZEGO's Alipay SDK: ${VENDOR_SDK} is absent (this project's tests use ` +
      'the copy in ../shared/vendor/; developers download it from ZEGO into alipay/libs/).',
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of what the Alipay build reads, node_modules linked, no build output or SDK file. */
function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-build-'));
  dirs.push(dir);
  for (const entry of ENTRIES) {
    fs.cpSync(path.join(REPO, entry), path.join(dir, entry), {
      recursive: true,
      // no build output, no npm pack, and no SDK file (each developer downloads their own)
      filter: (file) =>
        !file.includes(`alipay${path.sep}dist`) &&
        !file.includes('miniprogram_npm') &&
        !file.endsWith('ZegoExpressAlipayMiniProgram.js'),
    });
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(dir: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SCRIPT, '--project', dir, ...args], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const edit = (dir: string, file: string, change: (text: string) => string) =>
  fs.writeFileSync(path.join(dir, file), change(fs.readFileSync(path.join(dir, file), 'utf8')));

describe('the Alipay build', () => {
  it('without the SDK file: stops naming alipay/libs/ZegoExpressAlipayMiniProgram.js and where to get it', () => {
    const dir = copyProject();
    const strict = run(dir);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('alipay/libs/ZegoExpressAlipayMiniProgram.js: missing');
    expect(strict.out).toContain("ZEGO's download page");
    const lenient = run(dir, '--if-sdk');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('alipay: not built');
    expect(fs.existsSync(path.join(dir, 'alipay/dist'))).toBe(false);
  });

  (haveSdk ? describe : describe.skip)('with the SDK file', () => {
    it('builds dist/: app and page bundles with the shared core in them, the SDK beside them, the AXML copied', () => {
      const dir = copyProject();
      const r = run(dir, '--sdk', VENDOR_SDK);
      expect(r.out).toMatch(/alipay: built alipay\/dist \(2 page/);
      expect(r.code).toBe(0);
      const page = fs.readFileSync(path.join(dir, 'alipay/dist/pages/call/index.js'), 'utf8');
      expect(page).toContain('require("../../libs/ZegoExpressAlipayMiniProgram.js")');
      expect(page).toContain('adaptZegoEngine'); // the shared adapter, compiled in
      expect(page).not.toContain('zego-express-engine-miniprogram'); // never WeChat's SDK
      // The API types come from the service's schemas type-only: none of the service or TypeBox is bundled.
      for (const bundle of ['app.js', 'pages/call/index.js', 'pages/calls/index.js']) {
        const code = fs.readFileSync(path.join(dir, 'alipay/dist', bundle), 'utf8');
        expect({ bundle, typebox: /sinclair|TypeBox|server\/src/i.test(code) }).toEqual({
          bundle,
          typebox: false,
        });
      }
      expect(fs.existsSync(path.join(dir, 'alipay/dist/libs/ZegoExpressAlipayMiniProgram.js'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'alipay/dist/pages/call/index.axml'))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'alipay/dist/app.json'), 'utf8')).pages).toEqual([
        'pages/call/index',
        'pages/calls/index',
      ]);
      expect(fs.existsSync(path.join(dir, 'alipay/dist/pages/calls/index.axml'))).toBe(true);
    });

    const broken: [string, (dir: string) => void, RegExp][] = [
      [
        'an unclosed AXML tag',
        (dir) =>
          edit(dir, 'alipay/pages/call/index.axml', (t) =>
            t.replace('<view class="controls">', '<view class="controls"><view>'),
          ),
        /alipay\/pages\/call\/index\.axml: line \d+: .*never closed|closes/,
      ],
      [
        'a handler the AXML names but the page lacks',
        (dir) =>
          edit(dir, 'alipay/pages/call/index.axml', (t) =>
            t.replace('onTap="onHangUp"', 'onTap="onHangUpNow"'),
          ),
        /alipay\/pages\/call\/index\.axml: binds onHangUpNow, which pages\/call\/index\.ts does not define/,
      ],
      [
        'a page in app.json without its files',
        (dir) =>
          edit(dir, 'alipay/app.json', (t) =>
            t.replace('"pages/call/index"', '"pages/call/index", "pages/gone/index"'),
          ),
        /alipay\/pages\/gone\/index\.ts: missing \(app\.json lists the page pages\/gone\/index\)/,
      ],
      [
        'a type error',
        (dir) =>
          edit(dir, 'alipay/pages/call/rtc-room.ts', (t) => t.replace('this.seq += 1;', 'this.seq += "1";')),
        /alipay\/pages\/call\/rtc-room\.ts/,
      ],
    ];

    it.each(broken)('%s fails, naming the file', (_name, breakIt, message) => {
      const dir = copyProject();
      breakIt(dir);
      const r = run(dir, '--sdk', VENDOR_SDK);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(message);
    });
  });
});
