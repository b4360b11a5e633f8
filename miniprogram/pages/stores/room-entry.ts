/**
 * Room entry: which room and role, the phone check (checkSystemRequirements, DevTools), the camera/microphone
 * permissions for roles that publish, the token from our service and loginRoom; logging in again after the SDK
 * gave up, and logging out. Owns the room's identity and connection state.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import { ApiError, type ApiRoomToken, type TokenRole } from '../../services/api-client';
import type { MediaScope } from '../../services/platform-types';
import type { RtcEngine, RtcEvents } from '../../services/rtc-types';
import {
  describeError,
  describeServiceError,
  isKickout,
  type ServiceRefinements,
} from '../../utils/error-catalog';
import { validateRoomID, validateStreamID } from '../../utils/validate';
import { codeOf, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { Role, RoomState, SessionError } from '../../stores/session-types';

/** What start() takes. */
export interface StartOptions {
  roomID: string;
  role: Role;
  title?: string;
}

const SCOPES: readonly MediaScope[] = ['scope.camera', 'scope.record'];

/** A refused camera or microphone, in the words of what it is for (a call, else going live), with the way out. */
export function permissionError(scope: MediaScope, role: Role | null): SessionError {
  const camera = scope === 'scope.camera';
  return {
    code: camera ? 'permission.CAMERA' : 'permission.RECORD',
    message: `${role === 'call' ? '视频通话' : '直播'}需要使用${camera ? '摄像头' : '麦克风'}，请在设置中允许`,
    action: 'openSetting',
  };
}

const ENGINE_ERROR: SessionError = {
  code: 'ENGINE',
  message: '直播组件加载失败，请检查网络后重试',
  action: 'retry',
};

const DEVTOOLS_ERROR: SessionError = {
  code: 'DEVTOOLS',
  message: '开发者工具的模拟器不能推流或播放直播，请用手机扫码预览或真机调试',
  action: 'leave',
};

/** What some service codes mean while entering a room; every other code reads as the error catalog's row. */
const ENTRY_TEXT: ServiceRefinements = {
  FORBIDDEN: { message: '只有这个房间的主播可以开播', action: 'leave' },
  NOT_FOUND: { message: '房间不存在，可能已被删除', action: 'leave' },
};

/** A service error as the screen shows it (the catalog's Chinese; the service's English message is never shown). */
export function apiFailure(error: unknown): SessionError {
  const shown = describeServiceError(error, { refine: ENTRY_TEXT });
  if (shown.action !== 'none') return shown;
  // A visit that failed to enter always offers a way on: try again when that can help, else leave.
  const status = error instanceof ApiError ? error.status : -1;
  const retryable = status === 0 || status === 429 || status >= 500;
  return { ...shown, action: retryable ? 'retry' : 'leave' };
}

/** A token asked for early is used only while it has at least this long left (else join asks again). */
const EARLY_TOKEN_MARGIN_MS = 60_000;

/** A token asked for before start() (while the page looks the room up), for one room and role. */
interface EarlyToken {
  roomID: string;
  role: Role;
  token: Promise<ApiRoomToken>;
}

/** Roles that publish their own stream (and so need the camera and microphone). */
export const publishes = (role: Role | null): boolean => role === 'anchor' || role === 'call';

/** What room entry asks of the session around it. */
export interface RoomEntryHost {
  /** Ends the visit in 'failed' with this reason. */
  fail(error: SessionError): void;
  /** Ends the visit in 'kicked'. */
  kick(code: number): void;
  /** Installs the SDK handler and the platform listeners (once per visit). */
  listen(engine: RtcEngine): void;
  /** Logged in: the own stream ID (roles that publish), then the session moves on. */
  joined(streamID: string): void;
  /** The room's connection came back (CONNECTED) or went (CONNECTING / DISCONNECTED after CONNECTED). */
  connectionChanged(state: RoomState): void;
  /** The role a fresh token is for now (a viewer on stage logs in again as 'cohost'). */
  tokenRole(): TokenRole | null;
}

/** Room entry and the room's connection. */
export class RoomEntry {
  roomID = '';
  role: Role | null = null;
  roomTitle = '';
  roomState: RoomState = 'DISCONNECTED';
  /** Our user ID in the room (from the token). */
  userID = '';
  /** The last start(), for retry. */
  lastStart: StartOptions | null = null;
  private loggedIn = false;
  private wasConnected = false;
  /** What prepare() asked for ahead of the visit; join() takes it once. */
  private early: EarlyToken | null = null;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: RoomEntryHost,
  ) {
    makeAutoObservable<RoomEntry, 'ctx' | 'status' | 'host' | 'loggedIn' | 'wasConnected' | 'early'>(
      this,
      {
        ctx: false,
        status: false,
        host: false,
        lastStart: false,
        loggedIn: false,
        wasConnected: false,
        early: false,
      },
      { autoBind: true },
    );
  }

  /** Logged into the room right now. */
  get inRoom(): boolean {
    return this.loggedIn;
  }

  /**
   * Before the visit starts (the page is still looking the room up): the engine starts loading (config and the
   * SDK's module) and, when `withToken`, the room's token is asked for, so neither waits for the room lookup. Both
   * are best effort: start() and join() load or ask again whatever failed. Signed-out users get nothing.
   */
  prepare(roomID: string, role: Role, withToken: boolean): void {
    const { ctx } = this;
    if (!ctx.deps.currentUser() || validateRoomID(roomID)) return;
    ctx.loadEngine().catch(() => undefined);
    if (!withToken) return;
    const token = ctx.deps.api.getRoomToken(roomID, role);
    token.catch(() => undefined); // join() asks again
    this.early = { roomID, role, token };
  }

  /** Drops a token asked for early (the page went before the visit started). */
  forgetEarlyToken(): void {
    this.early = null;
  }

  /** The token for this room and role: the one asked for early when it is fresh, else a new request. */
  private tokenFor(roomID: string, role: Role): Promise<ApiRoomToken> {
    const early = this.early;
    this.early = null;
    const ask = () => this.ctx.deps.api.getRoomToken(roomID, role);
    if (!early || early.roomID !== roomID || early.role !== role) return ask();
    return early.token.then(
      (token) => (token.expiresAt - Date.now() > EARLY_TOKEN_MARGIN_MS ? token : ask()),
      () => ask(),
    );
  }

  /** Checks the phone, asks for permissions (roles that publish), joins. */
  async start(options: StartOptions): Promise<void> {
    const { ctx } = this;
    const epoch = ctx.epoch;
    this.lastStart = { ...options };
    this.roomID = options.roomID;
    this.role = options.role;
    this.roomTitle = options.title ?? '';
    ctx.machine.send('start');
    const invalid = validateRoomID(options.roomID);
    if (invalid) {
      this.host.fail({ code: `roomID.${invalid.code}`, message: invalid.message, action: 'leave' });
      return;
    }
    if (ctx.deps.platform().getDeviceInfo().platform === 'devtools') {
      this.host.fail(DEVTOOLS_ERROR);
      return;
    }
    let engine: RtcEngine;
    try {
      engine = await ctx.loadEngine();
    } catch {
      if (!ctx.isStale(epoch)) this.host.fail(ENGINE_ERROR);
      return;
    }
    if (ctx.isStale(epoch)) return;
    let checkCode: number;
    try {
      checkCode = (await engine.checkSystemRequirements()).code;
    } catch (error) {
      checkCode = codeOf(error);
    }
    if (ctx.isStale(epoch)) return;
    // 10002 means camera/record are not granted: only publishing roles need them, and asking is how to get them.
    if (checkCode !== 0 && checkCode !== 10002) {
      this.host.fail(describeError(checkCode));
      return;
    }
    if (publishes(options.role)) {
      runInAction(() => ctx.machine.send('authorize'));
      const granted = await this.authorizeMedia(epoch);
      if (!granted) return;
    }
    await this.join(options.roomID, options.role);
  }

  /** Asks for the camera, then the microphone; a refusal shows the settings path and stays in 'authorizing'. */
  async authorizeMedia(epoch: number): Promise<boolean> {
    const { ctx } = this;
    const platform = ctx.deps.platform();
    for (const scope of SCOPES) {
      try {
        await platform.authorize(scope);
      } catch {
        if (!ctx.isStale(epoch)) this.status.setError(permissionError(scope, this.role));
        return false;
      }
      if (ctx.isStale(epoch)) return false;
    }
    this.status.setError(null);
    return true;
  }

  /** After the settings page: ask again and carry on joining. */
  async resumeAuthorizing(): Promise<void> {
    const epoch = this.ctx.epoch;
    const granted = await this.authorizeMedia(epoch);
    if (granted && !this.ctx.isStale(epoch) && this.role) await this.join(this.roomID, this.role);
  }

  /** Fetches a token and logs into the room. */
  async join(roomID: string, role: Role): Promise<void> {
    const { ctx } = this;
    const epoch = ctx.epoch;
    if (!this.lastStart || this.lastStart.roomID !== roomID || this.lastStart.role !== role) {
      this.lastStart = { roomID, role, title: this.roomTitle };
    }
    this.roomID = roomID;
    this.role = role;
    const user = ctx.deps.currentUser();
    if (!user) {
      this.host.fail({ code: 'NOT_SIGNED_IN', message: '请先登录再进入直播间', action: 'leave' });
      return;
    }
    ctx.machine.send('join');
    this.status.setError(null);
    let engine: RtcEngine;
    let token: ApiRoomToken;
    try {
      // the engine loads while the token is in flight
      [engine, token] = await Promise.all([ctx.loadEngine(), this.tokenFor(roomID, role)]);
    } catch (error) {
      if (ctx.isStale(epoch)) return;
      this.host.fail(!(error instanceof ApiError) && !ctx.engine ? ENGINE_ERROR : apiFailure(error));
      return;
    }
    if (ctx.isStale(epoch)) return;
    let streamID = '';
    if (publishes(role)) {
      streamID = token.streamID || `${roomID}_${token.userID}`;
      const invalid = validateStreamID(streamID);
      if (invalid) {
        this.host.fail({ code: `streamID.${invalid.code}`, message: invalid.message, action: 'leave' });
        return;
      }
    }
    this.host.listen(engine);
    try {
      await engine.loginRoom(roomID, token.token, { userID: token.userID, userName: user.nickname });
    } catch (error) {
      if (!ctx.isStale(epoch)) this.host.fail(describeError(codeOf(error)));
      return;
    }
    if (ctx.isStale(epoch)) {
      // left while logging in: undo the login the SDK just completed
      engine.logoutRoom(roomID);
      return;
    }
    this.loggedInNow(token.userID);
    this.host.joined(streamID);
    if (!this.roomTitle) void this.loadRoomTitle(epoch);
  }

  private loggedInNow(userID: string): void {
    this.userID = userID;
    this.loggedIn = true;
    this.wasConnected = true;
    this.roomState = 'CONNECTED';
  }

  /** The SDK gave up on the room: log in again with a fresh token. */
  async rejoin(epoch: number): Promise<boolean> {
    const { ctx } = this;
    const engine = ctx.engine;
    const user = ctx.deps.currentUser();
    const role = this.host.tokenRole();
    if (!engine || !user || !role) return false;
    try {
      const token = await ctx.deps.api.getRoomToken(this.roomID, role);
      if (ctx.isStale(epoch)) return false;
      await engine.loginRoom(this.roomID, token.token, { userID: token.userID, userName: user.nickname });
    } catch {
      return false;
    }
    if (ctx.isStale(epoch)) return false;
    this.setRoomState('CONNECTED');
    return true;
  }

  private setRoomState(state: RoomState): void {
    this.roomState = state;
  }

  private async loadRoomTitle(epoch: number): Promise<void> {
    try {
      const { room } = await this.ctx.deps.api.getRoom(this.roomID);
      if (!this.ctx.isStale(epoch) && !this.roomTitle) runInAction(() => (this.roomTitle = room.title));
    } catch {
      // the title is decoration
    }
  }

  /** roomStateUpdate: kick-out, connected again, or a drop after having been connected. */
  onRoomStateUpdate(p: RtcEvents['roomStateUpdate']): void {
    if (p.roomID !== this.roomID) return;
    if (p.state === 'DISCONNECTED' && isKickout(p.errorCode)) {
      this.host.kick(p.errorCode);
      return;
    }
    this.roomState = p.state;
    if (p.state === 'CONNECTED') this.wasConnected = true;
    else if (!this.loggedIn || !this.wasConnected) return;
    this.host.connectionChanged(p.state);
  }

  /** roomStateChanged KICKOUT. */
  onRoomStateChanged(p: RtcEvents['roomStateChanged']): void {
    if (p.roomID === this.roomID && p.reason === 'KICKOUT') this.host.kick(p.errorCode || 1002050);
  }

  /** Logs out (after every stream stopped) and forgets the connection; the room identity stays for the screen. */
  logout(): void {
    const engine = this.ctx.engine;
    if (engine && this.loggedIn) {
      try {
        engine.logoutRoom(this.roomID);
      } catch {
        // logging out of a room the SDK already dropped
      }
    }
    this.loggedIn = false;
    this.wasConnected = false;
    this.roomState = 'DISCONNECTED';
  }

  /** Forgets the room (leave()). */
  reset(): void {
    this.userID = '';
    this.roomID = '';
    this.role = null;
    this.roomTitle = '';
    this.roomState = 'DISCONNECTED';
  }
}
