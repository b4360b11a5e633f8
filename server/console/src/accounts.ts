/**
 * 账号 Accounts (role: admin): every operator account with its role, disabled and locked state, a form to add one,
 * and per account a role picker and 停用/启用. Hidden from every other role (the service refuses them anyway).
 */
import type { ConsoleApi, OperatorAccount, OperatorRole } from './api';
import { ApiFailure } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime } from './format';
import { ROLE_LABELS } from './session';

/** What the service's code means for an admin managing accounts, in words they can act on. */
const ACCOUNT_ERRORS: Record<string, string> = {
  CONFLICT: '账号名已被使用,请换一个',
  BAD_REQUEST: '输入不符合要求(账号名 2–32 位字母数字 . _ -,密码至少 10 位;不能修改自己的账号)',
  NOT_FOUND: '账号不存在,请刷新',
  FORBIDDEN: '没有权限:只有管理员可以管理账号',
  UNAUTHORIZED: '登录已失效,请重新登录',
  RATE_LIMITED: '操作太频繁,请稍后再试',
};

/** A failed account call in Chinese from the service's code, with the service's own words after it. */
export function accountError(failure: unknown): string {
  if (!(failure instanceof ApiFailure) || !failure.code || !ACCOUNT_ERRORS[failure.code])
    return describeFailure(failure);
  return `${ACCOUNT_ERRORS[failure.code]} (${failure.message})`;
}

const ROLES: OperatorRole[] = ['admin', 'operator', 'moderator'];
const roleOptions = (selected: OperatorRole) =>
  ROLES.map((role) => h('option', { value: role, selected: role === selected }, ROLE_LABELS[role]));

/** Mounts the hidden card after `after`; the returned function shows and reloads it for an admin, hides it otherwise. */
export function mountAccounts(after: Element, client: () => ConsoleApi | null): () => Promise<void> {
  const section = h('section', {
    class: 'card',
    id: 'accounts-card',

    hidden: true,
  });
  after.after(section);
  const name = h('input', { id: 'account-name-input', name: 'name', required: true, maxlength: 32 });
  const password = h('input', {
    id: 'account-password-input',
    name: 'password',
    type: 'password',
    required: true,
  });
  const role = h('select', { id: 'account-role-input', name: 'role' }, ...roleOptions('moderator'));
  const error = h('p', { class: 'form-error', id: 'account-error', role: 'alert' });
  const body = h('tbody', { id: 'account-rows' });

  const act = async (call: (api: ConsoleApi) => Promise<unknown>): Promise<boolean> => {
    const api = client();
    if (!api) return false;
    error.textContent = '';
    try {
      await call(api);
      await reload();
      return true;
    } catch (failure) {
      error.textContent = accountError(failure);
      return false;
    }
  };
  const row = (a: OperatorAccount) =>
    h(
      'tr',
      { 'data-account-id': a.id, 'data-account-name': a.name },
      h('td', {}, a.name),
      h(
        'td',
        {},
        h(
          'select',
          {
            'aria-label': `「${a.name}」的角色 Role`,
            onchange: (event: Event) => {
              const value = (event.target as HTMLSelectElement).value as OperatorRole;
              void act((api) => api.changeOperator(a.id, { role: value }));
            },
          },
          ...roleOptions(a.role),
        ),
      ),
      h('td', { class: 'account-state' }, a.disabled ? '已停用 Disabled' : '正常 Active'),
      h(
        'td',
        { class: 'account-lock' },
        a.lockedUntil ? `锁定至 Locked until ${formatTime(a.lockedUntil)}` : '—',
      ),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: a.disabled ? 'button small' : 'button small danger',
            onclick: () => void act((api) => api.changeOperator(a.id, { disabled: !a.disabled })),
          },
          a.disabled ? '启用 Enable' : '停用 Disable',
        ),
      ),
    );
  const reload = async (): Promise<void> => {
    const api = client();
    const me = api ? await api.verify().catch(() => null) : null;
    section.hidden = me?.role !== 'admin';
    // Out of the page unless an admin is signed in: its fields must not stand beside the sign-in form's.
    if (!api || section.hidden) return replaceChildren(section);
    if (!section.firstChild) replaceChildren(section, ...content);
    try {
      replaceChildren(body, ...(await api.operators()).map(row));
    } catch (failure) {
      error.textContent = accountError(failure);
    }
  };
  const add = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const account = { name: name.value.trim(), role: role.value as OperatorRole, password: password.value };
    if (await act((api) => api.addOperator(account))) (event.target as HTMLFormElement).reset();
  };
  const content = [
    h(
      'div',
      { class: 'section-head' },
      h('h2', {}, '账号 ', h('span', { class: 'en', lang: 'en' }, 'Accounts')),
    ),
    h(
      'form',
      {
        class: 'inline-form',
        id: 'account-form',
        novalidate: true,
        onsubmit: (e: Event) => void add(e as SubmitEvent),
      },
      h('label', { for: 'account-name-input' }, '名称 Name'),
      name,
      h('label', { for: 'account-role-input' }, '角色 Role'),
      role,
      h('label', { for: 'account-password-input' }, '初始密码 Initial password'),
      password,
      h('button', { type: 'submit', class: 'button' }, '添加账号 Add'),
    ),
    error,
    h(
      'table',
      { class: 'rooms' },
      h(
        'thead',
        {},
        h('tr', {}, ...['账号 Name', '角色 Role', '状态 State', '锁定 Lock', ''].map((t) => h('th', {}, t))),
      ),
      body,
    ),
  ];
  return reload;
}
