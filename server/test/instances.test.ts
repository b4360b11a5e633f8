/**
 * Many instances: two service processes (src/main.ts) on one PostgreSQL and one Redis, as in production behind a
 * load balancer. Nothing lives in one process: sessions, claims, call seats, rate limits and avatars are shared, and
 * stopping one instance with SIGTERM finishes what it was doing and loses nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, signIn, startInstance, type Instance } from './helpers/instance';
import { CONSOLE_TOKEN, ZEGO_APP_ID, ZEGO_SECRET } from './helpers/server';
import { describeWith, freshPostgresDatabase, freshRedisPrefix, TEST_REDIS_URL } from './helpers/services';

describeWith({ postgres: true, redis: true }, 'instances.test.ts')(
  'two instances on one PostgreSQL and Redis',
  () => {
    let a: Instance;
    let b: Instance;
    let dropDb: () => Promise<void>;
    // Made in beforeAll, so a skipped suite leaves no temp folder behind.
    let avatars = '';

    beforeAll(async () => {
      avatars = mkdtempSync(path.join(os.tmpdir(), 'live-shared-avatars-'));
      const pg = await freshPostgresDatabase();
      dropDb = pg.drop;
      const env = {
        DATABASE_URL: pg.url,
        AVATAR_DIR: avatars,
        REDIS_URL: TEST_REDIS_URL ?? '',
        REDIS_KEY_PREFIX: freshRedisPrefix(),
        CONSOLE_TOKEN,
        ZEGO_APP_ID: String(ZEGO_APP_ID),
        ZEGO_SERVER_SECRET: ZEGO_SECRET,
      };
      // One first, so the two do not race to create the schema (the advisory lock would also handle it).
      a = await startInstance(env);
      b = await startInstance(env);
    }, 90_000);
    afterAll(async () => {
      for (const instance of [a, b]) {
        if (instance && instance.child.exitCode === null) {
          instance.child.kill('SIGTERM');
          await instance.exited;
        }
      }
      await dropDb?.();
      if (avatars) rmSync(avatars, { recursive: true, force: true });
    });

    test('both are ready; a session made on one works on the other, and so does an avatar', async () => {
      for (const instance of [a, b]) {
        expect((await call(instance.url, 'GET', '/readyz')).body).toEqual({
          ok: true,
          database: 'up',
          redis: 'up',
          counters: 'redis',
        });
      }
      const alice = await signIn(a.url, 'alice');
      const me = await call<{ user: { id: string } }>(b.url, 'GET', '/api/auth/me', { token: alice.token });
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(alice.id);

      const form = new FormData();
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(64),
      ]);
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
      const uploaded = await fetch(`${a.url}/api/me/avatar`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}` },
        body: form,
      });
      expect(uploaded.status).toBe(200);
      const { user } = (await uploaded.json()) as { user: { avatarUrl: string } };
      const file = new URL(user.avatarUrl).pathname;
      const served = await fetch(`${b.url}${file}`);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    });

    test('20 concurrent claims of one invite spread over both: exactly one winner', async () => {
      const created = await call<{ room: { id: string }; invite: { code: string } }>(
        a.url,
        'POST',
        '/api/rooms',
        {
          token: CONSOLE_TOKEN,
          body: { title: 'Shared race' },
        },
      );
      const users = await Promise.all(
        Array.from({ length: 20 }, (_, i) => signIn(i % 2 ? a.url : b.url, `claimer${i}`)),
      );
      const answers = await Promise.all(
        users.map((u, i) =>
          call((i % 2 ? b : a).url, 'POST', `/api/rooms/${created.body.room.id}/claim`, {
            token: u.token,
            body: { invite: created.body.invite.code },
          }),
        ),
      );
      const statuses = answers.map((x) => x.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const winner = users[statuses.indexOf(200)];
      const read = await call<{ room: { anchor: { id: string } } }>(
        b.url,
        'GET',
        `/api/rooms/${created.body.room.id}`,
      );
      expect(read.body.room.anchor.id).toBe(winner.id);
    });

    test('the token rate limit (60/min per client) is counted across both instances', async () => {
      const viewer = await signIn(b.url, 'limit-viewer');
      const room = await call<{ room: { id: string } }>(a.url, 'POST', '/api/rooms', {
        token: viewer.token,
        body: { title: 'Limited' },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 62; i += 1) {
        const answer = await call((i % 2 ? b : a).url, 'POST', `/api/rooms/${room.body.room.id}/token`, {
          token: viewer.token,
          body: { role: 'audience' },
        });
        statuses.push(answer.status);
      }
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(60)).toEqual([429, 429]);
    });

    test('SIGTERM on one instance finishes its requests in flight and loses nothing; the other carries on', async () => {
      const owner = await signIn(a.url, 'sigterm-owner');
      const inFlight = Array.from({ length: 10 }, (_, i) =>
        call<{ room: { id: string } }>(b.url, 'POST', '/api/rooms', {
          token: owner.token,
          body: { title: `t${i}` },
        }).catch(() => null),
      );
      b.child.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      expect(await b.exited).toBe(0);
      expect(b.output()).toContain('SIGTERM received');
      const made = answers.filter(
        (x): x is { status: number; body: { room: { id: string } } } => x?.status === 200,
      );
      for (const answer of made) {
        expect((await call(a.url, 'GET', `/api/rooms/${answer.body.room.id}`)).status).toBe(200);
      }
      // Every request either completed (and is stored) or never reached the closing instance.
      expect(answers.every((x) => x === null || x.status === 200)).toBe(true);
      expect((await call(a.url, 'GET', '/readyz')).status).toBe(200);
    });
  },
);
