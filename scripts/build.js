#!/usr/bin/env node
/**
 * `npm run build`: everything WeChat's toolchain would reject, checked offline, plus the package size.
 *   1. project files: every .json parses, every page in app.json exists, every usingComponents path resolves
 *   2. WXML/WXSS through WeChat's own compilers (miniprogram-compiler: wcc/wcsc)
 *   3. strict type check (tsc --noEmit), in a child process while the rest runs
 *   4. npm pack (miniprogram-ci packNpmManually): the root package.json's dependencies into
 *      miniprogram/miniprogram_npm (main package), and each subpackage's own package.json (e.g. pages/package.json,
 *      the ZEGO SDK) into that subpackage's miniprogram_npm, from the versions installed in node_modules;
 *      then the contract package's run-time part bundled in as miniprogram_npm/@zego-live/contract (no TypeBox)
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
const {
  REPO_ROOT,
  MAIN_PACKAGE_LIMIT,
  DEFAULT_BUDGET,
  ENTRY_PAGES,
  BuildError,
  parseArgs,
  rel,
  exists,
  say,
  shout,
  kb,
  removeHashDirs,
} = require('./build/context');
const { checkProjectFiles, checkTemplates, checkNoServiceCode } = require('./build/checks');
const { packNpm, bundleAppContract } = require('./build/npm-pack');
const { typecheck, compileProject, hasConsole, buildConsole } = require('./build/compile');
const { measure } = require('./build/measure');

/** Runs the steps in order; resolves to the exit code (0 ok, 1 build failure, 2 bad arguments). */
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
        await step('contract bundle', () => bundleAppContract(ctx));
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
