/**
 * The service's shape is enforced by `npm run lint` as the app's is: ESLint (the project's own eslint.config.mjs)
 * refuses an import across the service's layers, an import cycle inside server/src, and a source file over 400
 * lines, and passes a feature that imports only what a feature may.
 */
import { expectCycleRefused, lint, testLayers, type LintResult, type Violation } from './lint';

describe("the service's layers (eslint.config.mjs)", () => {
  const violations: Violation[] = [
    [
      "a feature -> another feature's routes",
      'server/src/features/x/routes.ts',
      "import roomRoutes from '../rooms/routes';\nexport const r = roomRoutes;\n",
      /never imports another feature's routes/,
    ],
    [
      "a feature -> a plugin's code",
      'server/src/features/x/service.ts',
      "import { HeartbeatSweeper } from '../../plugins/app/sweeper';\nexport const S = HeartbeatSweeper;\n",
      /features\/ use plugins through their decorations/,
    ],
    [
      'a plugin -> a feature',
      'server/src/plugins/app/x.ts',
      "import { endCohosting } from '../../features/cohosts/service';\nexport const e = endCohosting;\n",
      /plugins\/ never import features\//,
    ],
    [
      'http plumbing -> a feature',
      'server/src/http/x.ts',
      "import { loadRoom } from '../features/rooms/service';\nexport const l = loadRoom;\n",
      /http\/ is plumbing shared by every feature/,
    ],
    [
      "http plumbing -> a plugin's code",
      'server/src/http/x.ts',
      "import live from '../plugins/app/live';\nexport const l = live;\n",
      /http\/ is plumbing: it may use the types plugins\/ declare/,
    ],
    [
      'lib -> http',
      'server/src/lib/x.ts',
      "import { requireUser } from '../http/auth';\nexport const r = requireUser;\n",
      /lib\/ is the contract and pure helpers: it imports nothing from http\//,
    ],
    [
      "an outside system's client -> the store",
      'server/src/zego/x.ts',
      "import { openStore } from '../store/index';\nexport const o = openStore;\n",
      /An outside system's client may import lib\/ and config only, not store\//,
    ],
    [
      'the store -> a plugin',
      'server/src/store/x.ts',
      "import { warnOnce } from '../plugins/warn-once';\nexport const w = warnOnce;\n",
      /store\/ may import lib\/ and config only, not plugins\//,
    ],
  ];

  const clean = [
    "import { RoomParams } from '@zego-live/contract';",
    "import { requireUser } from '../../http/auth';",
    "import { Errors } from '../../http/route-parts';",
    "import type { LiveContext } from '../../plugins/app/live';",
    "import { loadRoom } from '../rooms/service';",
    "import { claimedRoom } from '../rooms/rules';",
    '',
    'export const all = [RoomParams, requireUser, Errors, loadRoom, claimedRoom];',
    'export type Live = LiveContext;',
    '',
  ].join('\n');

  testLayers('@typescript-eslint/no-restricted-imports', violations, {
    title:
      "passes a feature that imports the contract, http plumbing, a plugin's types and another feature's service",
    filePath: 'server/src/features/x/routes.ts',
    code: clean,
  });

  it('refuses an import cycle inside server/src, and passes the same pair without it', () => {
    expectCycleRefused('server/src/features', ['service', 'rules']);
  });
});

describe('no source file over 400 lines (max-lines)', () => {
  /** A file of `lines` lines: a comment, then one short statement a line. */
  const fileOf = (lines: number): string =>
    ['// A planted file.', ...Array.from({ length: lines - 1 }, (_, i) => `export const v${i} = ${i};`)].join(
      '\n',
    ) + '\n';
  const maxLines = (result: LintResult) => result.messages.filter((m) => m.ruleId === 'max-lines');

  it('refuses a 401-line file in the service, its console and the app, and passes one of 400', () => {
    const places = ['server/src/features/x/service.ts', 'server/console/src/x.ts', 'miniprogram/utils/x.ts'];
    const results = lint([
      ...places.map((filePath) => ({ filePath, code: fileOf(401) })),
      { filePath: 'server/src/features/x/service.ts', code: fileOf(400) },
    ]);
    for (const result of results.slice(0, places.length)) {
      expect(maxLines(result)).toEqual([
        expect.objectContaining({ message: 'File has too many lines (401). Maximum allowed is 400.' }),
      ]);
    }
    expect(maxLines(results[places.length])).toEqual([]);
  }, 60_000);

  it('counts blank lines and comments too (as `wc -l` does)', () => {
    const padded = `${fileOf(300)}${'\n'.repeat(50)}${'// a comment\n'.repeat(51)}`;
    const [result] = lint([{ filePath: 'server/src/features/x/service.ts', code: padded }]);
    expect(maxLines(result)).toHaveLength(1);
  }, 60_000);
});
