/**
 * `npm run build` on copies of the project: it passes on the real tree, and each thing WeChat's toolchain would
 * reject makes it exit non-zero with a message naming the file. One npm pack in beforeAll; the failure cases reuse
 * its miniprogram_npm and skip the pack.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const BUILD = path.join(REPO, 'scripts/build.js');
/** What a fresh checkout of the mini-program needs to build: the contract package is the only code from outside it. */
const PROJECT_ENTRIES = [
  'miniprogram',
  'project.config.json',
  'tsconfig.json',
  'typings',
  'package.json',
  'packages/contract',
];

interface Run {
  code: number | null;
  out: string;
}

const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-test-'));
  dirs.push(dir);
  return dir;
}

/** Copies the project (or a previous copy) without node_modules, which is linked. */
function copyProject(from: string): string {
  const dir = tempDir();
  for (const entry of PROJECT_ENTRIES) {
    const src = path.join(from, entry);
    if (!fs.existsSync(src)) continue;
    fs.cpSync(src, path.join(dir, entry), {
      recursive: true,
      // the npm pack only comes from the base copy; source maps are never uploaded
      filter: (file) =>
        from === REPO ? !file.includes(`${path.sep}miniprogram_npm`) : !file.endsWith('.map'),
    });
  }
  linkNodeModules(dir, from === REPO);
  addPlaceholderPages(dir);
  return dir;
}

/**
 * node_modules for a copy: a link to the real one, except that the copy that is packed gets the root dependencies
 * as real folders (the packer's glob does not follow a symlinked node_modules and would pack nothing).
 */
function linkNodeModules(dir: string, forPack: boolean): void {
  const source = path.join(REPO, 'node_modules');
  const target = path.join(dir, 'node_modules');
  if (!forPack) {
    fs.symlinkSync(source, target, 'dir');
    return;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
  fs.mkdirSync(target);
  for (const name of fs.readdirSync(source)) {
    if (name.startsWith('@')) {
      fs.mkdirSync(path.join(target, name));
      for (const sub of fs.readdirSync(path.join(source, name))) {
        const full = `${name}/${sub}`;
        if (dependencies.has(full))
          fs.cpSync(path.join(source, full), path.join(target, full), { recursive: true });
        else fs.symlinkSync(path.join(source, full), path.join(target, full), 'dir');
      }
    } else if (dependencies.has(name)) {
      fs.cpSync(path.join(source, name), path.join(target, name), { recursive: true });
    } else {
      fs.symlinkSync(path.join(source, name), path.join(target, name), 'dir');
    }
  }
}

/** Pages listed in app.json that do not exist yet get a tiny page, so the rest is tested. */
function addPlaceholderPages(dir: string): void {
  const root = path.join(dir, 'miniprogram');
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as { pages: string[] };
  for (const page of app.pages) {
    const base = path.join(root, page);
    if (fs.existsSync(`${base}.ts`) && fs.existsSync(`${base}.wxml`)) continue;
    fs.mkdirSync(path.dirname(base), { recursive: true });
    fs.writeFileSync(`${base}.ts`, 'Component({ data: { title: "placeholder" } });\n');
    fs.writeFileSync(`${base}.wxml`, '<view>{{title}}</view>\n');
    fs.writeFileSync(`${base}.json`, '{ "usingComponents": {} }\n');
  }
}

const BUILD_TIMEOUT_MS = 300_000;

function build(dir: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [BUILD, '--project', dir, ...args], {
    cwd: dir,
    encoding: 'utf8',
    // The build takes 30-60 s on a quiet 2-core machine and over 110 s on a busy one.
    timeout: BUILD_TIMEOUT_MS,
  });
  const failed = result.error ? `\n(build did not finish: ${result.error.message})` : '';
  return { code: result.status, out: `${result.stdout}\n${result.stderr}${failed}` };
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const abs = path.join(dir, file);
  fs.writeFileSync(abs, change(fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : ''));
}

interface PackageReport {
  bytes: number;
  pages: string[];
  npmPackages: Record<string, number>;
  largestFiles: Record<string, number>;
}

/** dist/build-report.json of a built copy. */
function readReport(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'dist/build-report.json'), 'utf8')) as {
    mainPackageBytes: number;
    miniprogramNpmBytes: number;
    appCodeBytes: number;
    limitBytes: number;
    npmPackages: Record<string, number>;
    packages: Record<string, PackageReport>;
    entries: Record<string, { page: string; bytes: number }>;
  };
}

/** The first page in app.json (a real one, or a placeholder). */
function firstPage(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'miniprogram/app.json'), 'utf8')) as { pages: string[] })
    .pages[0];
}

let base: string;
let baseRun: Run;

beforeAll(() => {
  base = copyProject(REPO);
  baseRun = build(base, '--skip-console');
}, BUILD_TIMEOUT_MS + 30_000);

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('passes on the real tree: types, npm pack, offline compile, and the main package under budget', () => {
    expect(baseRun.out).toContain('build ok');
    expect(baseRun.code).toBe(0);
    const npm = (dir: string, name: string) => path.join(base, 'miniprogram', dir, 'miniprogram_npm', name);
    expect(fs.existsSync(path.join(npm('', 'mobx-miniprogram'), 'index.js'))).toBe(true);
    // the SDK is packed into the live subpackage only
    expect(fs.existsSync(path.join(npm('pages', 'zego-express-engine-miniprogram'), 'index.js'))).toBe(true);
    expect(fs.existsSync(npm('', 'zego-express-engine-miniprogram'))).toBe(false);
    const report = readReport(base);
    expect(report.appCodeBytes).toBeGreaterThan(0);
    expect(report.miniprogramNpmBytes).toBeGreaterThan(0);
    expect(report.mainPackageBytes).toBe(report.appCodeBytes + report.miniprogramNpmBytes);
    expect(report.mainPackageBytes).toBeLessThanOrEqual(200 * 1024);
    expect(report.limitBytes).toBe(2 * 1024 * 1024);
    expect(Object.keys(report.npmPackages).sort()).toEqual([
      '@zego-live/contract',
      'mobx-miniprogram',
      'mobx-miniprogram-bindings',
    ]);
    // the contract's run-time part is compiled in where require('@zego-live/contract') finds it, without TypeBox
    const contract = fs.readFileSync(path.join(npm('', '@zego-live/contract'), 'index.js'), 'utf8');
    expect(contract).toContain('"live-service"');
    expect(contract).not.toMatch(/sinclair|TypeBox/i);
    expect(report.npmPackages['@zego-live/contract']).toBeLessThan(10 * 1024);
    const live = report.packages.pages;
    expect(Object.keys(live.npmPackages)).toEqual(['zego-express-engine-miniprogram']);
    expect(live.bytes).toBeLessThan(report.limitBytes);
    expect(live.pages).toEqual([
      'pages/anchor/index',
      'pages/audience/index',
      'pages/call/index',
      // 通话记录 (issue 27): in the live subpackage (preloaded from the room list), out of the main package's budget.
      'pages/calls/index',
      // The replay page (issue 29) plays with <video>: in the live subpackage, out of the main package's budget.
      'pages/replay/index',
    ]);
    // no live-session code in the main package: the stores it carries are the user's and the room list's
    expect(
      Object.keys(report.packages.main.largestFiles).filter((f) => /session|cohost|engine/.test(f)),
    ).toEqual([]);
    // what each entry downloads before its first screen: the room list only the main package
    expect(report.entries['room list'].bytes).toBe(report.mainPackageBytes);
    expect(report.entries['shared audience card'].bytes).toBe(report.mainPackageBytes + live.bytes);
    expect(report.entries['anchor QR'].bytes).toBe(report.mainPackageBytes + live.bytes);
    // miniprogram-ci's hash-named leftovers are cleaned up
    expect(fs.readdirSync(base).filter((name) => /^[0-9a-f]{32}$/.test(name))).toEqual([]);
  });

  it('fails naming app.json when a main-package page lies inside the subpackage root', () => {
    const dir = copyProject(base);
    edit(dir, 'miniprogram/app.json', (text) => {
      const app = JSON.parse(text) as { pages: string[] };
      app.pages.push('pages/audience/index');
      return JSON.stringify(app, null, 2);
    });
    const run = build(dir, '--skip-pack', '--skip-typecheck');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('miniprogram/app.json');
    expect(run.out).toContain('main-package page "pages/audience/index" lies inside subpackage root "pages"');
  }, 120_000);

  it("fails naming the subpackage's package.json when it wants another SDK version than the one installed", () => {
    const dir = copyProject(base);
    edit(dir, 'miniprogram/pages/package.json', (text) => {
      const pkg = JSON.parse(text) as { dependencies: Record<string, string> };
      pkg.dependencies['zego-express-engine-miniprogram'] = '9.9.9';
      return JSON.stringify(pkg, null, 2);
    });
    const run = build(dir, '--skip-typecheck');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('miniprogram/pages/package.json');
    expect(run.out).toMatch(/zego-express-engine-miniprogram 9\.9\.9 is wanted but 3\.6\.0 is installed/);
  }, 240_000);

  it('fails naming the .ts file on a type error', () => {
    const dir = copyProject(base);
    edit(
      dir,
      'miniprogram/utils/viewer-count.ts',
      () => "/** Viewers, as shown. */\nexport const viewerCount: number = 'many';\n",
    );
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/type errors in .*miniprogram\/utils\/viewer-count\.ts/);
  }, 240_000);

  it("ships none of the service's code: a run-time import of its schemas fails naming the file", () => {
    const dir = copyProject(base);
    edit(
      dir,
      'miniprogram/services/api-client.ts',
      (text) =>
        `${text}\nimport { RoomView as RoomSchema } from '@zego-live/contract/schemas';\n` +
        '/** The room schema itself (a value: its code would ship). */\nexport const roomSchema = RoomSchema;\n',
    );
    const run = build(dir, '--skip-pack', '--skip-typecheck');
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(
      /miniprogram\/services\/api-client\.ts: loads @zego-live\/contract\/schemas at run time/,
    );
  }, 180_000);

  it("fails naming the contract's entry when it would carry the schemas into the app", () => {
    const dir = copyProject(base);
    edit(dir, 'packages/contract/index.ts', (text) => `${text}export * from './schemas';\n`);
    const run = build(dir, '--skip-pack', '--skip-typecheck');
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(
      /\[contract\] packages\/contract\/index\.ts: the app's contract bundle would carry packages\/contract\/schemas\.ts/,
    );
  }, 180_000);

  it('fails naming the .wxml file when WXML is broken', () => {
    const dir = copyProject(base);
    const page = firstPage(dir);
    edit(dir, `miniprogram/${page}.wxml`, (text) => `${text}\n<view class="chat">{{message}}\n`);
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`miniprogram/${page}.wxml`);
  }, 120_000);

  it('fails naming the .wxss file when WXSS is broken', () => {
    const dir = copyProject(base);
    const page = firstPage(dir);
    edit(dir, `miniprogram/${page}.wxss`, (text) => `${text}\n.chat-line { color: #fff;\n`);
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`miniprogram/${page}.wxss`);
  }, 120_000);

  it('fails naming app.json and the page when a listed page does not exist', () => {
    const dir = copyProject(base);
    edit(dir, 'miniprogram/app.json', (text) => {
      const app = JSON.parse(text) as { pages: string[] };
      app.pages.push('pages/replay/index');
      return JSON.stringify(app, null, 2);
    });
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('miniprogram/app.json');
    expect(run.out).toContain('pages/replay/index');
  }, 120_000);

  it("fails naming the page's .json on bad JSON", () => {
    const dir = copyProject(base);
    const page = firstPage(dir);
    edit(
      dir,
      `miniprogram/${page}.json`,
      () => '{\n  "usingComponents": {},\n  "navigationBarTitleText": "直播",\n}\n',
    );
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`miniprogram/${page}.json`);
    expect(run.out).toMatch(/bad JSON \(line 4/);
  }, 120_000);

  it('fails naming the page JSON when a component it uses does not exist', () => {
    const dir = copyProject(base);
    const page = firstPage(dir);
    edit(dir, `miniprogram/${page}.json`, (text) => {
      const config = JSON.parse(text) as { usingComponents?: Record<string, string> };
      config.usingComponents = { ...config.usingComponents, 'gift-panel': '/components/gift-panel/index' };
      return JSON.stringify(config);
    });
    const run = build(dir, '--skip-pack');
    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`miniprogram/${page}.json`);
    expect(run.out).toContain('components/gift-panel/index');
  }, 120_000);

  it('fails when the main package is over the budget', () => {
    const run = build(base, '--skip-pack', '--skip-typecheck', '--budget', '100000');
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/over the budget/);
  }, 240_000);
});
