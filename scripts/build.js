#!/usr/bin/env node
/**
 * `npm run build`: everything WeChat's toolchain would reject, checked offline, plus the package size.
 *   1. project files: every .json parses, every page in app.json exists, every usingComponents path resolves
 *   2. WXML/WXSS through WeChat's own compilers (miniprogram-compiler: wcc/wcsc)
 *   3. strict type check (tsc --noEmit), in a child process while the rest runs
 *   4. npm pack (miniprogram-ci packNpmManually): the root package.json's dependencies into
 *      miniprogram/miniprogram_npm (main package), and each subpackage's own package.json (e.g. pages/package.json,
 *      the ZEGO SDK) into that subpackage's miniprogram_npm, from the versions installed in node_modules
 *   5. offline compile as DevTools/upload sees it (miniprogram-ci getCompiledResult)
 *      and no compiled file loads the service's code (its API types are imported type-only)
 *   6. operator console (server/console/build.mjs) when present
 *   7. bytes per package (main, each subpackage) against WeChat's 2 MB limit per package and our main-package budget,
 *      and the bytes downloaded before the first screen of each entry page; report in dist/build-report.json
 * Options: --project <dir> (build another copy), --skip-pack, --skip-typecheck, --skip-console,
 *          --budget <bytes> (main package, default 200 KB), --verbose (show the toolchain's own logs),
 *          --json (report on stdout).
 * Exits 1 with a message naming the file on the first class of failure found.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
/** WeChat's hard limit on each package, the main one and every subpackage. */
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024;
/** Our budget for the main package: what every user downloads before the first screen (issue 15). */
const DEFAULT_BUDGET = 200 * 1024;
/** The entry pages whose first-screen download the report names: the room list, a shared card, the anchor's QR. */
const ENTRY_PAGES = {
  'room list': 'home/rooms/index',
  'shared audience card': 'pages/audience/index',
  'anchor QR': 'pages/anchor/index',
};
/** Folders the project's own checks never walk into (built or installed code). */
const BUILT_DIRS = new Set(['miniprogram_npm', 'node_modules']);
/** File types WeChat uploads (miniprogram-ci's MiniProgramWhiteList); everything else, e.g. .map and .ts, stays behind. */
const UPLOADED_EXTENSIONS = new Set(
  '.wxml .wxss .wxs .png .jpg .jpeg .gif .svg .js .json .cer .mp3 .aac .m4a .mp4 .wav .ogg .silk .wasm .br .cur .ico .skel .crt .cert'.split(
    ' ',
  ),
);
/** miniprogram-ci leaves empty folders named by an MD5 in its working directory. */
const HASH_DIR = /^[0-9a-f]{32}$/;

/** A failure the user can fix: `file` is shown first, relative to the project. */
class BuildError extends Error {
  constructor(step, file, message) {
    super(message);
    this.step = step;
    this.file = file;
  }
}

function parseArgs(argv) {
  const opts = {
    project: REPO_ROOT,
    pack: true,
    typecheck: true,
    console: true,
    budget: DEFAULT_BUDGET,
    verbose: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--project') opts.project = path.resolve(argv[(i += 1)] || '');
    else if (arg === '--skip-pack') opts.pack = false;
    else if (arg === '--skip-typecheck') opts.typecheck = false;
    else if (arg === '--skip-console') opts.console = false;
    else if (arg === '--budget') opts.budget = Number(argv[(i += 1)]);
    else if (arg === '--verbose') opts.verbose = true;
    else if (arg === '--json') opts.json = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node scripts/build.js [--project <dir>] [--skip-pack] [--skip-typecheck] [--skip-console] [--budget <bytes>] [--verbose] [--json]',
      );
      process.exit(0);
    } else throw new BuildError('args', '', `unknown option ${arg}`);
  }
  if (!Number.isFinite(opts.budget) || opts.budget <= 0)
    throw new BuildError('args', '', '--budget needs a byte count');
  return opts;
}

const rel = (ctx, file) => path.relative(ctx.project, file).split(path.sep).join('/');

/** Parses a JSON file or fails naming it, with line and column. */
function readJson(ctx, file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BuildError('json', rel(ctx, file), 'file not found');
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const match = /position (\d+)/.exec(error.message);
    let where = '';
    if (match) {
      const before = text.slice(0, Number(match[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${Number(match[1]) - before.lastIndexOf('\n')})`;
    }
    throw new BuildError('json', rel(ctx, file), `bad JSON${where}: ${error.message}`);
  }
}

/** Every file under dir (relative paths, '/'-separated), skipping folders with the named names at any depth. */
function listFiles(dir, skip = new Set()) {
  const out = [];
  const walk = (abs, prefix) => {
    let entries;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory() && skip.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path.join(abs, entry.name), name);
      else if (entry.isFile()) out.push(name);
    }
  };
  walk(dir, '');
  return out;
}

const exists = (file) => fs.existsSync(file);
const hasScript = (base) => exists(`${base}.ts`) || exists(`${base}.js`);

/** Step 1: JSON everywhere, pages, subpackages and components that app.json and the page JSONs name. */
function checkProjectFiles(ctx) {
  const projectConfig = readJson(ctx, path.join(ctx.project, 'project.config.json'));
  ctx.appid = projectConfig.appid || 'touristappid';
  ctx.root = path.join(ctx.project, projectConfig.miniprogramRoot || 'miniprogram');
  if (!exists(ctx.root)) throw new BuildError('files', rel(ctx, ctx.root), 'miniprogramRoot does not exist');

  for (const file of listFiles(ctx.root, BUILT_DIRS)) {
    if (file.endsWith('.json')) readJson(ctx, path.join(ctx.root, file));
  }

  const appJsonFile = path.join(ctx.root, 'app.json');
  const app = readJson(ctx, appJsonFile);
  if (!Array.isArray(app.pages) || app.pages.length === 0) {
    throw new BuildError('files', rel(ctx, appJsonFile), '"pages" must list at least one page');
  }
  if (!hasScript(path.join(ctx.root, 'app')))
    throw new BuildError('files', rel(ctx, ctx.root), 'app.ts is missing');

  const pages = app.pages.map((page) => ({ page, from: appJsonFile }));
  const subpackages = app.subpackages || app.subPackages || [];
  ctx.subpackages = [];
  for (const sub of subpackages) {
    const root = String(sub.root || '').replace(/^\/|\/$/g, '');
    if (!root) throw new BuildError('files', rel(ctx, appJsonFile), 'a subpackage needs a "root" folder');
    ctx.subpackages.push({
      root,
      name: sub.name || root,
      pages: (sub.pages || []).map((p) => `${root}/${p}`),
    });
    for (const page of sub.pages || []) pages.push({ page: `${root}/${page}`, from: appJsonFile });
  }
  ctx.subpackageRoots = ctx.subpackages.map((sub) => sub.root);
  for (const sub of ctx.subpackages) {
    const nested = ctx.subpackages.find((o) => o !== sub && sub.root.startsWith(`${o.root}/`));
    if (nested)
      throw new BuildError(
        'files',
        rel(ctx, appJsonFile),
        `subpackage "${sub.root}" lies inside "${nested.root}"`,
      );
    // WeChat packs every file under a root into that subpackage: a main-package page there would never load.
    const stray = app.pages.find((page) => page.startsWith(`${sub.root}/`));
    if (stray)
      throw new BuildError(
        'files',
        rel(ctx, appJsonFile),
        `main-package page "${stray}" lies inside subpackage root "${sub.root}"`,
      );
  }
  ctx.mainPages = app.pages;
  ctx.preloadRule = app.preloadRule || {};

  const components = new Map(); // component base path -> JSON file that names it
  const collectComponents = (jsonFile, owner) => {
    const config = readJson(ctx, jsonFile);
    for (const [tag, target] of Object.entries(config.usingComponents || {})) {
      if (
        typeof target !== 'string' ||
        target.startsWith('plugin://') ||
        target.startsWith('plugin-private://')
      )
        continue;
      let base;
      if (target.startsWith('/')) base = path.join(ctx.root, target);
      else if (target.startsWith('.')) base = path.resolve(path.dirname(owner), target);
      else {
        // An npm component: resolvable only once packed.
        const npmRoot = path.join(ctx.root, 'miniprogram_npm');
        if (!exists(npmRoot)) continue;
        base = path.join(npmRoot, target);
        if (exists(base) && fs.statSync(base).isDirectory()) base = path.join(base, 'index');
      }
      if (!components.has(base)) {
        components.set(base, { jsonFile, tag, target });
        checkComponent(base, { jsonFile, tag, target });
      }
    }
  };
  const checkComponent = (base, { jsonFile, tag, target }) => {
    const missing = ['.wxml', '.json'].filter((ext) => !exists(base + ext));
    if (!hasScript(base)) missing.unshift('.ts');
    if (missing.length) {
      throw new BuildError(
        'files',
        rel(ctx, jsonFile),
        `usingComponents "${tag}": "${target}" -> ${rel(ctx, base)}${missing[0]} does not exist`,
      );
    }
    collectComponents(`${base}.json`, base);
  };

  if (app.usingComponents) collectComponents(appJsonFile, path.join(ctx.root, 'app'));
  for (const { page, from } of pages) {
    const base = path.join(ctx.root, page);
    const missing = ['.wxml'].filter((ext) => !exists(base + ext));
    if (!hasScript(base)) missing.unshift('.ts');
    if (missing.length) {
      throw new BuildError(
        'files',
        rel(ctx, from),
        `page "${page}" does not exist (${rel(ctx, base)}${missing[0]} is missing)`,
      );
    }
    if (exists(`${base}.json`)) collectComponents(`${base}.json`, base);
  }
  ctx.pageCount = pages.length;
  ctx.componentCount = components.size;
}

/** Step 2: WeChat's WXML and WXSS compilers (the same wcc/wcsc DevTools runs). */
function checkTemplates(ctx) {
  const compiler = require(resolveFrom(ctx, 'miniprogram-compiler'));
  const wxmlList = listFiles(ctx.root, BUILT_DIRS).filter((f) => f.endsWith('.wxml'));
  const npmWxml = npmDirs(ctx).flatMap((dir) =>
    listFiles(path.join(ctx.root, dir))
      .filter((f) => f.endsWith('.wxml'))
      .map((f) => `${dir}/${f}`),
  );
  const tryCompile = (kind, fn) => {
    try {
      fn();
    } catch (error) {
      const text = String((error && error.message) || error).trim();
      // wcc says "<file>:<line>:<col>: <reason>", wcsc "<file>(<line>:<col>): <reason>"; relative to the root.
      const match = /([\w./-]+\.(?:wxml|wxss|wxs))(?::(\d+):(\d+)|\((\d+):(\d+)\)):?\s*(.*)/.exec(text);
      if (match) {
        const [, file, line1, col1, line2, col2, reason] = match;
        const where = `${line1 || line2}:${col1 || col2}`;
        throw new BuildError(kind, rel(ctx, path.join(ctx.root, file)), `${where} ${reason || text}`);
      }
      throw new BuildError(kind, rel(ctx, ctx.root), text);
    }
  };
  tryCompile('wxml', () => compiler.wxmlToJs(ctx.root, { wxmlList: [...wxmlList, ...npmWxml] }));
  ctx.wxmlCount = wxmlList.length;
  // wxssToJs crashes on a WXSS error (its wcsc wrapper returns the Error): call the wrapper and throw it.
  const wcsc = require(path.join(path.dirname(resolveFrom(ctx, 'miniprogram-compiler')), 'src', 'wcsc.js'));
  const wxssList = listFiles(ctx.root, BUILT_DIRS)
    .filter((f) => f.endsWith('.wxss'))
    .map((f) => f.slice(0, -'.wxss'.length));
  tryCompile('wxss', () => {
    const result = wcsc(ctx.root, wxssList);
    if (result instanceof Error) throw result;
  });
}

/** The miniprogram_npm folders, relative to the root: the main package's and one per subpackage. */
function npmDirs(ctx) {
  return ['miniprogram_npm', ...ctx.subpackageRoots.map((root) => `${root}/miniprogram_npm`)];
}

function resolveFrom(ctx, id) {
  return require.resolve(id, { paths: [ctx.project, REPO_ROOT] });
}

/** Step 3: `tsc --noEmit -p tsconfig.json` in a child process; resolves to null or a BuildError. */
function typecheck(ctx) {
  // TypeScript 7's native compiler (see scripts/typecheck.js): same diagnostics, a fraction of the time.
  const tsc = path.join(path.dirname(resolveFrom(ctx, 'typescript-native/package.json')), 'bin', 'tsc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], {
      cwd: ctx.project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      if (code === 0) return resolve(null);
      const lines = out.trim().split('\n');
      const first = /^(.+?)\(\d+,\d+\)/.exec(lines[0] || '');
      const files = new Set(lines.map((l) => (/^(.+?)\(\d+,\d+\): error/.exec(l) || [])[1]).filter(Boolean));
      resolve(
        new BuildError(
          'typecheck',
          first ? first[1] : 'tsconfig.json',
          `type errors in ${files.size ? [...files].join(', ') : 'the project'}\n${lines.slice(0, 20).join('\n')}${lines.length > 20 ? `\n… ${lines.length - 20} more lines` : ''}`,
        ),
      );
    });
  });
}

/** Runs fn with the toolchain's console chatter captured; the capture is shown when it fails or with --verbose. */
async function quietly(ctx, fn) {
  const methods = ['log', 'info', 'warn', 'error', 'debug'];
  const saved = methods.map((m) => console[m]);
  const captured = [];
  methods.forEach((m) => {
    console[m] = (...args) => captured.push(args.map(String).join(' '));
  });
  try {
    return await fn();
  } catch (error) {
    error.captured = captured;
    throw error;
  } finally {
    methods.forEach((m, i) => {
      console[m] = saved[i];
    });
    if (ctx.verbose && captured.length) console.log(captured.map((l) => `  | ${l}`).join('\n'));
  }
}

let ciModule;
/** miniprogram-ci, loaded once; its only network call in an offline compile (the upload file-type list) is answered locally. */
function loadCi(ctx) {
  if (ciModule) return ciModule;
  const ciMain = resolveFrom(ctx, 'miniprogram-ci');
  const whiteList = require(path.join(path.dirname(ciMain), 'utils', 'white_ext_list.js'));
  whiteList.getWhiteExtList = async () => ({
    GameWhiteList: new Set(whiteList.GameWhiteList),
    MiniProgramWhiteList: new Set(whiteList.MiniProgramWhiteList),
  });
  const saved = console.log;
  console.log = () => {}; // it announces "initservices CI" on load
  try {
    ciModule = require(ciMain);
  } finally {
    console.log = saved;
  }
  return ciModule;
}

/** Runs one packNpmManually; fails naming `manifest` when it built nothing for the dependencies it names. */
async function packOne(ctx, packageJsonPath, distDir, manifest) {
  const ci = loadCi(ctx);
  const result = await quietly(ctx, () =>
    ci.packNpmManually({ packageJsonPath, miniprogramNpmDistDir: distDir }),
  );
  if (result && Array.isArray(result.warnList) && result.warnList.length) {
    ctx.warnings.push(
      ...result.warnList.map(
        (w) => `npm pack (${manifest}): ${w.jsPath || ''} ${w.msg || JSON.stringify(w)}`,
      ),
    );
  }
  const pkg = readJson(ctx, packageJsonPath);
  const wanted = Object.keys(pkg.dependencies || {});
  const packedCount = result ? (result.miniProgramPackNum || 0) + (result.otherNpmPackNum || 0) : 0;
  if (wanted.length && packedCount === 0) {
    // e.g. node_modules missing, or a symlinked node_modules (the packer's glob does not follow it)
    throw new BuildError(
      'pack',
      manifest,
      `npm pack built nothing for dependencies ${wanted.join(', ')}; run npm install`,
    );
  }
  return result;
}

/** A subpackage's package.json and where each dependency is installed; fails when one is missing or another version. */
function subpackageManifest(ctx, root) {
  const manifestFile = path.join(ctx.root, root, 'package.json');
  const manifest = rel(ctx, manifestFile);
  const dependencies = readJson(ctx, manifestFile).dependencies || {};
  const installed = {};
  for (const [name, wanted] of Object.entries(dependencies)) {
    const dir = path.join(ctx.project, 'node_modules', name);
    if (!exists(path.join(dir, 'package.json')))
      throw new BuildError('pack', manifest, `${name} is not installed in node_modules; run npm install`);
    const version = readJson(ctx, path.join(dir, 'package.json')).version;
    if (version !== wanted)
      throw new BuildError('pack', manifest, `${name} ${wanted} is wanted but ${version} is installed`);
    installed[name] = dir;
  }
  return { manifest, dependencies, installed };
}

/**
 * A subpackage's npm pack: its package.json names what it needs; the packer reads node_modules beside the manifest,
 * so the named packages are copied (as installed at the top) into a staging folder first.
 */
async function packSubpackage(ctx, root) {
  const { manifest, dependencies, installed } = subpackageManifest(ctx, root);
  const staging = fs.mkdtempSync(path.join(ctx.tmp, 'subpackage-npm-'));
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ dependencies }));
  for (const [name, dir] of Object.entries(installed)) {
    fs.cpSync(fs.realpathSync(dir), path.join(staging, 'node_modules', name), { recursive: true });
  }
  fs.rmSync(path.join(ctx.root, root, 'miniprogram_npm'), { recursive: true, force: true });
  return packOne(ctx, path.join(staging, 'package.json'), path.join(ctx.root, root), manifest);
}

/** Step 4: the npm packs, the main package's (root "dependencies" only) and each subpackage's that has a package.json. */
async function packNpm(ctx) {
  const roots = ctx.subpackageRoots.filter((root) => exists(path.join(ctx.root, root, 'package.json')));
  roots.forEach((root) => subpackageManifest(ctx, root)); // a wrong manifest fails before anything is packed
  // Packed afresh, like each subpackage's: a package an older build put in the main package (the ZEGO SDK did) goes.
  fs.rmSync(path.join(ctx.root, 'miniprogram_npm'), { recursive: true, force: true });
  const [main, ...packed] = await Promise.all([
    packOne(ctx, path.join(ctx.project, 'package.json'), ctx.root, 'package.json'),
    ...roots.map((root) => packSubpackage(ctx, root)),
  ]);
  ctx.packed = { main, subpackages: Object.fromEntries(roots.map((root, i) => [root, packed[i]])) };
}

/** A throwaway RSA key: the offline compile wants a key file but never signs anything with it. */
function throwawayKey(ctx) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const file = path.join(ctx.tmp, 'private.throwaway.key');
  fs.writeFileSync(file, privateKey, { mode: 0o600 });
  return file;
}

/** Step 5: compile the project the way DevTools uploads it (TypeScript plugin, minify, JSON checks), offline. */
async function compileProject(ctx) {
  const ci = loadCi(ctx);
  const rootRel = rel(ctx, ctx.root);
  const project = new ci.Project({
    appid: ctx.appid,
    type: 'miniProgram',
    projectPath: ctx.project,
    privateKeyPath: throwawayKey(ctx),
    // npm output is already minified and is measured from disk: compiling 0.6 MB of SDK again costs ~25 s.
    ignores: ['node_modules/**/*', ...npmDirs(ctx).map((dir) => `${rootRel}/${dir}/**/*`)],
  });
  project.attr = async () => ci.DefaultProjectAttr; // without it the CI asks WeChat's servers and crashes offline
  let result;
  try {
    result = await quietly(ctx, () => ci.getCompiledResult({ project, setting: { useProjectConfig: true } }));
  } catch (error) {
    const text = String((error && error.message) || error).trim();
    const fileMatch = /([\w./-]+\.(?:json|ts|js|wxml|wxss|wxs))/.exec(text);
    const file = fileMatch
      ? exists(path.join(ctx.root, fileMatch[1]))
        ? rel(ctx, path.join(ctx.root, fileMatch[1]))
        : fileMatch[1]
      : rootRel;
    const err = new BuildError(
      'compile',
      file,
      text.startsWith(`${file}: `) ? text.slice(file.length + 2) : text,
    );
    err.captured = error.captured;
    throw err;
  }
  ctx.compiled = result;
}

/** Module names whose code must never reach the app's package (the API types come from them type-only). */
const SERVICE_ONLY = /^@sinclair\/typebox(\/|$)/;

/**
 * Step 5b: no compiled file loads the service's code (its schemas are imported with `import type`, which compiles
 * to nothing) or anything outside the package; fails naming the file and what it loads.
 */
function checkNoServiceCode(ctx) {
  // Compiled names may be relative to the project or to the mini-program root: the package is that root either way.
  const rootRel = rel(ctx, ctx.root);
  for (const [name, content] of Object.entries(ctx.compiled || {})) {
    if (!name.endsWith('.js')) continue;
    const file = name.startsWith(`${rootRel}/`) ? name : path.posix.join(rootRel, name);
    for (const [, spec] of String(content).matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const outside = spec.startsWith('.') && !target.startsWith(`${rootRel}/`);
      if (outside || SERVICE_ONLY.test(spec)) {
        throw new BuildError(
          'contract',
          file.replace(/\.js$/, '.ts'),
          `loads ${spec} at run time: the service's schemas are for types only (use \`import type\`)`,
        );
      }
    }
  }
}

const consoleScript = (ctx) => path.join(ctx.project, 'server', 'console', 'build.mjs');
const hasConsole = (ctx) => ctx.console && exists(consoleScript(ctx));

/** Step 6: the operator console, built by its own script when it exists. */
function buildConsole(ctx) {
  const script = consoleScript(ctx);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: ctx.project, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      ctx.consoleBuilt = code === 0;
      resolve(
        code === 0 ? null : new BuildError('console', rel(ctx, script), `exited ${code}\n${out.trim()}`),
      );
    });
  });
}

/** Step 7: bytes WeChat would upload, per package, and what each entry page downloads before its first screen. */
function measure(ctx) {
  const packageOf = (file) => ctx.subpackageRoots.find((root) => file.startsWith(`${root}/`)) || null;
  const packages = { main: { root: '', pages: ctx.mainPages } };
  for (const sub of ctx.subpackages)
    packages[sub.root] = { root: sub.root, name: sub.name, pages: sub.pages };
  for (const pkg of Object.values(packages))
    Object.assign(pkg, { bytes: 0, appCodeBytes: 0, npmBytes: 0, npmPackages: {}, files: [] });
  let files = 0;
  for (const [file, content] of Object.entries(ctx.compiled || {})) {
    const bytes = Buffer.isBuffer(content) ? content.length : Buffer.byteLength(String(content));
    const owner = packages[packageOf(file) || 'main'];
    owner.appCodeBytes += bytes;
    owner.files.push([file, bytes]);
    files += 1;
  }
  for (const dir of npmDirs(ctx)) {
    const owner = packages[dir === 'miniprogram_npm' ? 'main' : dir.slice(0, -'/miniprogram_npm'.length)];
    for (const file of listFiles(path.join(ctx.root, dir))) {
      if (!UPLOADED_EXTENSIONS.has(path.extname(file))) continue;
      const bytes = fs.statSync(path.join(ctx.root, dir, file)).size;
      owner.npmBytes += bytes;
      const name = file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0];
      owner.npmPackages[name] = (owner.npmPackages[name] || 0) + bytes;
      files += 1;
    }
  }
  for (const pkg of Object.values(packages)) {
    pkg.bytes = pkg.appCodeBytes + pkg.npmBytes;
    // the largest compiled files first: where to look when a package grows
    pkg.largestFiles = Object.fromEntries(pkg.files.sort((a, b) => b[1] - a[1]).slice(0, 12));
    delete pkg.files;
  }
  const main = packages.main;
  // Opening a page downloads the main package, and the page's subpackage when the page lives in one.
  const entries = {};
  for (const [entry, page] of Object.entries(ENTRY_PAGES)) {
    const root = packageOf(page);
    entries[entry] = { page, bytes: main.bytes + (root ? packages[root].bytes : 0) };
  }
  const subpackageBytes = Object.values(packages)
    .filter((pkg) => pkg !== main)
    .reduce((sum, pkg) => sum + pkg.bytes, 0);
  return {
    mainPackageBytes: main.bytes,
    appCodeBytes: main.appCodeBytes,
    miniprogramNpmBytes: main.npmBytes,
    npmPackages: main.npmPackages,
    subpackageBytes,
    totalBytes: main.bytes + subpackageBytes,
    packages,
    entries,
    preloadRule: ctx.preloadRule,
    files,
    limitBytes: MAIN_PACKAGE_LIMIT,
    budgetBytes: ctx.budget,
  };
}

/** Direct writes: console.* may still be captured by a toolchain step that is running when another one fails. */
const say = (text) => process.stdout.write(`${text}\n`);
const shout = (text) => process.stderr.write(`${text}\n`);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Removes the empty hash-named folders miniprogram-ci leaves behind (only empty ones, only hash names). */
function removeHashDirs(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || !HASH_DIR.test(entry.name)) continue;
    try {
      fs.rmdirSync(path.join(dir, entry.name)); // fails, and so keeps it, unless empty
    } catch {
      /* not empty: not ours */
    }
  }
}

async function main() {
  const started = Date.now();
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    shout(`build failed: ${error.message}`);
    return 2;
  }
  const ctx = {
    ...opts,
    warnings: [],
    tmp: fs.mkdtempSync(path.join(os.tmpdir(), 'mp-build-')),
    timings: {},
  };
  const cwd = process.cwd();
  process.noDeprecation = true; // miniprogram-ci's dependencies print deprecation warnings on load
  // miniprogram-ci drops empty hash-named folders into the working directory: give it a private one.
  process.chdir(ctx.tmp);
  const step = async (name, fn) => {
    const t = Date.now();
    const value = await fn();
    ctx.timings[name] = Date.now() - t;
    return value;
  };
  try {
    await step('files', () => checkProjectFiles(ctx));
    await step('templates', () => checkTemplates(ctx));
    // Type check and console build run as child processes beside pack + compile; the first failure wins.
    const failOn = (p) =>
      p.then((error) => {
        if (error) throw error;
      });
    await Promise.all([
      failOn(ctx.typecheck ? step('typecheck', () => typecheck(ctx)) : Promise.resolve(null)),
      failOn(hasConsole(ctx) ? step('console', () => buildConsole(ctx)) : Promise.resolve(null)),
      (async () => {
        if (ctx.pack) await step('pack', () => packNpm(ctx));
        await step('compile', () => compileProject(ctx));
        await step('contract', () => checkNoServiceCode(ctx));
      })(),
    ]);

    const size = measure(ctx);
    const overLimit = Object.entries(size.packages).filter(([, pkg]) => pkg.bytes > MAIN_PACKAGE_LIMIT);
    const report = {
      ok: size.mainPackageBytes <= ctx.budget && overLimit.length === 0,
      project: ctx.project,
      pages: ctx.pageCount,
      components: ctx.componentCount,
      packed: ctx.pack,
      typechecked: ctx.typecheck,
      console: Boolean(ctx.consoleBuilt),
      ...size,
      timingsMs: { ...ctx.timings, total: Date.now() - started },
      warnings: ctx.warnings,
    };
    const reportDir = path.join(ctx.project, 'dist');
    fs.mkdirSync(reportDir, { recursive: true });
    fs.writeFileSync(path.join(reportDir, 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`);

    if (ctx.json) say(JSON.stringify(report));
    else {
      const pct = (n) => `${((n / MAIN_PACKAGE_LIMIT) * 100).toFixed(0)}% of 2 MB`;
      const npmNote = ctx.pack
        ? ''
        : exists(path.join(ctx.root, 'miniprogram_npm'))
          ? ' (not repacked)'
          : ' (not packed)';
      say(
        [
          `build ok: ${report.pages} pages, ${report.components} components, ${ctx.wxmlCount} WXML${ctx.typecheck ? ', types ok' : ''}${report.console ? ', console built' : ''}`,
          `  main package   ${kb(size.mainPackageBytes).padStart(10)}  (${size.mainPackageBytes} B, ${pct(size.mainPackageBytes)}; budget ${kb(ctx.budget)})`,
          `    app code     ${kb(size.appCodeBytes).padStart(10)}`,
          `    miniprogram_npm ${kb(size.miniprogramNpmBytes).padStart(7)}${npmNote}  ${Object.entries(
            size.npmPackages,
          )
            .map(([n, b]) => `${n} ${kb(b)}`)
            .join(', ')}`,
          ...Object.entries(size.packages)
            .filter(([key]) => key !== 'main')
            .map(
              ([root, pkg]) =>
                `  subpackage ${`${root}/`.padEnd(3)} ${kb(pkg.bytes).padStart(10)}  (${pct(pkg.bytes)}) = app code ${kb(pkg.appCodeBytes)} + miniprogram_npm ${kb(pkg.npmBytes)}${
                  Object.keys(pkg.npmPackages).length
                    ? ` (${Object.entries(pkg.npmPackages)
                        .map(([n, b]) => `${n} ${kb(b)}`)
                        .join(', ')})`
                    : ''
                }`,
            ),
          `  first screen   ${Object.entries(size.entries)
            .map(([entry, e]) => `${entry} ${kb(e.bytes)}`)
            .join(', ')}`,
          ...ctx.warnings.map((w) => `  warning: ${w}`),
          `  ${Object.entries(ctx.timings)
            .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
            .join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s`,
        ].join('\n'),
      );
    }
    if (overLimit.length) {
      const [root, pkg] = overLimit[0];
      throw new BuildError(
        'size',
        rel(ctx, path.join(ctx.root, root === 'main' ? '' : root)),
        `${root === 'main' ? 'the main package' : `subpackage ${root}/`} is ${pkg.bytes} B, over WeChat's 2 MB limit per package`,
      );
    }
    if (!report.ok) {
      throw new BuildError(
        'size',
        rel(ctx, ctx.root),
        `main package is ${size.mainPackageBytes} B (${kb(size.mainPackageBytes)}), over the budget of ${kb(ctx.budget)} (WeChat's limit is 2 MB)`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof BuildError) {
      shout(`build failed [${error.step}] ${error.file ? `${error.file}: ` : ''}${error.message}`);
    } else {
      shout(`build failed: ${(error && error.stack) || error}`);
    }
    // The toolchain's own log only helps when its error did not name a file.
    const named =
      error instanceof BuildError && error.file && error.file !== rel(ctx, ctx.root || ctx.project);
    if (error && error.captured && error.captured.length && !ctx.verbose && !named) {
      shout(
        error.captured
          .slice(-15)
          .map((l) => `  | ${l}`)
          .join('\n'),
      );
    }
    return 1;
  } finally {
    process.chdir(cwd);
    fs.rmSync(ctx.tmp, { recursive: true, force: true });
    removeHashDirs(cwd);
    removeHashDirs(ctx.project);
    removeHashDirs(REPO_ROOT);
  }
}

if (require.main === module) {
  // The CI's compiler keeps worker processes alive after it is done: exit explicitly.
  main().then(
    (code) => process.exit(code),
    (error) => {
      shout(error);
      process.exit(1);
    },
  );
}

module.exports = { MAIN_PACKAGE_LIMIT, DEFAULT_BUDGET, ENTRY_PAGES };
