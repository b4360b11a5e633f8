/**
 * Planned rooms in the console: a form for a room with a title, a start time and a cover (created with its anchor
 * invite, the cover uploaded right after), and the rooms list's 预告 cell (the planned time and the cover).
 */
import type { ConsoleApi, CreatedRoom, Room } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime, isoTime } from './format';

/** What the form needs from the console: the signed-in client, and a list refresh once a room is made. */
export interface PlannedRoomsHost {
  api: () => ConsoleApi | null;
  /** The room was created (and its cover uploaded, if any): show it and its invite. */
  created: (room: Room, invite?: CreatedRoom['invite']) => void;
}

/** Adds the 直播预告 form after `after` (the new-room card). */
export function mountPlannedRooms(after: Element, host: PlannedRoomsHost): void {
  const title = h('input', { id: 'planned-title-input', name: 'title', maxlength: 64, required: true });
  const start = h('input', {
    id: 'planned-start-input',
    name: 'start',
    type: 'datetime-local',
    required: true,
  });
  const cover = h('input', {
    id: 'planned-cover-input',
    name: 'cover',
    type: 'file',
    accept: 'image/png,image/jpeg,image/webp',
  });
  const button = h(
    'button',
    { type: 'submit', class: 'button primary', id: 'planned-create-button' },
    '发布预告 Schedule',
  );
  const error = h('p', { class: 'form-error', id: 'planned-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'inline-form', id: 'planned-form', novalidate: true },
    h('label', { for: 'planned-title-input' }, '标题 Title'),
    title,
    h('label', { for: 'planned-start-input' }, '开播时间 Starts'),
    start,
    h('label', { for: 'planned-cover-input' }, '封面 Cover'),
    cover,
    button,
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'planned-heading' },
    h('h2', { id: 'planned-heading' }, '直播预告 ', h('span', { class: 'en', lang: 'en' }, 'Planned room')),
    form,
    error,
  );
  after.after(section);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit(): Promise<void> {
    const client = host.api();
    if (!client) return;
    const name = title.value.trim();
    const at = start.value ? new Date(start.value).getTime() : NaN;
    if (!name) return void (error.textContent = '请填写标题 Enter a title');
    if (!Number.isFinite(at) || at <= Date.now())
      return void (error.textContent = '开播时间需要晚于现在 The start must be in the future');
    error.textContent = '';
    button.disabled = true;
    try {
      const created = await client.createPlannedRoom(name, at);
      let room = created.room;
      const file = cover.files?.[0];
      if (file) {
        try {
          room = (await client.uploadCover(room.id, file, file.name)).room;
        } catch (failure) {
          error.textContent = `房间已创建,封面上传失败 Room created, cover refused: ${describeFailure(failure)}`;
        }
      }
      form.reset();
      host.created(room, created.invite);
    } catch (failure) {
      error.textContent = `创建失败 Could not create: ${describeFailure(failure)}`;
    } finally {
      button.disabled = false;
    }
  }
}

/** The 预告 cell of a room row: its cover and planned start, or a dash. */
export function plannedCell(room: Room): HTMLTableCellElement {
  const cell = h('td', { class: 'planned' });
  const iso = isoTime(room.plannedStartAt ?? null);
  replaceChildren(
    cell,
    room.coverUrl
      ? h('img', { class: 'cover-thumb', src: room.coverUrl, alt: '封面 Cover', width: 48, height: 32 })
      : null,
    iso ? h('time', { datetime: iso }, formatTime(room.plannedStartAt ?? null)) : room.coverUrl ? null : '—',
  );
  return cell;
}
