#!/usr/bin/env node
/**
 * `npm run typecheck`: `tsc --noEmit` over every TypeScript project of the repository with TypeScript 7's native
 * compiler (the devDependency `typescript-native`, npm's `typescript@7`), about five times faster than 5.9 here.
 * TypeScript 5.9 (`typescript`) stays for what loads the compiler as a library: ts-jest and typescript-eslint.
 * Exits 1 after the first project with errors, which it prints.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Each project's tsconfig: the WeChat app, the Alipay app, the tests, the Alipay app's tests, the service, the console. */
const PROJECTS = [
  'tsconfig.json',
  'alipay/tsconfig.json',
  'test/tsconfig.json',
  'test/alipay/tsconfig.json',
  'server/tsconfig.json',
  'server/console/tsconfig.json',
];

/** The native compiler's bin/tsc (its exports hide the path: found beside its package.json), not npm's `.bin/tsc` link, which either version may own. */
const nativeTsc = () =>
  path.join(path.dirname(require.resolve('typescript-native/package.json', { paths: [ROOT] })), 'bin', 'tsc');

module.exports = { PROJECTS, nativeTsc };

if (require.main === module) {
  const tsc = nativeTsc();
  for (const project of PROJECTS) {
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (run.status !== 0) {
      console.error(`typecheck: ${project} has type errors`);
      process.exit(1);
    }
  }
  console.log(`typecheck: ${PROJECTS.length} projects, no errors`);
}
