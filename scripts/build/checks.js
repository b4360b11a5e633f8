/** Steps 1, 2 and 5b: project files, templates, and no service code in the compiled package. */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  BUILT_DIRS,
  BuildError,
  rel,
  readJson,
  listFiles,
  exists,
  hasScript,
  npmDirs,
  resolveFrom,
} = require('./context');

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
/**
 * Module names whose code must never reach the app's package: TypeBox and the contract's schemas (the API types come
 * from them type-only). The contract's own entry, `@zego-live/contract`, is the run-time part the build compiles in.
 */
const SERVICE_ONLY = /^@sinclair\/typebox(\/|$)|^@zego-live\/contract\//;

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
          `loads ${spec} at run time: the service's schemas are for types only (use \`import type\`; run-time values come from @zego-live/contract)`,
        );
      }
    }
  }
}

module.exports = { checkProjectFiles, checkTemplates, checkNoServiceCode };
