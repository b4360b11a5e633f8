import { Type } from '@sinclair/typebox';
import { SESSION_TTL_MS } from '../../http/auth';
import { hashToken, newSessionToken } from '../../lib/ids';
import { type UserView, userView } from '../../lib/views';
import type { LiveContext } from '../../plugins/app/live';
import type { User } from '../../store/types';

/** A nickname as sign-in takes it (WeChat's, Alipay's or the development sign-in's). */
export const Nickname = Type.String({ minLength: 1, maxLength: 32 });
/** An avatar URL as sign-in takes it (http(s), or empty). */
export const AvatarUrl = Type.String({ maxLength: 512, pattern: '^(https?://\\S+)?$' });

/** Opens a session for a user and returns the API's sign-in answer. */
export async function openSession(
  live: LiveContext,
  user: User,
): Promise<{ sessionToken: string; user: UserView }> {
  const sessionToken = newSessionToken(live.random);
  const now = live.now();
  await live.store.sessions.create(hashToken(sessionToken), user.id, now, now + SESSION_TTL_MS);
  return { sessionToken, user: userView(user) };
}
