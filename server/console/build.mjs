// Builds the operator console into server/public/ (served at `/` by the service). Usage: node server/console/build.mjs [--watch]
import { build, context } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// CONSOLE_OUT: another folder (a test's own, so test files building at once never write the same files).
const publicDir = process.env.CONSOLE_OUT
  ? path.resolve(process.env.CONSOLE_OUT)
  : path.resolve(here, '..', 'public');
const dist = path.join(publicDir, 'dist');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { app: path.join(here, 'src', 'main.ts'), style: path.join(here, 'style.css') },
  outdir: dist,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  // Safari 14.1, not 14: 14.0 miscompiles destructuring, and esbuild 0.28 refuses to emit it for that target.
  target: ['chrome90', 'firefox90', 'safari14.1'],
  logLevel: 'warning',
};

/** Copies the page itself next to the bundle. */
async function copyPage() {
  await mkdir(publicDir, { recursive: true });
  await copyFile(path.join(here, 'index.html'), path.join(publicDir, 'index.html'));
}

/** One build (what `npm run build` and the tests use); `--watch` rebuilds on change for development. */
export async function buildConsole({ watch = false } = {}) {
  await copyPage();
  if (!watch) {
    await build(options);
    return;
  }
  const ctx = await context(options);
  await ctx.watch();
  console.log(`console: watching, output in ${publicDir}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildConsole({ watch: process.argv.includes('--watch') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
