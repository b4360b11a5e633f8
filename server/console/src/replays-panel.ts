/**
 * The replays and OBS panel of one room: its cloud recordings (status, length, size, when; hide, show, delete) and
 * its OBS push address and stream key (copy, new key). Deleting takes a replay out of the apps; the file in the
 * bucket is removed by the deployment's own storage policy (a lifecycle rule), never by the service.
 */
import type { ConsoleApi, Recording, Room } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime } from './format';

const RECORDING_LABELS: Record<string, string> = {
  starting: '启动中 Starting',
  recording: '录制中 Recording',
  uploading: '上传中 Uploading',
  ready: '可回放 Ready',
  failed: '失败 Failed',
};

/** 3725000 ms -> "1:02:05". */
function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

/** 48000000 -> "45.8 MB". */
function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One panel element, showing one room at a time. */
export class ReplaysPanel {
  constructor(
    private readonly panel: HTMLElement,
    /** Puts a short note where the operator sees it (copied, or not). */
    private readonly notify: (text: string) => void,
  ) {}

  /** Hides the panel. */
  close(): void {
    this.panel.hidden = true;
    this.panel.textContent = '';
  }

  /** Shows the room's recordings and, while it is not ended, its OBS address. */
  show(client: ConsoleApi | null, room: Room): void {
    if (!client) return;
    const list = h('div', { id: 'recordings' }, h('p', { class: 'muted' }, '加载中… Loading…'));
    const obs = h('div', { id: 'obs' });
    replaceChildren(
      this.panel,
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'replays-title' }, `「${room.title}」回放与 OBS`),
        h('button', { type: 'button', class: 'button ghost', onclick: () => this.close() }, '关闭 Close'),
      ),
      h('h3', {}, '录制 Recordings'),
      list,
      h(
        'p',
        { class: 'muted' },
        '删除只让回放从 App 中消失；存储桶中的文件按你的存储策略（生命周期规则）删除。',
        'Delete removes a replay from the apps; the bucket keeps the file until your storage policy removes it.',
      ),
      room.status !== 'ended' && h('h3', {}, 'OBS 推流 OBS push'),
      room.status !== 'ended' && obs,
    );
    this.panel.hidden = false;
    this.panel.focus();
    void this.loadRecordings(client, room, list);
    if (room.status !== 'ended') {
      replaceChildren(
        obs,
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            id: 'obs-show',
            onclick: () => void this.loadObs(client, room, obs, false),
          },
          '显示推流地址 Show push address',
        ),
      );
    }
  }

  private async loadRecordings(client: ConsoleApi, room: Room, list: HTMLElement): Promise<void> {
    try {
      const recordings = await client.recordings(room.id);
      if (recordings.length === 0) {
        replaceChildren(
          list,
          h('p', { class: 'empty', id: 'recordings-empty' }, '这个房间还没有录制 No recordings yet'),
        );
        return;
      }
      replaceChildren(
        list,
        h(
          'table',
          { class: 'rooms', id: 'recordings-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[
                '开始 Started',
                '状态 Status',
                '时长 Length',
                '大小 Size',
                '观看 Views',
                '错误 Error',
                '',
              ].map((t) => h('th', {}, t)),
            ),
          ),
          h('tbody', {}, ...recordings.map((r) => this.row(client, room, list, r))),
        ),
      );
    } catch (failure) {
      replaceChildren(list, h('p', { class: 'form-error', role: 'alert' }, describeFailure(failure)));
    }
  }

  private row(client: ConsoleApi, room: Room, list: HTMLElement, r: Recording): HTMLTableRowElement {
    const act = (label: string, work: () => Promise<unknown>, danger = false): HTMLButtonElement =>
      h(
        'button',
        {
          type: 'button',
          class: `button small${danger ? ' danger' : ''}`,
          onclick: () =>
            void work().then(
              () => this.loadRecordings(client, room, list),
              (failure: unknown) => this.notify(describeFailure(failure)),
            ),
        },
        label,
      );
    return h(
      'tr',
      { 'data-recording-id': r.id, 'data-status': r.status },
      h('td', {}, formatTime(r.startedAt)),
      h(
        'td',
        {},
        RECORDING_LABELS[r.status] ?? r.status,
        r.hidden && h('span', { class: 'muted' }, ' · 已隐藏 Hidden'),
      ),
      h('td', { class: 'number' }, r.files > 0 ? clock(r.durationMs) : '—'),
      h('td', { class: 'number' }, r.files > 0 ? megabytes(r.sizeBytes) : '—'),
      h('td', { class: 'number' }, r.views),
      h('td', {}, r.errorCode !== null ? `ZEGO ${r.errorCode}` : '', r.error ? ` ${r.error}` : ''),
      h(
        'td',
        { class: 'actions' },
        act(r.hidden ? '显示 Show' : '隐藏 Hide', () => client.setRecordingHidden(r.id, !r.hidden)),
        act(
          '删除 Delete',
          async () => {
            if (window.confirm('从 App 中删除这段回放？Delete this replay from the apps?'))
              await client.deleteRecording(r.id);
          },
          true,
        ),
      ),
    );
  }

  private async loadObs(client: ConsoleApi, room: Room, obs: HTMLElement, renew: boolean): Promise<void> {
    try {
      const address = await client.rtmpAddress(room.id, renew);
      const field = (label: string, id: string, value: string): HTMLElement =>
        h(
          'p',
          { class: 'obs-field' },
          h('strong', {}, label),
          h('code', { id }, value),
          h(
            'button',
            { type: 'button', class: 'button small', onclick: () => this.copy(value) },
            '复制 Copy',
          ),
        );
      replaceChildren(
        obs,
        field('服务器 Server', 'obs-server', address.server),
        field('串流密钥 Stream key', 'obs-key', address.streamKey),
        h('p', { class: 'muted' }, `服务器地址有效期至 Server valid until ${formatTime(address.validUntil)}`),
        h(
          'button',
          {
            type: 'button',
            class: 'button small danger',
            id: 'obs-renew',
            onclick: () => void this.loadObs(client, room, obs, true),
          },
          '换新密钥（旧密钥失效）New key',
        ),
      );
    } catch (failure) {
      replaceChildren(
        obs,
        h('p', { class: 'form-error', role: 'alert', id: 'obs-error' }, describeFailure(failure)),
      );
    }
  }

  private copy(text: string): void {
    navigator.clipboard?.writeText(text).then(
      () => this.notify('已复制 Copied'),
      () => this.notify('复制失败,请手动复制 Copy failed'),
    );
  }
}
