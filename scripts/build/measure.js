/** Step 7: bytes per package and per entry page. */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { MAIN_PACKAGE_LIMIT, ENTRY_PAGES, UPLOADED_EXTENSIONS, listFiles, npmDirs } = require('./context');

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

module.exports = { measure };
