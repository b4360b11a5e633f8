/**
 * The live service client, on any platform: typed routes over a small HTTP transport (wx.request on WeChat,
 * my.request on Alipay). Every call resolves with the typed body or rejects with an ApiError carrying the service's
 * {error: {code, message}} (or NETWORK when the service cannot be reached). No platform global is touched here.
 */

import type { ProblemReportBody } from '@zego-live/contract/operators';
import type {
  CreateRoomBody,
  AnnouncementView,
  GiftCatalogueView,
  GiftSentView,
  LeaderboardView,
  PointsView,
  ReplayAnswer,
  ReplayListAnswer,
  RoomAdminsView,
  RoomCatchUpView,
  RoomAnswer,
  RoomListAnswer,
  RoomViewersAnswer,
  TokenBody,
  UserAnswer,
} from '@zego-live/contract/schemas';
import type {
  RoomStatus,
  TokenRole,
  ApiCohosts,
  ApiCohostChange,
  ApiChatState,
  ApiChatMessage,
  ApiSession,
  ApiConfig,
  ApiInvitation,
  ApiCallRecordPage,
  ApiRoomToken,
  ApiStats,
  ApiReminder,
  ApiRoomStats,
  ApiRtmpAddress,
} from './api-types';

export type * from './api-types';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** What the platform said (WeChat's errMsg of a failed request), for logs only. */
    readonly detail = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'DELETE';

/** What a platform's request API answers (a network failure rejects with {errMsg}). */
export interface HttpAnswer<D = unknown> {
  statusCode: number;
  data: D;
}

/** The platform's HTTP: JSON requests and one multipart upload. */
export interface HttpTransport {
  request(options: {
    url: string;
    method: Method;
    data?: object;
    header: Record<string, string>;
  }): Promise<HttpAnswer>;
  upload(
    url: string,
    filePath: string,
    name: string,
    header: Record<string, string>,
  ): Promise<HttpAnswer<string>>;
}

let sessionToken: string | null = null;

/** The session token in use (the event channel sends it in its first message), or null when signed out. */
export const getSessionToken = (): string | null => sessionToken;

/** Sets the session token sent as a Bearer on every call (null signs out). */
export function setSessionToken(token: string | null): void {
  sessionToken = token;
}

function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(error.code, error.message, status);
  }
  return new ApiError('HTTP_' + status, `服务返回了错误（HTTP ${status}）`, status);
}

function networkError(err: unknown): ApiError {
  // WeChat's errMsg ("request:fail timeout") is English for developers: the screen gets the Chinese only.
  const errMsg = (err as { errMsg?: string } | null)?.errMsg ?? String(err);
  return new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0, errMsg);
}

function authHeader(): Record<string, string> {
  return sessionToken ? { Authorization: `Bearer ${sessionToken}` } : {};
}

/** Typed JSON requests and uploads to the live service over a transport, at `baseUrl`. */
export function createRequester(transport: HttpTransport, baseUrl: string) {
  /** One typed request to the live service. */
  async function request<T>(method: Method, path: string, body?: object): Promise<T> {
    let res: HttpAnswer;
    try {
      res = await transport.request({
        url: baseUrl + path,
        method,
        data: body,
        header: { 'content-type': 'application/json', ...authHeader() },
      });
    } catch (err) {
      throw networkError(err);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res.data as T;
    throw errorFrom(res.statusCode, res.data);
  }

  /** Uploads a local file (e.g. chooseAvatar's temp path) as multipart field `name`; the answer is JSON text. */
  async function upload<T>(path: string, filePath: string, name: string): Promise<T> {
    let res: HttpAnswer<string>;
    try {
      res = await transport.upload(baseUrl + path, filePath, name, authHeader());
    } catch (err) {
      throw networkError(err);
    }
    let body: unknown = null;
    try {
      body = JSON.parse(res.data);
    } catch {
      // Not JSON (a proxy's error page): the status alone tells what happened.
    }
    if (res.statusCode >= 200 && res.statusCode < 300 && body !== null) return body as T;
    throw errorFrom(res.statusCode, body);
  }

  return { request, upload };
}

/** A requester's functions. */
export type Requester = ReturnType<typeof createRequester>;

const roomPath = (roomID: string): string => `/api/rooms/${encodeURIComponent(roomID)}`;

/** The live service's routes over a transport, at `baseUrl`. */
export function createApi(transport: HttpTransport, baseUrl: string) {
  const { request, upload } = createRequester(transport, baseUrl);
  return {
    /** Engine settings: ZEGO app ID and server URLs. */
    config: () => request<ApiConfig>('GET', '/api/config'),
    /** Signs in with a wx.login code. */
    signInWithWechat: (code: string, nickname?: string, avatarUrl?: string) =>
      request<ApiSession>('POST', '/api/auth/wechat', { code, nickname, avatarUrl }),
    /** Signs in with a nickname (development mode of the service only). */
    signInForDevelopment: (nickname: string) => request<ApiSession>('POST', '/api/auth/dev', { nickname }),
    /** Uploads the signed-in user's avatar (a local file path from chooseAvatar); answers the updated user. */
    uploadAvatar: (filePath: string) => upload<UserAnswer>('/api/me/avatar', filePath, 'file'),
    /** Creates a room owned by the signed-in user (planned to start at plannedStartAt, epoch ms, when given). */
    createRoom: (title: string, plannedStartAt?: number) =>
      request<RoomAnswer>('POST', '/api/rooms', {
        title,
        ...(plannedStartAt === undefined ? {} : { plannedStartAt }),
      } satisfies CreateRoomBody),
    /** Uploads a room's cover (a local image path from chooseMedia) before it goes live; answers the room. */
    uploadCover: (roomID: string, filePath: string) =>
      upload<RoomAnswer>(`${roomPath(roomID)}/cover`, filePath, 'file'),
    /** The lobby: rooms live now, then upcoming ones soonest first. */
    listLobby: (cursor?: string) =>
      request<RoomListAnswer>(
        'GET',
        `/api/rooms?scope=lobby${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ),
    /** Subscribes to the room's start (after wx.requestSubscribeMessage answered accept). */
    subscribeReminder: (roomID: string) => request<ApiReminder>('POST', `${roomPath(roomID)}/reminders`),
    /** The caller's start reminder for the room. */
    getReminder: (roomID: string) => request<ApiReminder>('GET', `${roomPath(roomID)}/reminders/me`),
    /** Creates a 1v1 call room; the caller is its first member. */
    createCall: (title: string) =>
      request<RoomAnswer>('POST', '/api/rooms', { title, kind: 'call' } satisfies CreateRoomBody),
    /** Claims an operator-made room with its one-time invite. */
    claimRoom: (roomID: string, invite: string) =>
      request<RoomAnswer>('POST', `/api/rooms/${encodeURIComponent(roomID)}/claim`, { invite }),
    /** Lists rooms, newest first. */
    listRooms: (status?: RoomStatus, cursor?: string) => {
      const query = [status ? `status=${status}` : '', cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
        .filter(Boolean)
        .join('&');
      return request<RoomListAnswer>('GET', `/api/rooms${query ? '?' + query : ''}`);
    },
    /** One room. */
    getRoom: (roomID: string) => request<RoomAnswer>('GET', `/api/rooms/${encodeURIComponent(roomID)}`),
    /** A ZEGO token for this room and role (also used to renew); a viewer's request has no body. */
    getRoomToken: (roomID: string, role: TokenRole) =>
      request<ApiRoomToken>(
        'POST',
        `/api/rooms/${encodeURIComponent(roomID)}/token`,
        role === 'audience' ? undefined : ({ role } satisfies TokenBody),
      ),
    /** The owner marks the room live when publishing starts. */
    markLive: (roomID: string) =>
      request<RoomAnswer>('POST', `/api/rooms/${encodeURIComponent(roomID)}/live`),
    /** The owner ends the room (either member ends a call). */
    endRoom: (roomID: string) => request<RoomAnswer>('POST', `/api/rooms/${encodeURIComponent(roomID)}/end`),
    /** The room's co-hosts and pending requests, as the caller may see them. */
    getCohosts: (roomID: string) => request<ApiCohosts>('GET', `${roomPath(roomID)}/cohosts`),
    /** A viewer asks to co-host (the anchor decides). */
    requestCohost: (roomID: string) =>
      request<ApiCohostChange>('POST', `${roomPath(roomID)}/cohosts/requests`),
    /** The viewer takes the request back. */
    cancelCohostRequest: (roomID: string) =>
      request<ApiCohostChange>('DELETE', `${roomPath(roomID)}/cohosts/requests/me`),
    /** The anchor accepts a viewer's request. */
    acceptCohost: (roomID: string, userID: string) =>
      request<ApiCohostChange>(
        'POST',
        `${roomPath(roomID)}/cohosts/requests/${encodeURIComponent(userID)}/accept`,
      ),
    /** The anchor declines a viewer's request. */
    declineCohost: (roomID: string, userID: string) =>
      request<ApiCohostChange>(
        'POST',
        `${roomPath(roomID)}/cohosts/requests/${encodeURIComponent(userID)}/decline`,
      ),
    /** Ends a co-host's time on screen: the anchor removes one, or a co-host ends its own. */
    endCohost: (roomID: string, userID: string) =>
      request<ApiCohostChange>('DELETE', `${roomPath(roomID)}/cohosts/${encodeURIComponent(userID)}`),
    /** "Still here": a co-host's heartbeat (the anchor's stats report counts as its own). */
    heartbeat: (roomID: string) => request<unknown>('POST', `${roomPath(roomID)}/heartbeat`),
    /** Sends a chat line through the service (content check, limits, moderation); it delivers it to the room. */
    sendMessage: (roomID: string, text: string) =>
      request<{ message: ApiChatMessage }>('POST', `${roomPath(roomID)}/messages`, { text }),
    /** A batch of the viewer's likes, counted by the service (1 to 100). */
    sendLikes: (roomID: string, count: number) =>
      request<{ likes: number }>('POST', `${roomPath(roomID)}/likes`, { count }),
    /** Comments on or off, and the caller's own mute or removal. */
    getChat: (roomID: string) => request<ApiChatState>('GET', `${roomPath(roomID)}/chat`),
    /** What a viewer who just came in reads first: the last lines, the announcement, the admins. */
    getCatchUp: (roomID: string) => request<RoomCatchUpView>('GET', `${roomPath(roomID)}/chat/history`),
    /** The anchor pins the room's announcement ('' takes it down). */
    setAnnouncement: (roomID: string, text: string) =>
      request<{ announcement: AnnouncementView; signalled: boolean }>(
        'POST',
        `${roomPath(roomID)}/announcement`,
        { text },
      ),
    /** The gift catalogue (active gifts, cheapest first). */
    getGifts: () => request<GiftCatalogueView>('GET', '/api/gifts'),
    /** The signed-in user's points (today's free allowance granted when due). */
    getPoints: () => request<PointsView>('GET', '/api/me/points'),
    /** Sends `count` of a gift; the same key again is the same send (a retry is never paid twice). */
    sendGift: (roomID: string, giftId: number, count: number, idempotencyKey: string) =>
      request<GiftSentView>('POST', `${roomPath(roomID)}/gifts`, { giftId, count, idempotencyKey }),
    /** The room's 贡献榜 and the anchor's total. */
    getLeaderboard: (roomID: string) =>
      request<LeaderboardView>('GET', `${roomPath(roomID)}/gifts/leaderboard`),
    /** The anchor makes a viewer an admin (房管) of the room. */
    appointAdmin: (roomID: string, userID: string) =>
      request<RoomAdminsView>('POST', `${roomPath(roomID)}/admins`, { userId: userID }),
    /** The anchor takes a viewer's admin role away. */
    dismissAdmin: (roomID: string, userID: string) =>
      request<RoomAdminsView>('DELETE', `${roomPath(roomID)}/admins/${encodeURIComponent(userID)}`),
    /** The anchor turns the viewers' comments off or on. */
    setCommentsOff: (roomID: string, off: boolean) =>
      request<{ chat: ApiChatState; signalled: boolean }>('POST', `${roomPath(roomID)}/chat/comments`, {
        off,
      }),
    /** The anchor mutes a viewer for `seconds` (60 to 86400). */
    muteViewer: (roomID: string, userID: string, seconds: number) =>
      request<{ userId: string; until: number; signalled: boolean }>(
        'POST',
        `${roomPath(roomID)}/chat/mutes`,
        {
          userId: userID,
          seconds,
        },
      ),
    /** The anchor removes a viewer from the room (kicked, and refused a token for it from then on). */
    removeViewer: (roomID: string, userID: string) =>
      request<{ userId: string; kicked: boolean }>('POST', `${roomPath(roomID)}/removals`, {
        userId: userID,
      }),
    /** The room's figures as the service keeps them (the end screens read them once). */
    getStats: (roomID: string) => request<{ stats: ApiRoomStats }>('GET', `${roomPath(roomID)}/stats`),
    /** The anchor's viewer list: the newest joins first, at most `limit`. */
    getViewers: (roomID: string) => request<RoomViewersAnswer>('GET', `${roomPath(roomID)}/viewers`),
    /** Finished rooms with a replay, newest first (the room list's 「看回放」). */
    listReplays: () => request<ReplayListAnswer>('GET', '/api/replays'),
    /** A finished room's replay; 404 REPLAY_NOT_FOUND when there is none to play. */
    getReplay: (roomID: string) => request<ReplayAnswer>('GET', `${roomPath(roomID)}/replay`),
    /** One more opening of the replay (its own viewer count); answers the count. */
    countReplayView: (roomID: string) =>
      request<{ views: number }>('POST', `${roomPath(roomID)}/replay/views`),
    /** The room's OBS push address and stream key (anchor only); renew: a new key, the old one stops working. */
    getRtmpAddress: (roomID: string, renew = false) =>
      request<ApiRtmpAddress>('POST', `${roomPath(roomID)}/rtmp${renew ? '/renew' : ''}`),
    /** Calls a person (someone in my records, or the sharer of the card I opened): ringing, or busy at once. */
    callPerson: (calleeId: string, media: 'video' | 'audio', card?: string) =>
      request<{ invitation: ApiInvitation }>('POST', '/api/calls', {
        calleeId,
        media,
        ...(card === undefined ? {} : { card }),
      }),
    /** The callee accepts or declines, the caller cancels. */
    answerCall: (id: string, move: 'accept' | 'decline' | 'cancel') =>
      request<{ invitation: ApiInvitation }>('POST', `/api/calls/${encodeURIComponent(id)}/${move}`),
    /** Switches the answered call (to audio): the other side follows. */
    switchCallMedia: (id: string, media: 'video' | 'audio') =>
      request<{ ok: boolean }>('POST', `/api/calls/${encodeURIComponent(id)}/media`, { media }),
    /** My calls, newest first, and the count of missed calls I have not seen. */
    listCalls: (cursor?: string) =>
      request<ApiCallRecordPage>('GET', `/api/calls${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
    /** The records page was seen: the missed-call badge goes. */
    markCallsSeen: () => request<{ unseenMissed: number }>('POST', '/api/calls/seen'),
    /** A 「和我视频通话」 card's code: whoever opens the card may call me. */
    newCallCard: () => request<{ card: string }>('POST', '/api/calls/cards'),
    /** 遇到问题？: a user's report with the device's info and the app's last log lines (already free of secrets). */
    sendProblemReport: (report: ProblemReportBody) => request<{ id: number }>('POST', '/api/reports', report),
    /** The owner reports audience numbers for the console. */
    reportStats: (roomID: string, stats: ApiStats) =>
      request<RoomAnswer>('POST', `/api/rooms/${encodeURIComponent(roomID)}/stats`, stats),
  };
}

/** The api object's type, for injection in stores and tests. */
export type Api = ReturnType<typeof createApi>;
