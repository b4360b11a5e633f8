/** Lints sources and files with the project's own eslint.config.mjs, through ESLint's Node API in its own process. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (where eslint.config.mjs is). */
export const REPO = path.resolve(__dirname, '../..');
const PROBE = path.join(__dirname, 'eslint-probe.mjs');

/** One message of one file. */
export interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

/** One file's messages. */
export interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** Lints sources (as if at `filePath`, relative to the repo) and files on disk with the project's config. */
export function lint(texts: { filePath: string; code: string }[], files: string[] = []): LintResult[] {
  const run = spawnSync(process.execPath, [PROBE], {
    cwd: REPO,
    input: JSON.stringify({ cwd: REPO, texts, files }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`eslint probe failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

/** An import a layer must refuse: its name, where it is linted, the source, the refusal expected. */
export type Violation = [name: string, filePath: string, code: string, message: RegExp];

/**
 * Declares the tests of one set of layer rules (`ruleId`): each violation refused with its one message, then a clean
 * file (`clean.code` at `clean.filePath`) passed without any message. All are linted in one ESLint run.
 */
export function testLayers(
  ruleId: string,
  violations: Violation[],
  clean: { title: string; filePath: string; code: string },
): void {
  let results: LintResult[] = [];
  beforeAll(() => {
    results = lint([...violations.map(([, filePath, code]) => ({ filePath, code })), clean]);
  }, 60_000);

  it.each(violations.map((violation, i) => [...violation, i] as const))(
    'refuses %s',
    (_name, _filePath, _code, message, i) => {
      const messages = results[i].messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    },
  );

  it(clean.title, () => {
    expect(results[violations.length].messages).toEqual([]);
  });
}

/**
 * Plants two files that import each other in a fresh folder under `parent` (relative to the repo): lint refuses each
 * with import-x/no-cycle on its import line, and passes the pair once the cycle is gone.
 */
export function expectCycleRefused(parent: string, [nameA, nameB]: [string, string]): void {
  const dir = fs.mkdtempSync(path.join(REPO, parent, 'cycle-test-'));
  const a = path.join(dir, `${nameA}.ts`);
  const b = path.join(dir, `${nameB}.ts`);
  try {
    fs.writeFileSync(a, `import { b } from './${nameB}';\n\nexport const a = (): string => 'a' + b();\n`);
    fs.writeFileSync(b, `import { a } from './${nameA}';\n\nexport const b = (): string => 'b' + a.name;\n`);
    const cyclic = lint([], [a, b]);
    expect(cyclic.map((r) => path.basename(r.filePath)).sort()).toEqual(
      [`${nameA}.ts`, `${nameB}.ts`].sort(),
    );
    for (const result of cyclic) {
      expect(result.messages).toEqual([
        expect.objectContaining({
          ruleId: 'import-x/no-cycle',
          message: 'Dependency cycle detected',
          line: 1,
        }),
      ]);
    }
    fs.writeFileSync(b, "export const b = (): string => 'b';\n");
    expect(lint([], [a, b]).flatMap((r) => r.messages)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
