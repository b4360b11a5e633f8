#!/usr/bin/env node
/**
 * The Node versions the project names must agree: `.nvmrc` (the line CI installs and tests), `engines.node` in
 * package.json (what npm accepts), the Node `.ci/run` installs (it must read `.nvmrc`) and the Node running now.
 * `node scripts/check-node.js` exits 1 naming each disagreement; CI runs it before `npm ci`, so it needs no package.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** [major, minor, patch] of '24', 'v22.13.1' or '22.13'. */
function parseVersion(text) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The `||` alternatives of an engines range, each {op: '^' | '>=' | 'line', bound}; null if one is unreadable. */
function clauses(range) {
  const parsed = range.split('||').map((part) => {
    const match = /^(\^|>=)?\s*(.+)$/.exec(part.trim());
    const bound = match ? parseVersion(match[2]) : null;
    return bound ? { op: match[1] ?? 'line', bound } : null;
  });
  return parsed.includes(null) ? null : parsed;
}

/** Whether `version` satisfies an engines range of `^X.Y.Z`, `>=X.Y.Z` and `X` alternatives (null: unreadable). */
function satisfies(version, range) {
  const parts = clauses(range);
  if (!parts) return null;
  return parts.some(({ op, bound }) => {
    if (op === '>=') return compare(version, bound) >= 0;
    return version[0] === bound[0] && compare(version, bound) >= 0;
  });
}

/** Whether some release of the major line `major` satisfies the range (null: unreadable). */
function acceptsLine(major, range) {
  const parts = clauses(range);
  if (!parts) return null;
  return parts.some(({ op, bound }) => (op === '>=' ? major >= bound[0] : major === bound[0]));
}

/**
 * Every disagreement between the project's Node versions, as sentences (empty: they agree).
 * `running` is the Node version to check (process.version); `requireRunningLine` demands that it is `.nvmrc`'s line
 * (true under CI, where .ci/run installed that line).
 */
function nodeVersionProblems(root, running, requireRunningLine) {
  const problems = [];
  const nvmrcText = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
  const line = parseVersion(nvmrcText);
  if (!line || nvmrcText.includes('.'))
    problems.push(`.nvmrc must name one major line (like 24), not "${nvmrcText}"`);
  const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines?.node;
  if (typeof engines !== 'string') problems.push('package.json has no engines.node');
  const runningVersion = parseVersion(running);
  if (line && typeof engines === 'string') {
    const accepted = acceptsLine(line[0], engines);
    if (accepted === null) problems.push(`engines.node "${engines}" is not a range this check reads`);
    else if (!accepted) problems.push(`.nvmrc's Node ${line[0]} is outside engines.node "${engines}"`);
  }
  if (runningVersion && typeof engines === 'string' && satisfies(runningVersion, engines) === false)
    problems.push(`the running Node ${running} is outside engines.node "${engines}"`);
  if (requireRunningLine && line && runningVersion && runningVersion[0] !== line[0])
    problems.push(`the running Node ${running} is not .nvmrc's line ${line[0]}`);
  const ciRun = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
  if (
    !/NODE_MAJOR="\$\(tr -d '\[:space:\]' < \.nvmrc\)"/.test(ciRun) ||
    !/node_bin "\$NODE_MAJOR"/.test(ciRun)
  )
    problems.push('.ci/run must install the line in .nvmrc (read from .nvmrc, not written out again)');
  // The second line CI tests must be a supported one too.
  const also = /^NODE_ALSO=(\d+)$/m.exec(ciRun);
  if (also && typeof engines === 'string' && acceptsLine(Number(also[1]), engines) === false)
    problems.push(`.ci/run's second line, Node ${also[1]}, is outside engines.node "${engines}"`);
  return problems;
}

module.exports = { nodeVersionProblems, satisfies, acceptsLine, parseVersion };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const problems = nodeVersionProblems(root, process.version, process.env.CI === 'true');
  for (const problem of problems) console.error(`check-node: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`check-node: Node ${process.version} agrees with .nvmrc, engines.node and .ci/run`);
}
