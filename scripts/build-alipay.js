#!/usr/bin/env node
/**
 * The Alipay app's build (offline: Alipay's own compiler downloads itself, so it cannot run here):
 *   1. ZEGO's Alipay SDK file is where the app loads it (alipay/libs/ZegoExpressAlipayMiniProgram.js; never committed)
 *   2. strict type check with Alipay's typings (tsc --noEmit -p alipay/tsconfig.json)
 *   3. every page in app.json has its .ts, .axml and .json; every AXML file is well-formed
 *   4. app.ts and each page bundled with esbuild (the shared core compiled in; the SDK file stays a separate file)
 *   5. every handler an AXML file names (onTap="onHangUp") is defined on its page
 * Output: alipay/dist/ (what Alipay's IDE opens: mini.project.json points at it).
 * Options: --project <dir> (build another copy), --sdk <file> (the SDK file to use), --if-sdk (without the SDK file,
 * say so and stop with exit 0: `npm run build` builds the WeChat app on a fresh clone), --skip-typecheck.
 * Exits 1 with a message naming the file on the first failure.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { spawnSync } = require('node:child_process');

const SDK_NAME = 'ZegoExpressAlipayMiniProgram.js';
const SDK_HELP =
  "download ZEGO's Express SDK for Alipay mini-programs (ZegoExpressAlipayMiniProgram-<version>.js) from ZEGO's " +
  'download page (doc-zh.zego.im, 实时音视频 -> 下载 -> 支付宝小程序) and save it as';

/** A failure that names its file. */
class BuildError extends Error {
  constructor(file, message) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

function parseArgs(argv) {
  const args = { project: path.resolve(__dirname, '..'), sdk: null, ifSdk: false, typecheck: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--project') args.project = path.resolve(argv[++i]);
    else if (argv[i] === '--sdk') args.sdk = path.resolve(argv[++i]);
    else if (argv[i] === '--if-sdk') args.ifSdk = true;
    else if (argv[i] === '--skip-typecheck') args.typecheck = false;
  }
  return args;
}

/** Checks that tags nest and close, attributes are quoted and {{ }} balance; throws naming the line. */
function checkAxml(file, text) {
  const stack = [];
  const tag = /<\/?([a-zA-Z][\w-]*)((?:\s+[\w:@.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;
  const lineOf = (index) => text.slice(0, index).split('\n').length;
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  let last = 0;
  let match;
  while ((match = tag.exec(withoutComments))) {
    const between = withoutComments.slice(last, match.index);
    if (/[<>]/.test(between)) throw new BuildError(file, `line ${lineOf(last)}: a tag is not well-formed`);
    last = tag.lastIndex;
    const [whole, name, , selfClosing] = match;
    if (whole.startsWith('</')) {
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new BuildError(
          file,
          `line ${lineOf(match.index)}: </${name}> closes ${open ? `<${open.name}> (line ${open.line})` : 'nothing'}`,
        );
      }
    } else if (!selfClosing) {
      stack.push({ name, line: lineOf(match.index) });
    }
  }
  if (/[<>]/.test(withoutComments.slice(last)))
    throw new BuildError(file, `line ${lineOf(last)}: a tag is not well-formed`);
  if (stack.length) {
    const open = stack[stack.length - 1];
    throw new BuildError(file, `line ${open.line}: <${open.name}> is never closed`);
  }
  const opens = (text.match(/\{\{/g) || []).length;
  const closes = (text.match(/\}\}/g) || []).length;
  if (opens !== closes) throw new BuildError(file, `unbalanced {{ }} (${opens} opened, ${closes} closed)`);
}

/** Handler names an AXML file binds (onTap="x", catchTap="y", onRtmpEvent="z"). */
function handlersIn(text) {
  const names = new Set();
  for (const m of text.matchAll(/\s(?:on|catch)[A-Z][\w]*\s*=\s*"([^"{}]+)"/g)) names.add(m[1].trim());
  return [...names];
}

/** Runs a bundled page with a fake Page() and returns the definition it registered. */
function pageDefinition(file, code) {
  let definition = null;
  const noop = () => undefined;
  const sandbox = {
    Page: (d) => (definition = d),
    App: noop,
    my: new Proxy({}, { get: () => noop }),
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    module: { exports: {} },
    require: (name) => {
      if (name.endsWith(SDK_NAME)) return { ZegoExpressEngine: function ZegoExpressEngine() {} };
      throw new BuildError(file, `requires ${name}, which the bundle should contain`);
    },
  };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(code, sandbox, { filename: file });
  if (!definition) throw new BuildError(file, 'does not call Page()');
  return definition;
}

async function build(args) {
  const root = path.join(args.project, 'alipay');
  const rel = (p) => path.relative(args.project, p) || '.';
  const dist = path.join(root, 'dist');

  // 1. The SDK file.
  const sdkTarget = path.join(root, 'libs', SDK_NAME);
  const sdk = args.sdk ?? sdkTarget;
  if (!fs.existsSync(sdk)) {
    const message = `${rel(sdkTarget)} is missing: ${SDK_HELP} ${rel(sdkTarget)} (the project never commits it)`;
    if (args.ifSdk) {
      console.log(`alipay: not built. ${message}`);
      return { built: false };
    }
    throw new BuildError(
      rel(sdkTarget),
      `missing. ${SDK_HELP} ${rel(sdkTarget)} (the project never commits it)`,
    );
  }

  // 2. Type check with Alipay's typings.
  if (args.typecheck) {
    const tsc = path.join(
      path.dirname(
        require.resolve('typescript-native/package.json', {
          paths: [args.project, path.resolve(__dirname, '..')],
        }),
      ),
      'bin',
      'tsc',
    );
    const result = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', 'alipay/tsconfig.json'],
      {
        cwd: args.project,
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) {
      const first = (result.stdout || result.stderr).split('\n').find((l) => l.trim()) || 'type check failed';
      const m = /^([^(]+)\(/.exec(first);
      throw new BuildError(m ? m[1] : 'alipay/tsconfig.json', first.replace(/^[^:]+:\s*/, ''));
    }
  }

  // 3. Pages and AXML.
  const appJsonFile = path.join(root, 'app.json');
  let appJson;
  try {
    appJson = JSON.parse(fs.readFileSync(appJsonFile, 'utf8'));
  } catch (error) {
    throw new BuildError(rel(appJsonFile), `not valid JSON (${error.message})`);
  }
  if (!Array.isArray(appJson.pages) || appJson.pages.length === 0) {
    throw new BuildError(rel(appJsonFile), '"pages" must list at least one page');
  }
  for (const page of appJson.pages) {
    for (const ext of ['ts', 'axml', 'json']) {
      const file = path.join(root, `${page}.${ext}`);
      if (!fs.existsSync(file)) throw new BuildError(rel(file), `missing (app.json lists the page ${page})`);
    }
    const jsonFile = path.join(root, `${page}.json`);
    try {
      JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
    } catch (error) {
      throw new BuildError(rel(jsonFile), `not valid JSON (${error.message})`);
    }
    const axmlFile = path.join(root, `${page}.axml`);
    checkAxml(rel(axmlFile), fs.readFileSync(axmlFile, 'utf8'));
  }

  // 4. Bundle (the shared core compiled into each file; the SDK stays a file of its own).
  fs.rmSync(dist, { recursive: true, force: true });
  const esbuild = require(require.resolve('esbuild', { paths: [args.project] }));
  const entries = ['app', ...appJson.pages];
  /** The SDK stays a file of its own: each bundle requires it relative to where that bundle lands. */
  const sdkPlugin = (outfile) => ({
    name: 'zego-alipay-sdk',
    setup(b) {
      b.onResolve({ filter: new RegExp(`${SDK_NAME.replace('.', '\\.')}$`) }, () => {
        const fromOut = path.relative(path.dirname(outfile), path.join(dist, 'libs', SDK_NAME));
        return { path: fromOut.startsWith('.') ? fromOut : `./${fromOut}`, external: true };
      });
    },
  });
  for (const entry of entries) {
    const result = await esbuild.build({
      entryPoints: [path.join(root, `${entry}.ts`)],
      outfile: path.join(dist, `${entry}.js`),
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2017',
      mainFields: ['main', 'module'],
      plugins: [sdkPlugin(path.join(dist, `${entry}.js`))],
      logLevel: 'silent',
      write: true,
      metafile: false,
    });
    if (result.errors && result.errors.length) {
      const e = result.errors[0];
      throw new BuildError(e.location ? e.location.file : `${entry}.ts`, e.text);
    }
  }
  for (const file of [
    'app.json',
    'app.acss',
    ...appJson.pages.flatMap((p) => [`${p}.axml`, `${p}.acss`, `${p}.json`]),
  ]) {
    const from = path.join(root, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dist, file));
  }
  fs.mkdirSync(path.join(dist, 'libs'), { recursive: true });
  fs.copyFileSync(sdk, path.join(dist, 'libs', SDK_NAME));

  // 5. Handlers named in AXML exist on their page.
  for (const page of appJson.pages) {
    const axmlFile = path.join(root, `${page}.axml`);
    const jsFile = path.join(dist, `${page}.js`);
    const definition = pageDefinition(rel(jsFile), fs.readFileSync(jsFile, 'utf8'));
    for (const handler of handlersIn(fs.readFileSync(axmlFile, 'utf8'))) {
      if (typeof definition[handler] !== 'function') {
        throw new BuildError(rel(axmlFile), `binds ${handler}, which ${page}.ts does not define`);
      }
    }
  }

  const bytes = entries.reduce((sum, e) => sum + fs.statSync(path.join(dist, `${e}.js`)).size, 0);
  return {
    built: true,
    dist: rel(dist),
    codeBytes: bytes,
    sdkBytes: fs.statSync(sdk).size,
    pages: appJson.pages,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  try {
    const result = await build(args);
    if (result.built) {
      console.log(
        `alipay: built ${result.dist} (${result.pages.length} page, app code ${(result.codeBytes / 1024).toFixed(1)} KB ` +
          `+ ZEGO's Alipay SDK ${(result.sdkBytes / 1024).toFixed(1)} KB)`,
      );
    }
  } catch (error) {
    console.error(`alipay build failed: ${error.message}`);
    process.exit(1);
  }
}

if (require.main === module) void main();

module.exports = { build, checkAxml, handlersIn };
