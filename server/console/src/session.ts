/** Signing the console in: by operator account (name + password), or CONSOLE_TOKEN alone to bootstrap the first admin. */
import { ConsoleApi, type OperatorActor } from './api';

/** The roles as the console names them. */
export const ROLE_LABELS: Record<OperatorActor['role'], string> = {
  admin: '管理员 Admin',
  operator: '运营 Operator',
  moderator: '审核 Moderator',
};

/**
 * Signs in: with a name, the account's session; without one, the secret is taken as CONSOLE_TOKEN (accepted only
 * until the first account exists). Answers the bearer to keep and who it is.
 */
export async function signInAs(
  name: string,
  secret: string,
): Promise<{ token: string; actor: OperatorActor }> {
  const token = name === '' ? secret : await ConsoleApi.signIn(name, secret);
  const actor = await new ConsoleApi(token).verify();
  return { token, actor };
}

/** "root · 管理员 Admin", or the bootstrap's own words. */
export function describeActor(actor: OperatorActor): string {
  if (actor.id === null) return 'CONSOLE_TOKEN · 请创建管理员账号 create an admin account';
  return `${actor.name} · ${ROLE_LABELS[actor.role]}`;
}
