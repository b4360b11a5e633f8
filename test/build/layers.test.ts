/**
 * The mini-program's layers are enforced by `npm run lint`: ESLint (the project's own eslint.config.mjs, through
 * its Node API) refuses each kind of import across a layer and a cycle between two files, and passes a page that
 * imports only what a page may.
 */
import { expectCycleRefused, lint, testLayers, type Violation } from './lint';

describe('layers (eslint.config.mjs)', () => {
  const violations: Violation[] = [
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

  testLayers('no-restricted-imports', violations, {
    title: 'passes a page that imports stores, utils, config and pages/shared only',
    filePath: 'miniprogram/pages/x/index.ts',
    code: clean,
  });

  it('refuses an import cycle between two files, and passes the same pair without the cycle', () => {
    expectCycleRefused('miniprogram/utils', ['a', 'b']);
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
