/**
 * The viewer chart: click a room's row and a card shows its viewers now and at peak, its time live, the points its
 * anchor received in gifts, and a small chart of its per-minute viewer series (GET /api/rooms/:id/stats with the
 * console token), drawn with uPlot (bundled by the console's build, no CDN). Refreshes with the list while it is
 * open and the tab is visible.
 */
import uPlot from 'uplot';
import type { ConsoleApi, RoomStats } from './api';
import { h, replaceChildren } from './dom';
import { formatTime } from './format';

/** How often an open chart reads the figures again (the list's own rhythm). */
const REFRESH_MS = 5000;
const CHART_HEIGHT = 180;

/** "1小时02分", "12分34秒", "9秒". */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}小时${pad(minutes)}分`;
  if (minutes > 0) return `${minutes}分${pad(seconds % 60)}秒`;
  return `${seconds % 60}秒`;
}

/** The series as uPlot takes it: x in seconds, one y per minute. */
function chartData(stats: RoomStats): uPlot.AlignedData {
  const series = stats.series ?? [];
  return [series.map((m) => m.at / 1000), series.map((m) => m.viewers)];
}

/** Adds the chart card below the room list; a click on a room's row (not on its buttons) opens that room's chart. */
export function installViewerChart(currentApi: () => ConsoleApi | null): void {
  const roomsCard = document.getElementById('rooms-table')?.closest('section');
  const rows = document.getElementById('rooms-body');
  if (!roomsCard || !rows) return;
  const card = h('section', {
    class: 'card viewer-chart',
    id: 'viewer-chart',
    'aria-labelledby': 'viewer-chart-title',
  });
  card.hidden = true;
  roomsCard.after(card);

  let roomId: string | null = null;
  let title = '';
  let plot: uPlot | null = null;
  let timer: number | undefined;

  const close = (): void => {
    roomId = null;
    window.clearInterval(timer);
    plot?.destroy();
    plot = null;
    card.hidden = true;
    replaceChildren(card);
  };

  const draw = (stats: RoomStats, giftPoints: number | null): void => {
    const data = chartData(stats);
    const points = data[0].length;
    replaceChildren(
      card,
      h(
        'div',
        { class: 'section-head' },
        h(
          'h2',
          { id: 'viewer-chart-title' },
          `「${title}」观众 `,
          h('span', { class: 'en', lang: 'en' }, 'Viewers'),
        ),
        h(
          'button',
          { type: 'button', class: 'button ghost', id: 'viewer-chart-close', onclick: close },
          '关闭 Close',
        ),
      ),
      h(
        'p',
        { class: 'chart-figures', id: 'viewer-chart-figures' },
        h('span', { id: 'viewer-chart-now' }, `当前 Now ${stats.viewers}`),
        ' · ',
        h('span', { id: 'viewer-chart-peak' }, `峰值 Peak ${stats.peakViewers}`),
        ' · ',
        h('span', { id: 'viewer-chart-duration' }, `直播时长 Live ${formatDuration(stats.durationMs)}`),
        stats.startedAt !== null ? ` · 开始 ${formatTime(stats.startedAt)}` : '',
        // What the room's anchor received in gifts (points), from the room's 贡献榜.
        giftPoints !== null ? h('span', { id: 'viewer-chart-gifts' }, ` · 礼物积分 Gifts ${giftPoints}`) : '',
      ),
      points === 0
        ? h('p', { class: 'empty', id: 'viewer-chart-empty' }, '还没有观众数据 No viewer figures yet')
        : null,
    );
    plot?.destroy();
    plot = null;
    if (points === 0) return;
    const holder = h('div', { class: 'chart', id: 'viewer-chart-plot', 'data-points': points });
    card.appendChild(holder);
    plot = new uPlot(
      {
        width: Math.max(320, Math.min(900, card.clientWidth - 32)),
        height: CHART_HEIGHT,
        legend: { show: false },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [{}, { label: '观众 Viewers', stroke: '#0b66d6', width: 2, points: { show: points < 60 } }],
      },
      data,
      holder,
    );
  };

  const load = async (): Promise<void> => {
    const api = currentApi();
    const id = roomId;
    if (!api || !id) return;
    try {
      const [{ stats }, board] = await Promise.all([
        api.roomStats(id),
        api.leaderboard(id).catch(() => null),
      ]);
      if (id === roomId) draw(stats, board?.total ?? null);
    } catch {
      if (id === roomId)
        replaceChildren(
          card,
          h('p', { class: 'form-error', role: 'alert' }, '读取观众数据失败 Could not load viewers'),
        );
    }
  };

  rows.addEventListener('click', (event) => {
    const target = event.target as Element;
    if (target.closest('button, a')) return;
    const row = target.closest('tr[data-room-id]');
    const id = row?.getAttribute('data-room-id');
    if (!row || !id) return;
    close();
    roomId = id;
    title = row.querySelector('.room-title')?.textContent ?? id;
    card.hidden = false;
    void load();
    timer = window.setInterval(() => {
      if (!document.hidden) void load();
    }, REFRESH_MS);
  });
}
