/**
 * The contract's run-time part in the WeChat app: WeChat loads nothing from outside the mini-program root, so the
 * build compiles packages/contract/index.ts into the main package's miniprogram_npm as the npm package
 * `@zego-live/contract` (where `require('@zego-live/contract')` finds it, as it finds mobx-miniprogram). Generated on
 * every build, never committed (miniprogram_npm/ is gitignored). Fails naming the file when the bundle would carry
 * TypeBox or anything of the service.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Where the bundle goes, relative to the mini-program root. */
const CONTRACT_OUT = 'miniprogram_npm/@zego-live/contract/index.js';
/** Inputs the app's bundle must never hold: TypeBox, the schemas, the service. */
const NOT_FOR_APPS =
  /(^|\/)node_modules\/@sinclair\/typebox\/|(^|\/)packages\/contract\/schemas\.ts$|(^|\/)server\//;

/**
 * Bundles the contract's entry into `<root>/miniprogram_npm`; returns the bytes written. On a bundling error or a
 * forbidden input calls `fail(file, message)` (which throws the caller's own error).
 */
async function bundleContract({ project, root, esbuild, fail }) {
  const entry = path.join(project, 'packages', 'contract', 'index.ts');
  const outfile = path.join(root, CONTRACT_OUT);
  const relative = (file) => path.relative(project, path.resolve(project, file)).split(path.sep).join('/');
  if (!fs.existsSync(entry))
    fail(relative(entry), 'the contract package is missing (run from a full checkout)');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: project, // the metafile's paths are then the project's
      outfile,
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2017',
      minify: true,
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
  } catch (error) {
    const first = (error.errors && error.errors[0]) || { text: String(error.message || error) };
    fail(first.location ? relative(first.location.file) : relative(entry), first.text);
  }
  const inputs = Object.entries(result.metafile.inputs);
  // The project's own file first (the schemas), then what it drags in (TypeBox).
  const forbidden = inputs
    .filter(([input]) => NOT_FOR_APPS.test(relative(input)))
    .sort(([a], [b]) => Number(a.includes('node_modules')) - Number(b.includes('node_modules')));
  if (forbidden.length) {
    const [input, info] = forbidden[0];
    const importer = inputs.find(([, other]) =>
      other.imports.some((i) => path.resolve(project, i.path) === path.resolve(project, input)),
    );
    fail(
      importer ? relative(importer[0]) : relative(entry),
      `the app's contract bundle would carry ${relative(input)} (${info.bytes} B): the apps take the schemas as types only`,
    );
  }
  const [output] = result.outputFiles;
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  fs.writeFileSync(outfile, output.contents);
  return output.contents.length;
}

module.exports = { bundleContract, CONTRACT_OUT };
