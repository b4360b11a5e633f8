/** Steps 3, 5 and 6: the type check, the offline compile with miniprogram-ci, and the operator console. */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { BuildError, rel, exists, npmDirs, resolveFrom, quietly, loadCi } = require('./context');

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
/** The operator console's build script in the project. */
const consoleScript = (ctx) => path.join(ctx.project, 'server', 'console', 'build.mjs');
/** Whether the console is to be built: asked for and present. */
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

module.exports = { typecheck, compileProject, hasConsole, buildConsole };
