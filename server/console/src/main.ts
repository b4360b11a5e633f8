/** The operator console: sign in by account, watch the rooms, create one and hand its QR to the anchor. */
import { ApiFailure, Cohosts, ConsoleApi, CreatedRoom, ModerationAction, Room } from './api';
import { ChatModeration } from './chat-moderation';
import { byId, h, replaceChildren } from './dom';
import { mountPlannedRooms, plannedCell } from './planned';
import { mountGiftCatalogue } from './gifts';
import {
  MODERATION_LABELS,
  STATUS_LABELS,
  describeFailure,
  formatTime,
  formatViewers,
  isoTime,
  moderationDetail,
} from './format';
import { QrPanel } from './qr-panel';
import { ReplaysPanel } from './replays-panel';
import { actorLabel, endSession, showWho, signInAs } from './session';
import { MonitoringWall } from './wall';
import { mountReports } from './reports';
import { mountAccounts } from './accounts';
import { installViewerChart } from './viewer-chart';

/** sessionStorage key: the token lives as long as the tab, never in localStorage. */
const TOKEN_KEY = 'liveConsole.token';
/** How often the list refreshes while the tab is visible. */
const POLL_MS = 5000;

const ui = {
  signInView: byId('sign-in-view'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  nameInput: byId<HTMLInputElement>('name-input'),
  tokenInput: byId<HTMLInputElement>('token-input'),
  who: byId('who'),
  signInButton: byId<HTMLButtonElement>('sign-in-button'),
  signInError: byId('sign-in-error'),
  sessionBar: byId('session-bar'),
  connection: byId('connection'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  serviceDown: byId('service-down'),
  consoleView: byId('console-view'),
  createForm: byId<HTMLFormElement>('create-form'),
  titleInput: byId<HTMLInputElement>('room-title-input'),
  createButton: byId<HTMLButtonElement>('create-button'),
  createError: byId('create-error'),
  qrPanel: byId('qr-panel'),
  statusFilter: byId<HTMLSelectElement>('status-filter'),
  refreshed: byId('refreshed'),
  refreshButton: byId<HTMLButtonElement>('refresh-button'),
  roomsError: byId('rooms-error'),
  roomsEmpty: byId('rooms-empty'),
  roomsLoading: byId('rooms-loading'),
  roomsTable: byId('rooms-table'),
  roomsBody: byId('rooms-body'),
  moderationEmpty: byId('moderation-empty'),
  moderationTable: byId('moderation-table'),
  moderationBody: byId('moderation-body'),
};

let api: ConsoleApi | null = null;
let pollTimer: number | undefined;
let refreshing = false;
/** A refresh was asked for while one ran (e.g. after an action): run one more once it ends. */
let refreshAgain = false;
const qrPanel = new QrPanel(ui.qrPanel, (text) => (ui.refreshed.textContent = text));
const replaysPanel = new ReplaysPanel(byId('replays-panel'), (text) => (ui.refreshed.textContent = text));
const chatModeration = new ChatModeration(byId('chat-moderation-body'), () => refresh());
const wall = new MonitoringWall(byId('wall-grid'), byId('wall-empty'), () => void refresh());
/** The last list drawn, so an unchanged poll does not rebuild the table (and steal focus). */
let lastRoomsJson = '';
/** Object URLs of the anchor QR images on screen, released when the panel changes. */

function setServiceDown(down: boolean): void {
  ui.serviceDown.hidden = !down;
  ui.connection.textContent = down ? '● 连接中断 Offline' : '● 已连接 Online';
  ui.connection.className = down ? 'connection offline' : 'connection online';
}

function showSignIn(message = ''): void {
  api = null;
  wall.start(null);
  window.clearInterval(pollTimer);
  sessionStorage.removeItem(TOKEN_KEY);
  lastRoomsJson = '';
  qrPanel.close();
  replaysPanel.close();
  void reloadAccounts();
  ui.consoleView.hidden = true;
  ui.sessionBar.hidden = true;
  ui.serviceDown.hidden = true;
  ui.signInView.hidden = false;
  ui.signInError.textContent = message;
  ui.tokenInput.value = '';
  ui.tokenInput.focus();
}

function showConsole(token: string): void {
  api = new ConsoleApi(token);
  showWho(token, ui.who);
  wall.start(api);
  void reloadAccounts();
  ui.signInView.hidden = true;
  ui.consoleView.hidden = false;
  ui.sessionBar.hidden = false;
  ui.roomsLoading.hidden = false;
  window.clearInterval(pollTimer);
  pollTimer = window.setInterval(() => {
    if (!document.hidden) void refresh();
  }, POLL_MS);
  void refresh();
}

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const secret = ui.tokenInput.value.trim();
  if (!secret) {
    ui.signInError.textContent = '请输入密码 Please enter the password';
    return;
  }
  ui.signInButton.disabled = true;
  ui.signInError.textContent = '';
  try {
    const { token } = await signInAs(ui.nameInput.value.trim(), secret);
    sessionStorage.setItem(TOKEN_KEY, token);
    showConsole(token);
  } catch (failure) {
    ui.signInError.textContent = describeFailure(failure);
    ui.tokenInput.select();
  } finally {
    ui.signInButton.disabled = false;
  }
}

/** Reloads the list; a 401 signs out, a network error shows the service-down banner and keeps polling. */
async function refresh(): Promise<void> {
  const client = api;
  if (refreshing) refreshAgain = true;
  if (!client || refreshing) return;
  refreshing = true;
  try {
    const rooms = await client.listRooms(ui.statusFilter.value);
    const cohosts = await liveCohosts(client, rooms);
    // A moderation log this role may not read is skipped; a session ended (signed out, account disabled) is not.
    const moderation = await client.moderation().catch((failure: unknown) => {
      if (failure instanceof ApiFailure && failure.status === 401) throw failure;
      return null;
    });
    if (client !== api) return;
    setServiceDown(false);
    void reloadGifts();
    ui.roomsError.textContent = '';
    renderRooms(rooms, cohosts);
    if (moderation) renderModeration(moderation, rooms);
    await chatModeration.update(client, rooms, moderation);
    ui.refreshed.textContent = `更新于 ${formatTime(Date.now()).slice(6)}`;
  } catch (failure) {
    if (client !== api) return;
    if (failure instanceof ApiFailure && failure.kind === 'unauthorized') {
      showSignIn('口令已失效,请重新登录 (token rejected, sign in again)');
    } else if (failure instanceof ApiFailure && failure.kind === 'network') {
      setServiceDown(true);
    } else {
      ui.roomsError.textContent = `刷新失败 Refresh failed: ${describeFailure(failure)}`;
    }
  } finally {
    refreshing = false;
    ui.roomsLoading.hidden = true;
  }
  if (refreshAgain && client === api) {
    refreshAgain = false;
    await refresh();
  }
}

/** The co-hosting of each live room (a room whose read fails just shows none). */
async function liveCohosts(client: ConsoleApi, rooms: Room[]): Promise<Map<string, Cohosts>> {
  const live = rooms.filter((room) => room.status === 'live' || room.status === 'paused');
  const answers = await Promise.all(live.map((room) => client.cohosts(room.id).catch(() => null)));
  const byRoom = new Map<string, Cohosts>();
  live.forEach((room, i) => {
    const answer = answers[i];
    if (answer) byRoom.set(room.id, answer);
  });
  return byRoom;
}

function renderRooms(rooms: Room[], cohosts: Map<string, Cohosts> = new Map()): void {
  const json = JSON.stringify([rooms, [...cohosts]]);
  if (json === lastRoomsJson) return;
  lastRoomsJson = json;
  ui.roomsEmpty.hidden = rooms.length > 0;
  ui.roomsEmpty.textContent = ui.statusFilter.value
    ? '没有这个状态的房间。No rooms with this status.'
    : '还没有房间。No rooms yet. 在上方创建一个房间,主播扫码即可开播。';
  ui.roomsTable.hidden = rooms.length === 0;
  replaceChildren(ui.roomsBody, ...rooms.map((room) => roomRow(room, cohosts.get(room.id))));
}

let lastModerationJson = '';

/** The moderation log, newest first: when, which room, what, by whom, to whom. */
function renderModeration(actions: ModerationAction[], rooms: Room[]): void {
  const json = JSON.stringify(actions);
  if (json === lastModerationJson) return;
  lastModerationJson = json;
  ui.moderationEmpty.hidden = actions.length > 0;
  ui.moderationTable.hidden = actions.length === 0;
  const titles = new Map(rooms.map((room) => [room.id, room.title]));
  replaceChildren(
    ui.moderationBody,
    ...actions.map((a) =>
      h(
        'tr',
        { 'data-action-id': a.id, 'data-action': a.action },
        timeCell(a.at),
        h('td', {}, titles.get(a.roomId) ?? a.roomId),
        h('td', {}, MODERATION_LABELS[a.action] ?? a.action),
        h('td', {}, actorLabel(a)),
        h('td', {}, a.targetId === null ? '—' : (a.targetNickname ?? a.targetId)),
        h('td', { class: 'detail' }, moderationDetail(a)),
      ),
    ),
  );
}

function timeCell(value: Room['startedAt']): HTMLTableCellElement {
  const iso = isoTime(value);
  return h('td', { class: 'time' }, iso ? h('time', { datetime: iso }, formatTime(value)) : '—');
}

/** The co-hosts (each with 结束连麦) and the pending requests of a live room; a dash otherwise. */
function cohostCell(room: Room, cohosts: Cohosts | undefined): HTMLTableCellElement {
  if (!cohosts || (cohosts.cohosts.length === 0 && cohosts.requests.length === 0)) {
    return h('td', { class: 'cohosts muted' }, '—');
  }
  return h(
    'td',
    { class: 'cohosts' },
    ...cohosts.cohosts.map((cohost) =>
      h(
        'div',
        { class: 'cohost', 'data-cohost-id': cohost.userId },
        h('span', {}, cohost.nickname),
        h(
          'button',
          {
            type: 'button',
            class: 'button small danger',
            'aria-label': `结束「${cohost.nickname}」的连麦 End co-hosting`,
            onclick: () => void endCohost(room, cohost),
          },
          '结束连麦',
        ),
      ),
    ),
    ...cohosts.requests.map((request) =>
      h(
        'div',
        { class: 'cohost-request muted', 'data-request-id': request.userId },
        `申请中 ${request.nickname}`,
      ),
    ),
  );
}

async function endCohost(room: Room, cohost: Cohosts['cohosts'][number]): Promise<void> {
  const client = api;
  if (!client) return;
  if (!window.confirm(`确定结束「${cohost.nickname}」在「${room.title}」的连麦吗?\nEnd this co-host?`))
    return;
  ui.roomsError.textContent = '';
  try {
    await client.endCohost(room.id, cohost.userId);
    await refresh();
  } catch (failure) {
    ui.roomsError.textContent = `结束连麦失败 Could not end co-hosting: ${describeFailure(failure)}`;
  }
}

function roomRow(room: Room, cohosts?: Cohosts): HTMLTableRowElement {
  const open = room.status !== 'ended';
  return h(
    'tr',
    { 'data-room-id': room.id, 'data-status': room.status },
    h('td', {}, h('span', { class: 'room-title' }, room.title), h('span', { class: 'room-id' }, room.id)),
    plannedCell(room),
    h('td', {}, h('span', { class: `status status-${room.status}` }, STATUS_LABELS[room.status])),
    h('td', {}, room.anchor ? room.anchor.nickname : h('span', { class: 'muted' }, '待认领 Unclaimed')),
    h('td', { class: 'number' }, formatViewers(room.stats)),
    h('td', { class: 'number' }, room.stats.likes),
    h('td', { class: 'number' }, room.stats.messages),
    cohostCell(room, cohosts),
    timeCell(room.startedAt),
    timeCell(room.endedAt),
    h(
      'td',
      { class: 'actions' },
      open &&
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'aria-label': `显示「${room.title}」的二维码 Show QR`,
            onclick: () => qrPanel.show(api, room),
          },
          '二维码 QR',
        ),
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          'aria-label': `「${room.title}」的回放与 OBS Replays and OBS`,
          onclick: () => replaysPanel.show(api, room),
        },
        '回放/OBS',
      ),
      open &&
        h(
          'button',
          {
            type: 'button',
            class: 'button small danger',
            'aria-label': `结束「${room.title}」 End room`,
            onclick: () => void endRoom(room),
          },
          '结束 End',
        ),
    ),
  );
}

async function createRoom(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const client = api;
  if (!client) return;
  const title = ui.titleInput.value.trim();
  if (!title) {
    ui.createError.textContent = '请输入房间标题 Please enter a title';
    ui.titleInput.focus();
    return;
  }
  ui.createButton.disabled = true;
  ui.createError.textContent = '';
  try {
    const created: CreatedRoom = await client.createRoom(title);
    ui.createForm.reset();
    qrPanel.show(api, created.room, created.invite);
    void refresh();
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.kind === 'unauthorized')
      showSignIn(describeFailure(failure));
    else ui.createError.textContent = `创建失败 Could not create: ${describeFailure(failure)}`;
  } finally {
    ui.createButton.disabled = false;
  }
}

async function endRoom(room: Room): Promise<void> {
  const client = api;
  if (!client) return;
  if (!window.confirm(`确定结束房间「${room.title}」吗?观众将看到结束画面。\nEnd this room for everyone?`))
    return;
  ui.roomsError.textContent = '';
  try {
    await client.endRoom(room.id);
    await refresh();
  } catch (failure) {
    ui.roomsError.textContent = `结束失败 Could not end: ${describeFailure(failure)}`;
  }
}

// role: operator (the gift catalogue); mounted first, so it lands after the planned rooms' card.
const reloadGifts = mountGiftCatalogue(ui.createForm.closest('section') ?? ui.createForm, { api: () => api });
mountPlannedRooms(ui.createForm.closest('section') ?? ui.createForm, {
  api: () => api,
  created: (room, invite) => (qrPanel.show(api, room, invite), void refresh()),
});
ui.signInForm.addEventListener('submit', (event) => void signIn(event));
ui.createForm.addEventListener('submit', (event) => void createRoom(event));
ui.signOut.addEventListener('click', () => (endSession(api), showSignIn()));
ui.refreshButton.addEventListener('click', () => void refresh());
ui.statusFilter.addEventListener('change', () => {
  lastRoomsJson = '';
  void refresh();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh();
});

installViewerChart(() => api);
mountReports(byId('reports-card'), () => api);
// role: admin (operator accounts)
const reloadAccounts = mountAccounts(byId('reports-card'), () => api);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) showConsole(saved);
else showSignIn();
