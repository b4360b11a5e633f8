/**
 * The service bench's table (bench/service.ts measures, this writes): figures, budgets, and the A/B of a variant
 * against its baseline measured in the same run (BENCH_BASELINE: the same engine, another commit's server/).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Rows of a baseline are labelled "<engine>, <BASELINE_MARK> ..." beside the engine's own rows. */
export const BASELINE_MARK = 'before:';

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Sample {
  saturation: CannonResult;
  fixed: CannonResult;
  /** The measured process's own CPU time per request at saturation (microseconds); null off Linux. */
  cpuPerRequest: number | null;
}
export interface Row {
  engine: string;
  route: string;
  samples: Sample[];
}

// autocannon measures latency in whole milliseconds; the paced generator to the microsecond (shown to 0.1 ms).
const ms = (value: number): string => `${Math.round(value)} ms`;
const ms1 = (value: number): string => `${value.toFixed(1)} ms`;
const rps = (value: number): string => Math.round(value).toLocaleString('en-US');
const bad = (r: CannonResult): number => r.non2xx + r.errors + r.timeouts;
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
export const load = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

/** The median CPU time per request at saturation, or a dash where /proc is not there to read. */
const cpu = (row: Row): string =>
  row.samples.every((s) => s.cpuPerRequest !== null)
    ? `${Math.round(median(row.samples.map((s) => s.cpuPerRequest as number)))} us`
    : '-';

/** " CPU per request: token N x /healthz's, room list M x." (the median of the runs' own ratios), or nothing. */
function cpuRatios(health: Row, token: Row, list: Row): string {
  const times = (row: Row): string => {
    const ratios = row.samples.map((s, i) => {
      const base = health.samples[i].cpuPerRequest;
      return s.cpuPerRequest === null || base === null || base === 0 ? null : s.cpuPerRequest / base;
    });
    return ratios.every((r) => r !== null) ? `${median(ratios as number[]).toFixed(2)}x` : '?';
  };
  if (health.samples.some((s) => s.cpuPerRequest === null)) return '';
  return ` CPU per request: token ${times(token)} /healthz's, room list ${times(list)}.`;
}

/** Each figure's median over the runs. */
const figure = (row: Row, pick: (s: Sample) => number): number => median(row.samples.map(pick));

/** What the section says about how it was measured. */
export interface Conditions {
  seconds: number;
  runs: number;
  warmupSeconds: number;
  rate: number;
  rooms: number;
  sessions: number;
  pinned: boolean;
  /** The labels of /healthz, the room list and the token route, in that order. */
  routes: [string, string, string];
  start: string;
  end: string;
}

/** The service section of bench/BENCHMARKS.md: the table, then each engine's budgets and each A/B pair. */
export function table(
  rows: Row[],
  notes: string[],
  loads: { before: string; after: string },
  c: Conditions,
): string {
  const cores = os.cpus().length;
  const placement = c.pinned
    ? 'the service pinned to core 0 and autocannon, in its own process, to core 1 (taskset)'
    : 'the service and autocannon (in its own process) sharing the cores (no taskset)';
  const lines = [
    c.start,
    '## Service (npm run bench:service)',
    '',
    `autocannon against one service process on loopback (${cores} cores, Node ${process.version}): ${placement}.`,
    `Each route: ${c.warmupSeconds} s of warm-up (not counted), saturation (autocannon, 50 connections for ${c.seconds} s), then a`,
    `fixed ${c.rate.toLocaleString('en-US')} req/s paced evenly over up to 20 keep-alive connections for ${c.seconds} s (bench/paced.ts, raw`,
    "sockets: one request due every millisecond, timed from its send to its answer's end, after 1 s of the same load",
    `not counted). The three routes take turns, ${c.runs} runs; each figure is the median of the runs, each ratio the`,
    `median of the runs' own ratios. Load average (1/5/15 min) before: ${loads.before}; after: ${loads.after}.`,
    "The first row is the machine's floor: Node's http server answering a constant, measured the same way; what it",
    'shows at 1,000 req/s is what this machine and the load generator add to any route.',
    `The room list answers a full page of 20 live rooms (of ${c.rooms}); token requests rotate over ${c.sessions} sessions in one`,
    'live room. The service trusts 127.0.0.1 as its reverse proxy (TRUST_PROXY=127.0.0.1) and every request carries',
    'its own X-Forwarded-For, so each is a distinct client: the per-client rate limits count but never refuse.',
    '"failed" counts non-2xx, errors and timeouts over every run. Request logs (one line per request, at info) go to',
    '/dev/null. "CPU per request" is the measured process\'s own user + system time over the saturation run (from',
    "/proc), divided by the requests answered: PostgreSQL's own processes are not in it. Budgets: token p99 under",
    "10 ms at 1,000 req/s on SQLite; token and room list throughput at least half of /healthz's.",
    '',
    '| engine | route | req/s at saturation | CPU per request | p99 at saturation | p50 at 1,000 req/s | p99 at 1,000 req/s | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.route} | ${rps(figure(r, (s) => s.saturation.requests.average))} | ${cpu(r)} | ` +
        `${ms(figure(r, (s) => s.saturation.latency.p99))} | ${ms1(figure(r, (s) => s.fixed.latency.p50))} | ` +
        `${ms1(figure(r, (s) => s.fixed.latency.p99))} | ` +
        `${r.samples.reduce((sum, s) => sum + bad(s.saturation) + bad(s.fixed), 0)} |`,
    ),
    '',
  ];
  for (const engine of [...new Set(rows.map((r) => r.engine))]) {
    const [health, list, token] = c.routes.map((route) =>
      rows.find((r) => r.engine === engine && r.route === route),
    );
    if (!health || !list || !token) continue;
    const ratio = (row: Row): number =>
      median(
        row.samples.map(
          (s, i) => s.saturation.requests.average / health.samples[i].saturation.requests.average,
        ),
      );
    const p99 = figure(token, (s) => s.fixed.latency.p99);
    const half = (value: number): string =>
      `${(value * 100).toFixed(0)}% of /healthz's (${value >= 0.5 ? 'at least' : 'under'} half)`;
    lines.push(
      `${engine}: token p99 at 1,000 req/s ${ms1(p99)} (${p99 < 10 ? 'within' : 'over'} 10 ms); token throughput ` +
        `${half(ratio(token))}; room list throughput ${half(ratio(list))}.${cpuRatios(health, token, list)} ` +
        `Runs' token p99 at 1,000 req/s: ${token.samples.map((s) => ms1(s.fixed.latency.p99)).join(', ')}.`,
    );
  }
  lines.push(...abLines(rows, c.routes), ...notes);
  lines.push(c.end);
  return lines.join('\n');
}

/**
 * For each engine measured beside a baseline: the variant's token and room list throughput and CPU per request as a
 * share of the baseline's, run by run (the two services took turns, so a busy moment touched both alike).
 */
function abLines(rows: Row[], routes: [string, string, string]): string[] {
  const lines: string[] = [];
  for (const baseline of [...new Set(rows.map((r) => r.engine))].filter((e) => e.includes(BASELINE_MARK))) {
    const engine = baseline.slice(0, baseline.indexOf(','));
    const pair = (route: string): [Row, Row] | null => {
      const a = rows.find((r) => r.engine === baseline && r.route === route);
      const b = rows.find((r) => r.engine === engine && r.route === route);
      return a && b ? [a, b] : null;
    };
    const share = (route: string, pick: (s: Sample) => number | null): string => {
      const both = pair(route);
      if (!both) return '?';
      const ratios = both[1].samples.map((s, i) => {
        const [mine, theirs] = [pick(s), pick(both[0].samples[i])];
        return mine === null || theirs === null || theirs === 0 ? null : mine / theirs;
      });
      return ratios.every((r) => r !== null) ? `${(median(ratios as number[]) * 100).toFixed(0)}%` : '?';
    };
    const [, list, token] = routes;
    const rps = (s: Sample): number => s.saturation.requests.average;
    const cpuOf = (s: Sample): number | null => s.cpuPerRequest;
    lines.push(
      `A/B ${engine} against "${baseline}" (same run, turns): token throughput ${share(token, rps)} of the ` +
        `baseline's, CPU per token request ${share(token, cpuOf)}; room list throughput ${share(list, rps)}, CPU per ` +
        `request ${share(list, cpuOf)}.`,
    );
  }
  return lines;
}

/** Puts `marked` (a section with its start and end markers) into the file in place of the old one, else at the end. */
export function writeSection(file: string, marked: string, start: string, end: string): void {
  const current = readFileSync(file, 'utf8');
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + marked + current.slice(to + end.length)
      : `${current.replace(/\n*$/, '\n\n')}${marked}\n`;
  writeFileSync(file, next);
  console.log(`wrote a section of ${path.relative(process.cwd(), file)}`);
}
