/** 问题反馈: users' problem reports by room and by user, and one report's device info and log lines. */
import type { ProblemReportView } from '@zego-live/contract/operators';
import type { ConsoleApi } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime } from './format';

/** Builds the reports card in `section` (read on demand: 查询 Search), using whichever client is signed in. */
export function mountReports(section: HTMLElement, client: () => ConsoleApi | null): void {
  const room = h('input', {
    name: 'report-room',
    placeholder: '房间 ID Room',
    'aria-label': '按房间筛选 Room',
  });
  const user = h('input', {
    name: 'report-user',
    placeholder: '用户 ID User',
    'aria-label': '按用户筛选 User',
  });
  const list = h('div', { id: 'reports-list' });
  const detail = h('div', { id: 'report-detail' });

  const show = async (id: number): Promise<void> => {
    try {
      const { report } = (await client()?.report(id)) ?? { report: null };
      if (!report) return;
      replaceChildren(
        detail,
        h('h3', {}, `#${report.id} ${report.nickname ?? report.userId}:${report.description}`),
        h(
          'p',
          { class: 'refreshed' },
          Object.entries(report.device)
            .map(([k, v]) => `${k} ${v}`)
            .join(' · '),
        ),
        h(
          'pre',
          { class: 'report-logs', id: 'report-logs' },
          (report.logs ?? []).join('\n') || '(没有运行记录)',
        ),
      );
    } catch (failure) {
      replaceChildren(detail, h('p', { class: 'form-error' }, describeFailure(failure)));
    }
  };
  const row = (r: ProblemReportView) =>
    h(
      'tr',
      { 'data-report-id': r.id },
      h('td', {}, formatTime(r.createdAt)),
      h('td', {}, r.nickname ?? r.userId),
      h('td', {}, r.roomId ?? '—'),
      h('td', {}, r.description),
      h(
        'td',
        {},
        h('button', { type: 'button', class: 'button small', onclick: () => void show(r.id) }, '查看 View'),
      ),
    );
  const search = async (): Promise<void> => {
    try {
      const { reports } = (await client()?.reports({
        roomId: room.value.trim(),
        userId: user.value.trim(),
      })) ?? {
        reports: [],
      };
      replaceChildren(
        list,
        reports.length === 0
          ? h('p', { class: 'empty' }, '没有问题反馈。No reports.')
          : h('table', { class: 'rooms' }, h('tbody', {}, ...reports.map(row))),
      );
    } catch (failure) {
      replaceChildren(list, h('p', { class: 'form-error' }, describeFailure(failure)));
    }
  };
  replaceChildren(
    section,
    h(
      'div',
      { class: 'section-head' },
      h('h2', {}, '问题反馈 ', h('span', { class: 'en', lang: 'en' }, 'Reports')),
    ),
    h(
      'div',
      { class: 'inline-form' },
      room,
      user,
      h(
        'button',
        { type: 'button', class: 'button', id: 'reports-search', onclick: () => void search() },
        '查询 Search',
      ),
    ),
    list,
    detail,
  );
}
