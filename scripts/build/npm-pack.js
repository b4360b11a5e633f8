/** Steps 4 and 4b: the npm packs (main package and subpackages) and the contract bundle. */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { bundleContract } = require('../build-contract');
const { BuildError, rel, readJson, exists, resolveFrom, quietly, loadCi } = require('./context');

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

/** Step 4b: the contract's run-time part compiled into the main package's miniprogram_npm (scripts/build-contract.js). */
async function bundleAppContract(ctx) {
  const esbuild = require(resolveFrom(ctx, 'esbuild'));
  ctx.contractBytes = await bundleContract({
    project: ctx.project,
    root: ctx.root,
    esbuild,
    fail: (file, message) => {
      throw new BuildError('contract', file, message);
    },
  });
}

module.exports = { packNpm, bundleAppContract };
