/**
 * The Node versions the project names agree (scripts/check-node.js, which .ci/run runs before `npm ci`): `.nvmrc`,
 * `engines.node`, the Node `.ci/run` installs and, in CI, the Node running the suite. Each planted disagreement is
 * reported.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const check = require('../../scripts/check-node.js') as {
  nodeVersionProblems: (root: string, running: string, requireRunningLine: boolean) => string[];
};

const REPO = path.resolve(__dirname, '../..');
const FILES = ['.nvmrc', 'package.json', '.ci/run'];
const dirs: string[] = [];

/** A copy of the three files, each optionally rewritten. */
function project(edit: Partial<Record<(typeof FILES)[number], (text: string) => string>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-versions-'));
  dirs.push(dir);
  for (const file of FILES) {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8');
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), edit[file]?.(text) ?? text);
  }
  return dir;
}

const nvmrcLine = () => fs.readFileSync(path.join(REPO, '.nvmrc'), 'utf8').trim();

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Node versions', () => {
  it('agree in the project as it is, for the line CI installs', () => {
    expect(check.nodeVersionProblems(REPO, `v${nvmrcLine()}.0.0`, true)).toEqual([]);
  });

  it('include the Node running this suite when CI runs it (.ci/run installed that line)', () => {
    const problems = check.nodeVersionProblems(REPO, process.version, process.env.CI === 'true');
    expect(problems).toEqual([]);
  });

  it('reports a .nvmrc line that engines.node does not accept', () => {
    const dir = project({ '.nvmrc': () => '20\n' });
    expect(check.nodeVersionProblems(dir, 'v20.20.2', true)).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.nvmrc's Node 20 is outside engines\.node/)]),
    );
  });

  it('reports a running Node outside engines.node, and one that is not the CI line', () => {
    const problems = check.nodeVersionProblems(project(), 'v22.12.0', true);
    expect(problems).toEqual([
      expect.stringMatching(/running Node v22\.12\.0 is outside engines\.node/),
      expect.stringMatching(/not \.nvmrc's line/),
    ]);
  });

  it('reports a .ci/run that writes the version out instead of reading .nvmrc', () => {
    const dir = project({
      '.ci/run': (text) => text.replace(/NODE_MAJOR="\$\(tr[^\n]*/, `NODE_MAJOR=${nvmrcLine()}`),
    });
    expect(check.nodeVersionProblems(dir, `v${nvmrcLine()}.0.0`, true)).toEqual([
      expect.stringMatching(/\.ci\/run must install the line in \.nvmrc/),
    ]);
  });

  it('reports a second CI line that engines.node does not accept', () => {
    const dir = project({ '.ci/run': (text) => text.replace(/^NODE_ALSO=\d+$/m, 'NODE_ALSO=20') });
    expect(check.nodeVersionProblems(dir, `v${nvmrcLine()}.0.0`, true)).toEqual([
      expect.stringMatching(/second line, Node 20, is outside engines\.node/),
    ]);
  });

  it('reports an engines range it cannot read instead of passing it', () => {
    const dir = project({
      'package.json': (text) => text.replace(/"node": "[^"]*"/, '"node": "22.x - 24.x"'),
    });
    expect(check.nodeVersionProblems(dir, `v${nvmrcLine()}.0.0`, true)).toEqual([
      expect.stringMatching(/not a range this check reads/),
    ]);
  });
});
