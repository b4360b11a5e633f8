/**
 * The mini-program's layers are enforced by `npm run lint`: ESLint (the project's own eslint.config.mjs, through
 * its Node API) refuses each kind of import across a layer and a cycle between two files, and passes a page that
 * imports only what a page may.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const PROBE = path.join(__dirname, 'eslint-probe.mjs');

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** Lints sources (as if at `filePath`, relative to the repo) and files on disk with the project's config. */
function lint(texts: { filePath: string; code: string }[], files: string[] = []): LintResult[] {
  const run = spawnSync(process.execPath, [PROBE], {
    cwd: REPO,
    input: JSON.stringify({ cwd: REPO, texts, files }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`eslint probe failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

const restricted = (messages: LintMessage[]) =>
  messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

describe('layers (eslint.config.mjs)', () => {
  const violations: [string, string, string, RegExp][] = [
    [
      'utils -> stores (even a type)',
      'miniprogram/utils/x.ts',
      "import type { LiveViewPort } from '../stores/session-types';\nexport type Port = LiveViewPort;\n",
      /utils\/ is pure: it imports nothing from stores\//,
    ],
    [
      'utils -> services',
      'miniprogram/utils/x.ts',
      "import type { RtcError } from '../services/rtc-types';\nexport type E = RtcError;\n",
      /utils\/ is pure: it imports nothing from services\//,
    ],
    [
      'pages -> services/api',
      'miniprogram/pages/x/index.ts',
      "import { api } from '../../services/api';\nexport const rooms = () => api.listRooms('live');\n",
      /Pages never call services\/api/,
    ],
    [
      'pages -> another service',
      'miniprogram/pages/x/index.ts',
      "import { platform } from '../../services/platform';\nexport const p = platform;\n",
      /Pages import no services\//,
    ],
    [
      'pages -> components (TypeScript import)',
      'miniprogram/pages/shared/x.ts',
      "import type { PusherStateDetail } from '../../components/zego-pusher/index';\nexport type D = PusherStateDetail;\n",
      /usingComponents/,
    ],
    [
      'components -> stores',
      'miniprogram/components/x/index.ts',
      "import { liveSession } from '../../stores/index';\nexport const s = liveSession;\n",
      /components\/ may import utils\/ only/,
    ],
    [
      'services -> stores',
      'miniprogram/services/x.ts',
      "import { userStore } from '../stores/index';\nexport const u = userStore;\n",
      /services\/ is the outside world/,
    ],
    [
      'stores -> pages',
      'miniprogram/stores/x.ts',
      "import { PageView } from '../pages/shared/view-port';\nexport const V = PageView;\n",
      /stores\/ may import services\/, utils\/ and config, not pages\//,
    ],
    [
      'main-package page -> the live subpackage',
      'miniprogram/home/x/index.ts',
      "import { liveSession } from '../../pages/stores/index';\nexport const s = liveSession;\n",
      /The main package cannot require the live subpackage/,
    ],
    [
      'main-package store -> the live subpackage',
      'miniprogram/stores/x.ts',
      "import { LiveSession } from '../pages/stores/live-session';\nexport const L = LiveSession;\n",
      /the main package cannot require it/,
    ],
    [
      'live store -> a live page',
      'miniprogram/pages/stores/x.ts',
      "import { liveRoomOf } from '../shared/live-room';\nexport const r = liveRoomOf;\n",
      /pages\/stores\/ may import its own files/,
    ],
    [
      'the SDK module -> stores',
      'miniprogram/pages/engine/x.ts',
      "import { userStore } from '../../stores/index';\nexport const u = userStore;\n",
      /pages\/engine\/ is the SDK of the outside world/,
    ],
  ];

  const clean = [
    "import { roomDirectory } from '../../stores/index';",
    "import { ApiError, type ApiRoom } from '../../stores/rooms';",
    "import { parseAudienceEntry } from '../../utils/entry';",
    "import { WAITING_IMAGE } from '../../config';",
    "import { PageView } from '../shared/view-port';",
    '',
    'export const all = [roomDirectory, ApiError, parseAudienceEntry, WAITING_IMAGE, PageView];',
    'export type Room = ApiRoom;',
    '',
  ].join('\n');

  /** Every source above, linted in one ESLint run (the violations in order, then the clean page). */
  let results: LintResult[] = [];
  beforeAll(() => {
    results = lint([
      ...violations.map(([, filePath, code]) => ({ filePath, code })),
      { filePath: 'miniprogram/pages/x/index.ts', code: clean },
    ]);
  }, 60_000);

  it.each(violations.map((violation, i) => [...violation, i] as const))(
    'refuses %s',
    (_name, _filePath, _code, message, i) => {
      const messages = restricted(results[i].messages);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    },
  );

  it('passes a page that imports stores, utils, config and pages/shared only', () => {
    expect(results[violations.length].messages).toEqual([]);
  });

  it('refuses an import cycle between two files, and passes the same pair without the cycle', () => {
    const dir = fs.mkdtempSync(path.join(REPO, 'miniprogram/utils/layers-test-'));
    const a = path.join(dir, 'a.ts');
    const b = path.join(dir, 'b.ts');
    try {
      fs.writeFileSync(a, "import { b } from './b';\n\nexport const a = (): string => 'a' + b();\n");
      fs.writeFileSync(b, "import { a } from './a';\n\nexport const b = (): string => 'b' + a.name;\n");
      const cyclic = lint([], [a, b]);
      expect(cyclic.map((r) => path.basename(r.filePath)).sort()).toEqual(['a.ts', 'b.ts']);
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
  });

  it("refuses an app's run-time import of the contract's schemas, and passes the same as a type", () => {
    const [value, typeOnly, alipay] = lint([
      {
        filePath: 'miniprogram/services/x.ts',
        code: "import { RoomView } from '@zego-live/contract/schemas';\nexport const room = RoomView;\n",
      },
      {
        filePath: 'miniprogram/services/y.ts',
        code: "import type { RoomView } from '@zego-live/contract/schemas';\nexport type Room = RoomView;\n",
      },
      {
        filePath: 'alipay/services/x.ts',
        code: "import { RoomView } from '@zego-live/contract/schemas';\nexport const room = RoomView;\n",
      },
    ]);
    for (const result of [value, alipay]) {
      expect(result.messages.map((m) => [m.ruleId, m.message])).toEqual([
        ['@typescript-eslint/no-restricted-imports', expect.stringMatching(/schemas are for types only/)],
      ]);
    }
    expect(typeOnly.messages).toEqual([]);
  });
});
