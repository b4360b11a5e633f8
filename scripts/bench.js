#!/usr/bin/env node
/**
 * `npm run bench`: the setData bench (test/bench/setdata.bench.test.ts, deterministic counts under fake timers) and
 * the package size (scripts/build.js), printed as one table, ours vs the naive setData-per-event page.
 * Writes bench/results.json (gitignored) and bench/BENCHMARKS.md (committed). Exits 1 when a budget is missed.
 * Options: --seconds <n> simulated seconds of load (default 10).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..');
const OUT_DIR = path.join(REPO, 'bench');

function parseArgs(argv) {
  const opts = { seconds: 10 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[(i += 1)]);
    else {
      console.error(`unknown option ${argv[i]}\nusage: node scripts/bench.js [--seconds <n>]`);
      process.exit(2);
    }
  }
  return opts;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'setdata.json');
  const jest = require.resolve('jest/bin/jest', { paths: [REPO] });
  const run = spawnSync(process.execPath, [jest, '--selectProjects', 'bench', '--silent'], {
    cwd: REPO,
    env: { ...process.env, BENCH_RESULTS: resultsFile, BENCH_SECONDS: String(opts.seconds) },
    encoding: 'utf8',
  });
  if (!fs.existsSync(resultsFile)) {
    console.error(`the bench did not produce results:\n${run.stdout}\n${run.stderr}`);
    return 1;
  }
  const setData = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  // The bench's package-size test ran scripts/build.js, which leaves its report here.
  const reportFile = path.join(REPO, 'dist', 'build-report.json');
  const build = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : null;

  const { budget, load } = setData;
  const rows = [];
  for (const [page, variants] of Object.entries(setData.pages)) {
    for (const variant of ['ours', 'naive']) {
      const r = variants[variant];
      if (!r) continue;
      rows.push({
        page,
        variant,
        calls: r.visible.setDataCalls,
        maxCallsPerSecond: r.visible.maxCallsPerSecond,
        bytes: r.visible.bytes,
        maxBytesPerSecond: r.visible.maxBytesPerSecond,
        maxBytesPerCall: r.visible.maxBytesPerCall,
        maxLatencyMs: r.latency.maxLatencyMs,
        rendered: `${r.latency.rendered}/${r.latency.messages}`,
        hiddenCalls: r.hidden.setDataCalls,
      });
    }
  }
  const header = [
    'page',
    'variant',
    `setData (${setData.seconds} s)`,
    'max calls/s',
    'bytes',
    'max bytes/s',
    'max bytes/call',
    'msg latency max',
    'msgs rendered',
    `setData hidden (${hiddenSeconds(setData)} s)`,
  ];
  const cells = rows.map((r) => [
    r.page,
    r.variant,
    String(r.calls),
    String(r.maxCallsPerSecond),
    kb(r.bytes),
    kb(r.maxBytesPerSecond),
    kb(r.maxBytesPerCall),
    `${r.maxLatencyMs} ms`,
    r.rendered,
    String(r.hiddenCalls),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join('  ');
  const loadText = `${load.chatPerSecond} chat/s, ${load.likesPerSecond} likes/s, ${load.joinsPerSecond} joins/s, ${load.qualityHz} Hz quality + netstatus`;
  const budgetText = `<= ${budget.maxCallsPerSecond} calls/s, <= ${kb(budget.maxBytesPerSecond)}/s, messages on screen within ${budget.maxMessageLatencyMs} ms, no setData while hidden`;
  console.log(`setData under ${loadText}, ${setData.seconds} simulated s (budget: ${budgetText})`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  cells.forEach((c) => console.log(line(c)));
  if (build) {
    console.log(
      `\npackage: main ${kb(build.mainPackageBytes)} (${build.mainPackageBytes} B) = app ${kb(build.appCodeBytes)} + miniprogram_npm ${kb(build.miniprogramNpmBytes)}; WeChat limit 2048.0 KB, budget ${kb(build.budgetBytes)}`,
    );
  }
  const ok = run.status === 0;
  console.log(
    ok ? '\nbench: every budget met' : `\nbench: FAILED\n${run.stderr.split('\n').slice(-40).join('\n')}`,
  );

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const results = {
    ok,
    load,
    budget,
    seconds: setData.seconds,
    pages: setData.pages,
    package: build && {
      mainPackageBytes: build.mainPackageBytes,
      appCodeBytes: build.appCodeBytes,
      miniprogramNpmBytes: build.miniprogramNpmBytes,
      npmPackages: build.npmPackages,
      limitBytes: build.limitBytes,
      budgetBytes: build.budgetBytes,
    },
  };
  fs.writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (scripts/bench.js): deterministic counts under jest fake timers, not wall-clock.',
    `Load: ${loadText}, for ${setData.seconds} simulated seconds on the real page (store, bindings, components in`,
    'miniprogram-simulate, events through the fake engine), then the same load while the page is hidden. "naive" is a',
    'page that calls setData on every event (test/bench/naive-page.ts).',
    `Budget (DESIGN.md): ${budgetText}.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...cells.map((c) => `| ${c.join(' | ')} |`),
    '',
    'Message latency: time from a message arriving to the first setData carrying it or a newer one (the chat list shows',
    'the newest lines, so at 200 messages/s most lines are replaced before any screen could show them: "msgs rendered").',
    "It includes 1 ms of jest's fake-timer clamp on the bindings' wx.nextTick.",
    '',
    ...(build
      ? [
          `Package: main ${kb(build.mainPackageBytes)} = compiled app ${kb(build.appCodeBytes)} + miniprogram_npm ${kb(build.miniprogramNpmBytes)}`,
          `(${Object.entries(build.npmPackages)
            .map(([n, b]) => `${n} ${kb(b)}`)
            .join(', ')}); WeChat's limit 2048.0 KB, our budget ${kb(build.budgetBytes)}.`,
          '',
        ]
      : []),
  ].join('\n');
  // The service's section (npm run bench:service) is that bench's to write: keep it as it is.
  const file = path.join(OUT_DIR, 'BENCHMARKS.md');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const service = before.indexOf('<!-- service bench');
  fs.writeFileSync(file, service >= 0 ? `${md}\n${before.slice(service)}` : md);
  console.log(`wrote ${path.relative(REPO, path.join(OUT_DIR, 'results.json'))} and bench/BENCHMARKS.md`);
  return ok ? 0 : 1;
}

function hiddenSeconds(setData) {
  const first = Object.values(setData.pages)
    .flatMap((v) => Object.values(v))
    .find(Boolean);
  return first ? first.hidden.seconds : 0;
}

process.exit(main());
