/**
 * Operator accounts: CONSOLE_TOKEN bootstraps the first admin and then stops working; sign-in, the lockout after
 * five failures, sign-out, a password change; each role against each operator route (allowed, or 403 FORBIDDEN with
 * nothing changed); sessions ended on one instance are refused by another; the audit and moderation logs name the
 * operator.
 */
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type Answer,
  type TestServer,
} from './helpers/server';
import { SHARED_ENGINES } from './helpers/services';

interface ErrorBody {
  error: { code: string; message: string };
}
interface SessionBody {
  sessionToken: string;
  expiresAt: number;
  operator: { id: string; name: string; role: string };
}
const T0 = Date.UTC(2026, 11, 8, 9, 0, 0);
const PASSWORD = 'correct horse battery';
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];

async function signIn(server: TestServer, name: string, password = PASSWORD): Promise<Answer<SessionBody>> {
  return server.request<SessionBody>('POST', '/api/operators/sign-in', { body: { name, password } });
}

/** Adds an account with the admin's (or CONSOLE_TOKEN's) bearer and signs it in; answers its session token. */
async function account(server: TestServer, admin: string, name: string, role: string): Promise<string> {
  const added = await server.request('POST', '/api/operators', {
    token: admin,
    body: { name, role, password: PASSWORD },
  });
  if (added.status !== 200) throw new Error(`add ${name}: ${added.status} ${JSON.stringify(added.body)}`);
  return (await signIn(server, name)).body.sessionToken;
}

describe('operator accounts', () => {
  const db = tempDbFile();
  let server: TestServer;
  let now = T0;
  let admin = '';

  beforeAll(async () => {
    server = await startServer(testConfig(db.file, { LINK_BASE_URL: 'https://live.example.com' }), {
      now: () => now,
    });
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('CONSOLE_TOKEN makes the first admin, then is refused; the admin signs in as itself', async () => {
    const before = await server.request<{ operator: unknown }>('GET', '/api/operators/me', {
      token: CONSOLE_TOKEN,
    });
    expect(before.body.operator).toEqual({
      kind: 'operator',
      id: null,
      name: 'CONSOLE_TOKEN',
      role: 'admin',
    });
    admin = await account(server, CONSOLE_TOKEN, 'root', 'admin');
    expect(admin).toMatch(/^op\./);
    const after = await server.request<ErrorBody>('GET', '/api/operators/me', { token: CONSOLE_TOKEN });
    expect(code(after)).toEqual([401, 'UNAUTHORIZED']);
    expect(after.body.error.message).toMatch(/only bootstraps the first admin/);
    const me = await server.request<{ operator: unknown }>('GET', '/api/operators/me', { token: admin });
    expect(me.body.operator).toMatchObject({ kind: 'operator', name: 'root', role: 'admin' });
    // An operator's session is not a user's: the token route refuses it.
    const room = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: admin,
      body: { title: 'x' },
    });
    expect(
      code(
        await server.request('POST', `/api/rooms/${room.body.room.id}/token`, {
          token: admin,
          body: { role: 'audience' },
        }),
      ),
    ).toEqual([403, 'FORBIDDEN']);
  });

  test('five wrong passwords lock the account for 15 min, right password or not; then it signs in again', async () => {
    await account(server, admin, 'locky', 'operator');
    for (let i = 0; i < 5; i += 1)
      expect(code(await signIn(server, 'locky', 'wrong password!'))).toEqual([401, 'UNAUTHORIZED']);
    const locked = await signIn(server, 'locky');
    expect(code(locked)).toEqual([429, 'RATE_LIMITED']);
    expect((locked.body as unknown as ErrorBody).error.message).toMatch(/locked; try again in 15 min/);
    now += 15 * 60 * 1000 + 1;
    expect((await signIn(server, 'locky')).status).toBe(200);
    // An unknown name answers exactly what a wrong password does.
    const unknown = await signIn(server, 'nobody-here', 'whatever1234');
    expect(code(unknown)).toEqual([401, 'UNAUTHORIZED']);
    expect((unknown.body as unknown as ErrorBody).error.message).toBe('Wrong operator name or password');
  });

  test('sign-out and expiry end a session; a password change ends the others and the old password', async () => {
    const first = await account(server, admin, 'pat', 'moderator');
    const second = (await signIn(server, 'pat')).body.sessionToken;
    const changed = await server.request('POST', '/api/operators/me/password', {
      token: first,
      body: { current: PASSWORD, next: 'a brand new secret' },
    });
    expect(changed.status).toBe(200);
    expect((await server.request('GET', '/api/operators/me', { token: first })).status).toBe(200);
    expect(code(await server.request('GET', '/api/operators/me', { token: second }))).toEqual([
      401,
      'UNAUTHORIZED',
    ]);
    expect(code(await signIn(server, 'pat'))).toEqual([401, 'UNAUTHORIZED']);
    expect((await signIn(server, 'pat', 'a brand new secret')).status).toBe(200);
    const weak = await server.request<ErrorBody>('POST', '/api/operators/me/password', {
      token: first,
      body: { current: 'a brand new secret', next: 'short' },
    });
    expect(code(weak)).toEqual([400, 'BAD_REQUEST']);
    expect((await server.request('POST', '/api/operators/sign-out', { token: first })).body).toEqual({
      signedOut: true,
    });
    expect(code(await server.request('GET', '/api/operators/me', { token: first }))).toEqual([
      401,
      'UNAUTHORIZED',
    ]);
    const third = (await signIn(server, 'pat', 'a brand new secret')).body;
    expect(third.expiresAt).toBe(now + 12 * 3600 * 1000);
    now += 12 * 3600 * 1000;
    expect(code(await server.request('GET', '/api/operators/me', { token: third.sessionToken }))).toEqual([
      401,
      'UNAUTHORIZED',
    ]);
  });

  test('each role against each operator route: allowed, or 403 FORBIDDEN and nothing changed', async () => {
    // The earlier tests moved the clock past the admin's session.
    admin = (await signIn(server, 'root')).body.sessionToken;
    const tokens = {
      admin,
      operator: await account(server, admin, 'olga', 'operator'),
      moderator: await account(server, admin, 'mo', 'moderator'),
    };
    const spare = await server.request<{ operator: { id: string } }>('POST', '/api/operators', {
      token: admin,
      body: { name: 'spare', role: 'moderator', password: PASSWORD },
    });
    const anchor = await devLogin(server, 'table-anchor');
    const viewer = await devLogin(server, 'table-viewer');
    const store = server.app.live.store;

    /** A fresh live room with a viewer's pending co-host request: what every route acts on. */
    async function scene(): Promise<string> {
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'table', plannedStartAt: now + 3600_000 },
      });
      return created.body.room.id;
    }
    async function liveScene(): Promise<string> {
      const id = await scene();
      await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
      await server.request('POST', `/api/rooms/${id}/cohosts/requests`, { token: viewer.token });
      return id;
    }
    const roomState = async (id: string) => {
      const room = await store.rooms.get(id);
      return {
        status: room?.status,
        title: room?.title,
        cohosts: (await store.cohosts.list(id, 0)).map((c) => c.state),
        standing: await store.chat.standing(id, viewer.userId, now),
        commentsOff: await store.chat.commentsOff(id),
      };
    };
    const accounts = async () => JSON.stringify(await store.operators.list());
    const roomCount = async () => (await store.rooms.list({ limit: 100 })).rooms.length;

    interface Case {
      route: string;
      need: 'admin' | 'operator' | 'moderator';
      setUp: () => Promise<string>;
      call: (token: string, id: string) => Promise<Answer>;
      state: (id: string) => Promise<unknown>;
    }
    const cases: Case[] = [
      {
        route: 'POST /api/rooms (unowned, with invite)',
        need: 'operator',
        setUp: async () => '',
        call: (token) => server.request('POST', '/api/rooms', { token, body: { title: 'ops' } }),
        state: roomCount,
      },
      {
        route: 'PATCH /api/rooms/:id',
        need: 'operator',
        setUp: scene,
        call: (token, id) =>
          server.request('PATCH', `/api/rooms/${id}`, { token, body: { title: 'renamed' } }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/end',
        need: 'operator',
        setUp: liveScene,
        call: (token, id) => server.request('POST', `/api/rooms/${id}/end`, { token }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/cohosts/requests/:userId/accept',
        need: 'operator',
        setUp: liveScene,
        call: (token, id) =>
          server.request('POST', `/api/rooms/${id}/cohosts/requests/${viewer.userId}/accept`, { token }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/cohosts/requests/:userId/decline',
        need: 'operator',
        setUp: liveScene,
        call: (token, id) =>
          server.request('POST', `/api/rooms/${id}/cohosts/requests/${viewer.userId}/decline`, { token }),
        state: roomState,
      },
      {
        route: 'GET /api/rooms/:id/anchor-qrcode',
        need: 'operator',
        setUp: scene,
        call: (token, id) => server.request('GET', `/api/rooms/${id}/anchor-qrcode`, { token }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/chat/comments',
        need: 'moderator',
        setUp: liveScene,
        call: (token, id) =>
          server.request('POST', `/api/rooms/${id}/chat/comments`, { token, body: { off: true } }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/chat/mutes',
        need: 'moderator',
        setUp: liveScene,
        call: (token, id) =>
          server.request('POST', `/api/rooms/${id}/chat/mutes`, {
            token,
            body: { userId: viewer.userId, seconds: 60 },
          }),
        state: roomState,
      },
      {
        route: 'POST /api/rooms/:id/removals',
        need: 'moderator',
        setUp: liveScene,
        call: (token, id) =>
          server.request('POST', `/api/rooms/${id}/removals`, { token, body: { userId: viewer.userId } }),
        state: roomState,
      },
      {
        route: 'GET /api/rooms/:id/moderation',
        need: 'moderator',
        setUp: liveScene,
        call: (token, id) => server.request('GET', `/api/rooms/${id}/moderation`, { token }),
        state: roomState,
      },
      {
        route: 'GET /api/moderation',
        need: 'moderator',
        setUp: async () => '',
        call: (token) => server.request('GET', '/api/moderation', { token }),
        state: async () => null,
      },
      {
        route: 'GET /api/operators',
        need: 'admin',
        setUp: async () => '',
        call: (token) => server.request('GET', '/api/operators', { token }),
        state: accounts,
      },
      {
        route: 'POST /api/operators',
        need: 'admin',
        setUp: async () => `new${Math.floor(Math.random() * 1e9)}`,
        call: (token, name) =>
          server.request('POST', '/api/operators', {
            token,
            body: { name, role: 'moderator', password: PASSWORD },
          }),
        state: accounts,
      },
      {
        route: 'PATCH /api/operators/:id',
        need: 'admin',
        setUp: async () => spare.body.operator.id,
        call: (token, id) =>
          server.request('PATCH', `/api/operators/${id}`, { token, body: { role: 'operator' } }),
        state: accounts,
      },
      {
        route: 'GET /api/audit',
        need: 'admin',
        setUp: async () => '',
        call: (token) => server.request('GET', '/api/audit', { token }),
        state: async () => null,
      },
    ];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const c of cases) {
      for (const [role, token] of Object.entries(tokens)) {
        const id = await c.setUp();
        const before = await c.state(id);
        const answer = await c.call(token, id);
        const allowed = role === 'admin' || role === c.need;
        expected.push(`${c.route} as ${role}: ${allowed ? 'allowed' : '403 FORBIDDEN, unchanged'}`);
        const unchanged = JSON.stringify(await c.state(id)) === JSON.stringify(before);
        outcomes.push(
          `${c.route} as ${role}: ${
            answer.status < 400
              ? 'allowed'
              : `${code(answer).join(' ')}${unchanged ? ', unchanged' : ', CHANGED'}`
          }`,
        );
      }
    }
    expect(outcomes).toEqual(expected);
  });

  test('the audit log and the moderation log name the operator; disabling an account ends its sessions', async () => {
    const mod = await account(server, admin, 'maria', 'moderator');
    const anchor = await devLogin(server, 'audit-anchor');
    const viewer = await devLogin(server, 'audit-viewer');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: 'audited' },
    });
    const id = created.body.room.id;
    await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
    expect(
      (
        await server.request('POST', `/api/rooms/${id}/chat/mutes`, {
          token: mod,
          body: { userId: viewer.userId, seconds: 60 },
        })
      ).status,
    ).toBe(200);
    const log = await server.request<{ actions: Array<Record<string, unknown>> }>(
      'GET',
      `/api/rooms/${id}/moderation`,
      {
        token: mod,
      },
    );
    expect(log.body.actions[0]).toMatchObject({ action: 'mute', actorKind: 'operator', actorName: 'maria' });
    const audit = await server.request<{ entries: Array<Record<string, unknown>> }>(
      'GET',
      `/api/audit?roomId=${id}`,
      {
        token: admin,
      },
    );
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        actor: { kind: 'operator', id: expect.stringMatching(/^op_/), name: 'maria', role: 'moderator' },
        action: 'POST /api/rooms/:id/chat/mutes',
        roomId: id,
        target: viewer.userId,
      }),
    ]);
    // Disabled: its session ends at once, and it cannot sign in again.
    const maria = (
      await server.request<{ operators: Array<{ id: string; name: string }> }>('GET', '/api/operators', {
        token: admin,
      })
    ).body.operators.find((o) => o.name === 'maria');
    await server.request('PATCH', `/api/operators/${maria?.id}`, { token: admin, body: { disabled: true } });
    expect(code(await server.request('GET', '/api/operators/me', { token: mod }))).toEqual([
      401,
      'UNAUTHORIZED',
    ]);
    expect(code(await signIn(server, 'maria'))).toEqual([403, 'FORBIDDEN']);
    const everything = await server.request<{ entries: Array<{ action: string; actor: { name: string } }> }>(
      'GET',
      '/api/audit',
      { token: admin },
    );
    expect(everything.body.entries[0]).toMatchObject({
      action: 'PATCH /api/operators/:id',
      actor: { name: 'root' },
    });
  });
});

for (const engine of SHARED_ENGINES)
  engine.describe(`operator sessions across two instances on ${engine.name}`, () => {
    test('signed out or disabled on one instance, refused by the other at once', async () => {
      const database = await engine.database();
      const config = testConfig(database.file);
      const [storeA, storeB] = [await database.open(), await database.open()];
      const a = await startServer(config, { store: storeA });
      const b = await startServer(config, { store: storeB });
      try {
        const admin = await account(a, CONSOLE_TOKEN, 'root', 'admin');
        const olga = await account(a, admin, 'olga', 'operator');
        // CONSOLE_TOKEN's bootstrap is over on the other instance too.
        expect(code(await b.request('GET', '/api/operators/me', { token: CONSOLE_TOKEN }))).toEqual([
          401,
          'UNAUTHORIZED',
        ]);
        expect((await b.request('GET', '/api/operators/me', { token: olga })).status).toBe(200);
        const list = await b.request<{ operators: Array<{ id: string; name: string }> }>(
          'GET',
          '/api/operators',
          {
            token: admin,
          },
        );
        const olgaId = list.body.operators.find((o) => o.name === 'olga')?.id;
        await b.request('PATCH', `/api/operators/${olgaId}`, { token: admin, body: { disabled: true } });
        expect(code(await a.request('GET', '/api/operators/me', { token: olga }))).toEqual([
          401,
          'UNAUTHORIZED',
        ]);
        expect((await a.request('POST', '/api/operators/sign-out', { token: admin })).status).toBe(200);
        expect(code(await b.request('GET', '/api/operators/me', { token: admin }))).toEqual([
          401,
          'UNAUTHORIZED',
        ]);
      } finally {
        await a.close();
        await b.close();
        await database.cleanup();
      }
    });
  });
