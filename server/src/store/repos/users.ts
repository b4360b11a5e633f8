/** Users (WeChat, Alipay and development sign-ins) and their sessions. */
import type { Engine } from '../engine';
import { toUser, wechatOpenidOf } from '../rows';
import type { SessionRepository, UserRepository } from '../types';

/** The users table, written once for both engines. */
export function userRepository(engine: Engine, newId: () => string): UserRepository {
  const { db } = engine;
  return {
    upsertByOpenid: async (openid, profile, now, defaultNickname = '微信用户') => {
      // Only the profile fields given change; the no-op openid update makes RETURNING give an existing row.
      const row = await db
        .insertInto('users')
        .values({
          id: newId(),
          openid,
          nickname: profile.nickname ?? defaultNickname,
          avatar_url: profile.avatarUrl ?? '',
          created_at: now,
        })
        .onConflict((oc) =>
          oc.column('openid').doUpdateSet((eb) => ({
            openid: eb.ref('excluded.openid'),
            ...(profile.nickname !== undefined ? { nickname: eb.ref('excluded.nickname') } : {}),
            ...(profile.avatarUrl !== undefined ? { avatar_url: eb.ref('excluded.avatar_url') } : {}),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    upsertDev: async (nickname, now) => {
      const row = await db
        .insertInto('users')
        .values({ id: newId(), dev_name: nickname, nickname, avatar_url: '', created_at: now })
        .onConflict((oc) =>
          oc.column('dev_name').doUpdateSet((eb) => ({ dev_name: eb.ref('excluded.dev_name') })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    get: async (id) => {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    getMany: async (ids) => {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
      return rows.map(toUser);
    },
    wechatOpenid: async (id) =>
      wechatOpenidOf(
        (await db.selectFrom('users').select('openid').where('id', '=', id).executeTakeFirst())?.openid,
      ),
    setAvatar: async (id, avatarUrl) => {
      const row = await db
        .updateTable('users')
        .set({ avatar_url: avatarUrl })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },
  };
}

/** The sessions table (a session is stored as the hash of its bearer token). */
export function sessionRepository(engine: Engine): SessionRepository {
  const { db } = engine;
  return {
    create: async (tokenHash, userId, now, expiresAt) => {
      // Opportunistic clean-up: this user's dead sessions go when it signs in again.
      await db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('revoked_at', 'is not', null)]))
        .execute();
      await db
        .insertInto('sessions')
        .values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: expiresAt })
        .execute();
    },
    findUser: async (tokenHash, now) => {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },
    revoke: async (tokenHash, now) => {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}
