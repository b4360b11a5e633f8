/** The build's shared context: options, constants, BuildError, file helpers and the toolchain loaders. */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
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

/** Parses the command line into the build's options; throws a BuildError on a bad option. */
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

/** A file's path relative to the project, '/'-separated. */
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

/** Whether a file or folder exists. */
const exists = (file) => fs.existsSync(file);
/** Whether a page or component has its script (.ts or .js). */
const hasScript = (base) => exists(`${base}.ts`) || exists(`${base}.js`);

/** The miniprogram_npm folders, relative to the root: the main package's and one per subpackage. */
function npmDirs(ctx) {
  return ['miniprogram_npm', ...ctx.subpackageRoots.map((root) => `${root}/miniprogram_npm`)];
}

/** Resolves a module from the project first, then from this repository. */
function resolveFrom(ctx, id) {
  return require.resolve(id, { paths: [ctx.project, REPO_ROOT] });
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
/** Direct writes: console.* may still be captured by a toolchain step that is running when another one fails. */
const say = (text) => process.stdout.write(`${text}\n`);
const shout = (text) => process.stderr.write(`${text}\n`);

/** Bytes as kilobytes with one decimal. */
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

module.exports = {
  REPO_ROOT,
  MAIN_PACKAGE_LIMIT,
  DEFAULT_BUDGET,
  ENTRY_PAGES,
  BUILT_DIRS,
  UPLOADED_EXTENSIONS,
  BuildError,
  parseArgs,
  rel,
  readJson,
  listFiles,
  exists,
  hasScript,
  npmDirs,
  resolveFrom,
  quietly,
  loadCi,
  say,
  shout,
  kb,
  removeHashDirs,
};
