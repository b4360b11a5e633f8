/** The console's only door to the service: typed calls, errors as values the page can show. */

import type {
  CohostsView,
  CreatedRoomAnswer,
  RoomListAnswer,
  RoomView,
  ModerationView,
  RecentChatView,
  RoomStatsView,
  RtmpAddressView,
  GiftBody,
  GiftView,
  LeaderboardView,
} from '@zego-live/contract/schemas';
import type {
  ActorView,
  OperatorListed,
  OperatorRole,
  OperatorSession,
  ProblemReportView,
  WallAnswer,
} from '@zego-live/contract/operators';

/** Who the console is signed in as (name, role; CONSOLE_TOKEN while it bootstraps the first admin). */
export type OperatorActor = ActorView;

/** An operator account as an admin manages it (lockedUntil: null unless sign-ins are locked now). */
export type OperatorAccount = OperatorListed;
export type { OperatorRole };

/** One gift of the catalogue (the contract's GiftView). */
export type Gift = GiftView;
export type { GiftBody };

/** A room as GET /api/rooms returns it (the contract's RoomView; times are epoch milliseconds). */
export type Room = RoomView;

/** GET /api/rooms/:id/stats as the operator sees it (the series only comes with the console token). */
export type RoomStats = RoomStatsView;

/** A live room's co-hosting (连麦) as GET /api/rooms/:id/cohosts shows it to the operator. */
export type Cohosts = CohostsView;

/** One moderation action as GET /api/moderation lists it (who, whom, when, what). */
export type ModerationAction = ModerationView;

/** What POST /api/rooms answers to the operator. */
export type CreatedRoom = CreatedRoomAnswer;

/** Where viewers go: the web link (when LINK_BASE_URL is set) and the mini-program path. */
export interface ShareLinks {
  audienceLink: string | null;
  audiencePath: string;
}

/** Why a call failed: bad token, no service, or any other answer the service gave. */
export type FailureKind = 'unauthorized' | 'network' | 'http';

/** A failed call, with the service's message when it sent one. */
export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number,
    message: string,
    /** The service's error code (`{error: {code}}`), when it sent one. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Reads `{error: {message}}` from a failed response, or falls back to the status line. */
async function failureFrom(response: Response): Promise<ApiFailure> {
  let message = `HTTP ${response.status}`;
  let code: string | null = null;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    code = body.error?.code ?? null;
  } catch {
    // not JSON: keep the status line
  }
  const kind: FailureKind = response.status === 401 || response.status === 403 ? 'unauthorized' : 'http';
  return new ApiFailure(kind, response.status, message, code);
}

/** Calls the service with the operator's CONSOLE_TOKEN as a bearer token. */
export class ConsoleApi {
  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { ...init, headers, cache: 'no-store' });
    } catch {
      throw new ApiFailure('network', 0, '无法连接服务 (service unreachable)');
    }
    if (!response.ok) throw await failureFrom(response);
    return response;
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  /** Checks the session (or CONSOLE_TOKEN) and answers who it is: name and role. */
  async verify(): Promise<OperatorActor> {
    return (await this.json<{ operator: OperatorActor }>('/api/operators/me')).operator;
  }

  /** Ends this session on the service (every instance); CONSOLE_TOKEN has none to end. */
  async signOut(): Promise<void> {
    await this.request('/api/operators/sign-out', { method: 'POST' });
  }

  /** Signs an operator account in: the session token to call the service with. */
  static async signIn(name: string, password: string, base = ''): Promise<string> {
    const anonymous = new ConsoleApi('', base);
    const session = await anonymous.json<OperatorSession>('/api/operators/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
    return session.sessionToken;
  }

  /** Every room (following cursors, at most `maxPages` pages), newest first. */
  async listRooms(status = '', maxPages = 10): Promise<Room[]> {
    const rooms: Room[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page += 1) {
      const query = new URLSearchParams({ limit: '50' });
      if (status) query.set('status', status);
      if (cursor) query.set('cursor', cursor);
      const result: RoomListAnswer = await this.json(`/api/rooms?${query}`);
      rooms.push(...result.rooms);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return rooms;
  }

  /** Creates an unowned room with a one-time anchor invite. */
  createRoom(title: string): Promise<CreatedRoom> {
    return this.json('/api/rooms', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
  }

  /** Ends a room for everyone in it. */
  endRoom(id: string, reason?: string): Promise<{ room: Room }> {
    const body = reason
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason }) }
      : {};
    return this.json(`/api/rooms/${encodeURIComponent(id)}/end`, { method: 'POST', ...body });
  }

  /** Users' problem reports, newest first, of a room and/or a user (no log lines). */
  reports(filter: { roomId?: string; userId?: string }): Promise<{ reports: ProblemReportView[] }> {
    const query = new URLSearchParams({ limit: '50' });
    if (filter.roomId) query.set('roomId', filter.roomId);
    if (filter.userId) query.set('userId', filter.userId);
    return this.json(`/api/reports?${query}`);
  }

  /** One problem report with its log lines. */
  report(id: number): Promise<{ report: ProblemReportView }> {
    return this.json(`/api/reports/${id}`);
  }

  /** Every live and paused room with its figures (the monitoring wall). */
  wall(): Promise<WallAnswer> {
    return this.json('/api/wall');
  }

  /** Warns the room's anchor (「运营提醒：…」 on its screen); signalled false when ZEGO could not deliver it. */
  warn(id: string, text: string): Promise<{ signalled: boolean }> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/warnings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  }

  /** The newest moderation actions of every room (comments off/on, mutes, removals, held messages). */
  async moderation(): Promise<ModerationAction[]> {
    const answer: { actions: ModerationAction[] } = await this.json('/api/moderation?limit=50');
    return answer.actions;
  }

  /** A live room's current co-hosts and pending requests (all of them, with the console token). */
  cohosts(id: string): Promise<Cohosts> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/cohosts`);
  }

  /** Ends one co-host's co-hosting (its stream is stopped when ZEGO's server API is configured). */
  endCohost(id: string, userId: string): Promise<unknown> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/cohosts/${encodeURIComponent(userId)}`, {
      method: 'DELETE',
    });
  }

  /** The anchor's QR image (operator-only, so it is fetched with the token, not put in an img src). */
  async anchorQrCode(id: string): Promise<Blob> {
    return (await this.request(`/api/rooms/${encodeURIComponent(id)}/anchor-qrcode`)).blob();
  }

  /** Creates an unowned room planned to start at plannedStartAt (epoch ms), with its one-time anchor invite. */
  createPlannedRoom(title: string, plannedStartAt: number): Promise<CreatedRoom> {
    return this.json('/api/rooms', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, plannedStartAt }),
    });
  }

  /** Uploads a room's cover image (multipart field `file`) before it goes live. */
  uploadCover(id: string, file: Blob, name: string): Promise<{ room: Room }> {
    const body = new FormData();
    body.append('file', file, name);
    return this.json(`/api/rooms/${encodeURIComponent(id)}/cover`, { method: 'POST', body });
  }

  /** A room's figures as the service keeps them; with the console token, its per-minute viewer series too. */
  roomStats(id: string): Promise<{ stats: RoomStats }> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/stats`);
  }

  /** The room's 贡献榜 and the points its anchor received in it. */
  leaderboard(id: string): Promise<LeaderboardView> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/gifts/leaderboard`);
  }

  /** The audience's links for a room. */
  shareLinks(id: string): Promise<ShareLinks> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/share`);
  }

  // --- chat moderation (console-mod) ---

  /** A room's chat as a moderator sees it: comments on/off, the newest lines with senders, running mutes. */
  recentChat(id: string): Promise<RecentChat> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/chat/recent?limit=20`);
  }

  /** Turns the viewers' comments off or on. */
  setCommentsOff(id: string, off: boolean): Promise<unknown> {
    return this.send('POST', `/api/rooms/${encodeURIComponent(id)}/chat/comments`, { off });
  }

  /** Mutes a viewer for `seconds`; answers when the mute ends. */
  mute(id: string, userId: string, seconds: number): Promise<{ userId: string; until: number }> {
    return this.send('POST', `/api/rooms/${encodeURIComponent(id)}/chat/mutes`, { userId, seconds });
  }

  /** Ends a viewer's mute early. */
  unmute(id: string, userId: string): Promise<unknown> {
    const path = `/api/rooms/${encodeURIComponent(id)}/chat/mutes/${encodeURIComponent(userId)}`;
    return this.json(path, { method: 'DELETE' });
  }

  /** Removes a viewer from the room (kicked, and refused chat and tokens for it from now on). */
  removeViewer(id: string, userId: string): Promise<{ userId: string; kicked: boolean }> {
    return this.send('POST', `/api/rooms/${encodeURIComponent(id)}/removals`, { userId });
  }

  // --- replays and OBS (issue 29) ---

  /** A room's cloud recordings, hidden ones too (status, length, size, when, ZEGO's code when one failed). */
  async recordings(id: string): Promise<Recording[]> {
    const answer: { recordings: Recording[] } = await this.json(
      `/api/rooms/${encodeURIComponent(id)}/recordings`,
    );
    return answer.recordings;
  }

  /** Hides a recording from the apps, or shows it again. */
  setRecordingHidden(id: string, hidden: boolean): Promise<{ recording: Recording }> {
    return this.send('POST', `/api/recordings/${encodeURIComponent(id)}/hidden`, { hidden });
  }

  /** Removes a recording from the apps for good (the bucket's file follows the deployment's storage policy). */
  deleteRecording(id: string): Promise<unknown> {
    return this.json(`/api/recordings/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  /** The room's OBS server and stream key; renew: a new key (the old one stops pushing this room). */
  rtmpAddress(id: string, renew: boolean): Promise<RtmpAddressView> {
    return this.json(`/api/rooms/${encodeURIComponent(id)}/rtmp${renew ? '/renew' : ''}`, { method: 'POST' });
  }

  /** The whole gift catalogue, retired gifts too (role: operator). */
  async gifts(): Promise<Gift[]> {
    return (await this.json<{ gifts: Gift[] }>('/api/console/gifts')).gifts;
  }

  /** Adds a gift to the catalogue. */
  async createGift(gift: GiftBody): Promise<Gift> {
    return (await this.send<{ gift: Gift }>('POST', '/api/gifts', gift)).gift;
  }

  /** Changes a gift (active false retires it from the apps' catalogue). */
  async updateGift(id: number, change: Partial<GiftBody>): Promise<Gift> {
    return (await this.send<{ gift: Gift }>('PATCH', `/api/gifts/${id}`, change)).gift;
  }

  /** Every operator account (admin). */
  async operators(): Promise<OperatorAccount[]> {
    return (await this.json<{ operators: OperatorAccount[] }>('/api/operators')).operators;
  }

  /** Adds an operator account with its first password (admin). */
  async addOperator(account: { name: string; role: OperatorRole; password: string }): Promise<unknown> {
    return this.send('POST', '/api/operators', account);
  }

  /** Changes an account's role or disables/enables it (admin; disabling ends its sessions). */
  async changeOperator(id: string, change: { role?: OperatorRole; disabled?: boolean }): Promise<unknown> {
    return this.send('PATCH', `/api/operators/${encodeURIComponent(id)}`, change);
  }

  private send<T>(method: string, path: string, body: unknown): Promise<T> {
    return this.json(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

/** GET /api/rooms/:id/chat/recent: comments on or off, the newest lines, the mutes still running. */
export type RecentChat = RecentChatView;

/** One cloud recording as GET /api/rooms/:id/recordings lists it. */
export interface Recording {
  id: string;
  taskId: string | null;
  status: string;
  startedAt: number;
  stoppedAt: number | null;
  durationMs: number;
  sizeBytes: number;
  files: number;
  hidden: boolean;
  views: number;
  errorCode: number | null;
  error: string | null;
}

/** The public audience QR image URL (any img can load it). */
export function audienceQrCodeUrl(id: string): string {
  return `/api/rooms/${encodeURIComponent(id)}/audience-qrcode`;
}
