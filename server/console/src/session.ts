/** Signing the console in: by operator account (name + password), or CONSOLE_TOKEN alone to bootstrap the first admin. */
import { ConsoleApi, type ModerationAction, type OperatorActor } from './api';
import { MODERATOR_LABELS } from './format';

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

/** Who acted in the moderation log: the kind, and the operator's or anchor's name (「运营 Operator · maria」). */
export const actorLabel = (a: ModerationAction): string =>
  `${MODERATOR_LABELS[a.actorKind] ?? a.actorKind}${a.actorName ? ` · ${a.actorName}` : ''}`;

/** Ends the session on the service too (best effort): a copied token stops working at once. */
export function endSession(api: ConsoleApi | null): void {
  void api?.signOut().catch(() => undefined);
}

/** A tab reopened with a saved session: who it is, in `where` (nothing if the session is no longer good). */
export function showWho(token: string, where: HTMLElement): void {
  void new ConsoleApi(token)
    .verify()
    .then((actor) => (where.textContent = describeActor(actor)))
    .catch(() => undefined);
}
