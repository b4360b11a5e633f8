/**
 * Co-hosting (连麦): a viewer asks, the anchor accepts, and the viewer publishes its own stream beside the anchor's.
 * The service decides everything: this part keeps the service's answer (`GET /cohosts`), acts only on that answer
 * (never on a custom command's content: a command is a "go and look" hint), and says which remote streams the visit
 * plays (the co-hosts the service lists; the mix instead of them for plain viewers when one runs). Owns the request's
 * lapse timer, the co-host's heartbeat and the grace of a co-host tile whose stream went away.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import { ApiError, type ApiCohost, type ApiCohostChange, type ApiCohosts } from '../../services/api-client';
import type { RtcEvents, RtcStream } from '../../services/rtc-types';
import type { RoomCommand } from './room-signals';
import { OwnedTimer, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { Role } from '../../stores/session-types';

/** A co-host sends "still here" this often (the service ends a co-host silent for longer than its timeout). */
export const COHOST_HEARTBEAT_MS = 10_000;
/** A co-host tile whose stream went away stays (as "连接中断") this long before it goes. */
export const COHOST_GRACE_MS = 10_000;
/** After a request's expiry, look again this much later (the service decides it lapsed). */
const LAPSE_SLACK_MS = 500;

/** The custom command's kinds (hints only). */
export type CohostSignal = 'requested' | 'cancelled' | 'accepted' | 'declined' | 'ended';

/** The command content both apps and the service send: `{"t":"cohost","e":<signal>,"u":<user concerned>}`. */
export function cohostCommand(signal: CohostSignal, userID: string): string {
  return JSON.stringify({ t: 'cohost', e: signal, u: userID });
}

/** The signal a command carries, or null when it is not a co-hosting command. */
export function parseCohostCommand(command: string): CohostSignal | null {
  try {
    const parsed = JSON.parse(command) as { t?: unknown; e?: unknown };
    const kinds: readonly unknown[] = ['requested', 'cancelled', 'accepted', 'declined', 'ended'];
    return parsed && parsed.t === 'cohost' && kinds.includes(parsed.e) ? (parsed.e as CohostSignal) : null;
  } catch {
    return null;
  }
}

/** The service's answers as the user reads them (a flash on the screen). */
export const COHOST_TEXT = {
  COHOST_FULL: '连麦人数已满，请稍后再试',
  ROOM_NOT_LIVE: '主播还没开播，暂时不能连麦',
  REQUEST_NOT_FOUND: '这个连麦申请已经失效了',
  COHOST_NOT_FOUND: '对方已经不在连麦中了',
  NOT_COHOST: '主播还没有同意连麦',
  FORBIDDEN: '只有主播可以处理连麦',
  UNAUTHORIZED: '请先登录再申请连麦',
  network: '网络不可用，连麦操作没有完成，请稍后再试',
  failed: '连麦操作没有完成，请稍后再试',
  lapsed: '连麦申请已超时，主播没有回应',
  declined: '主播暂时不方便连麦',
  removed: '主播结束了与你的连麦',
  publishFailed: '连麦没有成功，请重试',
  requested: '已申请连麦，等待主播同意',
} as const;

/** A failed co-hosting call as the flash says it. */
export function cohostFailureText(error: unknown): string {
  if (error instanceof ApiError) {
    const known = (COHOST_TEXT as Record<string, string>)[error.code];
    if (known) return known;
    if (error.status === 0) return COHOST_TEXT.network;
  }
  return COHOST_TEXT.failed;
}

/** An answer shaped like the service's co-hosting (an older service, or a proxy's error page, is not). */
function isCohosts(value: unknown): value is ApiCohosts {
  const v = value as Partial<ApiCohosts> | null | undefined;
  return !!v && Array.isArray(v.cohosts) && Array.isArray(v.requests) && typeof v.limit === 'number';
}

/** The stream IDs co-hosts of a room publish under (`<roomID>_co_<userID>`; the service makes them). */
export const isCohostStream = (roomID: string, streamID: string): boolean =>
  streamID.startsWith(`${roomID}_co_`);

/** One co-host as the anchor's and the viewers' screens show it. */
export interface CohostTile extends ApiCohost {
  /** Its stream went away: shown as "连接中断" for COHOST_GRACE_MS, then gone. */
  lost: boolean;
}

/** What co-hosting asks of the session around it. */
export interface CohostHost {
  roomID(): string;
  userID(): string;
  role(): Role | null;
  inRoom(): boolean;
  /** The viewer watches (phase watching): it may ask. */
  watching(): boolean;
  /** The room's streams now (to find the anchor's user, and which co-host streams are up). */
  streams(): RtcStream[];
  /** Asks for the camera and the microphone; a refusal is on screen with the settings path. */
  authorizeMedia(): Promise<boolean>;
  /** Publishes the own co-host stream (the table moves to cohosting first); false when it did not start. */
  goOnStage(streamID: string): Promise<boolean>;
  /** Stops the own stream (SDK, then component), drops the small preview, back to watching. */
  leaveStage(): void;
  /** The streams to play changed: start what should play, stop what should not. */
  replan(): void;
  /** The main stream went away while on stage: has the room ended? */
  anchorGone(): void;
}

/** The visit's co-hosting. */
export class Cohosting {
  /** The service's last answer (null before the first, and for calls). */
  list: ApiCohosts | null = null;
  /** A request to the service is in flight (the page disables the button). */
  busy = false;
  /** This viewer publishes as a co-host. */
  onStage = false;
  /** Co-host streams that went away, with when; past COHOST_GRACE_MS they are hidden. */
  lost: Record<string, number> = {};
  private hidden: Record<string, true> = {};
  private loading: Promise<void> | null = null;
  private again = false;
  /** The last signal that told us to look (only chooses words: "declined" vs "lapsed"). */
  private hint: CohostSignal | null = null;
  private endingOwn = false;
  /** This phone left the stage (ended, or its publish failed) and does not go back on until the service agrees. */
  private gaveUp = false;
  /** The own request's expiry as last seen (kept when the request leaves the list). */
  private lastExpiry = 0;
  private readonly lapseTimer = new OwnedTimer();
  private readonly heartbeatTimer = new OwnedTimer();
  private readonly graceTimers = new Map<string, OwnedTimer>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: CohostHost,
    subscribe: (listener: (command: RoomCommand) => void) => void,
    private readonly now: () => number = Date.now,
  ) {
    makeAutoObservable<
      Cohosting,
      | 'ctx'
      | 'status'
      | 'host'
      | 'now'
      | 'loading'
      | 'again'
      | 'hint'
      | 'endingOwn'
      | 'gaveUp'
      | 'lastExpiry'
      | 'lapseTimer'
      | 'heartbeatTimer'
      | 'graceTimers'
    >(
      this,
      {
        ctx: false,
        status: false,
        host: false,
        now: false,
        loading: false,
        again: false,
        hint: false,
        endingOwn: false,
        gaveUp: false,
        lastExpiry: false,
        lapseTimer: false,
        heartbeatTimer: false,
        graceTimers: false,
      },
      { autoBind: true },
    );
    subscribe((command) => this.onCommand(command));
  }

  // ---- What the screens read ----

  /** The caller's own state as the service has it. */
  get mine(): ApiCohosts['mine'] {
    return this.list?.mine ?? 'none';
  }

  /** When the own pending request lapses (epoch ms), 0 when there is none. */
  get requestExpiresAt(): number {
    if (this.mine !== 'pending') return 0;
    return this.list?.requests.find((r) => r.userId === this.host.userID())?.expiresAt ?? 0;
  }

  /** Pending requests (the anchor's list). */
  get requests(): ApiCohosts['requests'] {
    return this.host.role() === 'anchor' ? (this.list?.requests ?? []) : [];
  }

  /** The co-hosts on screen (not this phone's own), with lost ones kept for their grace; none while on the mix. */
  get tiles(): CohostTile[] {
    if (!this.list || this.mixToPlay) return [];
    const own = this.host.userID();
    return this.list.cohosts
      .filter((c) => c.userId !== own && !this.hidden[c.streamId])
      .map((c) => ({ ...c, lost: this.lost[c.streamId] !== undefined }));
  }

  /** The room is at its co-host limit. */
  get full(): boolean {
    return !!this.list && this.list.cohosts.length >= this.list.limit;
  }

  /** The mix this visit plays instead of the separate streams: plain viewers only, while the service runs one. */
  get mixToPlay(): string | null {
    if (this.host.role() !== 'audience' || this.onStage) return null;
    return this.list?.mixStreamId ?? null;
  }

  /** Whether this visit plays a stream of the room: co-host streams only when the service lists them. */
  plays(stream: RtcStream): boolean {
    const role = this.host.role();
    if (role === 'call') return true;
    const roomID = this.host.roomID();
    const listed = (this.list?.cohosts ?? []).some(
      (c) => c.streamId === stream.streamID && c.userId !== this.host.userID(),
    );
    if (role === 'anchor') return listed;
    return listed || !isCohostStream(roomID, stream.streamID);
  }

  // ---- The session's events ----

  /** Logged into a live room: learn who co-hosts now. */
  joined(): void {
    const role = this.host.role();
    if (role === 'anchor' || role === 'audience') void this.load();
  }

  /** A custom command: if it is about co-hosting, look at the service (never act on what it says). */
  onCommand(command: RoomCommand): void {
    const signal = parseCohostCommand(command.command);
    if (!signal || !this.host.inRoom()) return;
    this.hint = signal;
    void this.load();
  }

  /** roomStreamUpdate: an unknown co-host stream makes us look; a listed one that goes starts its grace. */
  onRoomStreamUpdate(p: RtcEvents['roomStreamUpdate']): void {
    const roomID = this.host.roomID();
    if (p.roomID !== roomID || this.host.role() === 'call') return;
    const listed = new Set((this.list?.cohosts ?? []).map((c) => c.streamId));
    let unknown = false;
    for (const stream of p.streams) {
      const id = stream.streamID;
      if (!isCohostStream(roomID, id)) {
        if (p.updateType === 'DELETE' && this.onStage) this.host.anchorGone();
        continue;
      }
      if (p.updateType === 'ADD') {
        this.back(id);
        if (!listed.has(id)) unknown = true;
      } else if (listed.has(id)) {
        this.startGrace(id);
      }
    }
    if (unknown) void this.load();
  }

  private back(streamID: string): void {
    this.graceTimers.get(streamID)?.clear();
    this.graceTimers.delete(streamID);
    if (this.lost[streamID] !== undefined) {
      const { [streamID]: _gone, ...rest } = this.lost;
      this.lost = rest;
    }
    if (this.hidden[streamID]) {
      const { [streamID]: _hidden, ...rest } = this.hidden;
      this.hidden = rest;
    }
  }

  private startGrace(streamID: string): void {
    this.lost = { ...this.lost, [streamID]: this.now() };
    const timer = this.graceTimers.get(streamID) ?? new OwnedTimer();
    this.graceTimers.set(streamID, timer);
    timer.set(COHOST_GRACE_MS, () => this.graceOver(streamID));
  }

  private graceOver(streamID: string): void {
    this.graceTimers.delete(streamID);
    if (this.lost[streamID] === undefined) return;
    this.hidden = { ...this.hidden, [streamID]: true };
    void this.load();
  }

  // ---- Reading the service ----

  /** Reads the co-hosting from the service and acts on it (one read at a time; a read asked meanwhile follows). */
  load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    const epoch = this.ctx.epoch;
    const run = async () => {
      do {
        this.again = false;
        let next: ApiCohosts;
        try {
          next = await this.ctx.deps.api.getCohosts(this.host.roomID());
        } catch {
          continue; // the next hint, heartbeat or stream change looks again
        }
        if (this.ctx.isStale(epoch)) return;
        if (isCohosts(next)) this.apply(next);
      } while (this.again && !this.ctx.isStale(epoch));
    };
    this.loading = run().finally(() => {
      if (!this.ctx.isStale(epoch)) this.loading = null;
    });
    return this.loading;
  }

  /** Takes the service's answer and does what it means for this phone. */
  apply(next: ApiCohosts): void {
    const before = this.mine;
    const hint = this.hint;
    this.hint = null;
    this.list = next;
    const listed = new Set(next.cohosts.map((c) => c.streamId));
    for (const id of Object.keys(this.lost)) if (!listed.has(id)) this.back(id);
    if (next.mine !== 'cohost') this.gaveUp = false;
    if (this.host.role() === 'audience') {
      // Once this phone has left the stage, only the service letting go (or its silence timeout) ends it there.
      if (next.mine === 'cohost' && !this.onStage && !this.gaveUp) void this.goOnStage();
      if (this.onStage && next.mine !== 'cohost') {
        this.leaveStage(this.endingOwn ? '' : COHOST_TEXT.removed);
      } else if (before === 'pending' && next.mine === 'none') {
        this.lapseTimer.clear();
        const lapsed = hint !== 'declined' && this.now() >= this.lastExpiry;
        this.status.flash(lapsed ? COHOST_TEXT.lapsed : COHOST_TEXT.declined);
      }
      if (next.mine === 'pending') this.watchLapse();
    } else if (this.host.role() === 'anchor') {
      this.watchRequests();
    }
    this.host.replan();
  }

  private watchLapse(): void {
    const expiresAt = this.requestExpiresAt;
    this.lastExpiry = expiresAt;
    if (!expiresAt) return;
    this.lapseTimer.set(Math.max(0, expiresAt - this.now()) + LAPSE_SLACK_MS, () => void this.load());
  }

  /** The anchor's list drops requests as they lapse: look again after the first one's expiry. */
  private watchRequests(): void {
    const first = Math.min(...this.requests.map((r) => r.expiresAt));
    if (!Number.isFinite(first)) {
      this.lapseTimer.clear();
      return;
    }
    this.lapseTimer.set(Math.max(0, first - this.now()) + LAPSE_SLACK_MS, () => void this.load());
  }

  // ---- What the viewer does ----

  /** "申请连麦": the camera and microphone first, then the request; the anchor is told. */
  async request(): Promise<void> {
    if (this.host.role() !== 'audience' || !this.host.watching() || this.busy || this.mine !== 'none') return;
    const epoch = this.ctx.epoch;
    this.busy = true;
    try {
      if (!(await this.host.authorizeMedia()) || this.ctx.isStale(epoch)) return;
      const change = await this.ctx.deps.api.requestCohost(this.host.roomID());
      if (this.ctx.isStale(epoch)) return;
      this.changed(change);
      this.status.flash(COHOST_TEXT.requested);
      if (!change.signalled) await this.signal('requested', this.host.userID(), await this.anchorIDs());
    } catch (error) {
      if (!this.ctx.isStale(epoch)) this.status.flash(cohostFailureText(error));
    } finally {
      if (!this.ctx.isStale(epoch)) runInAction(() => (this.busy = false));
    }
  }

  /** "取消申请". */
  async cancel(): Promise<void> {
    if (this.mine !== 'pending' || this.busy) return;
    await this.write(
      () => this.ctx.deps.api.cancelCohostRequest(this.host.roomID()),
      async () => this.signal('cancelled', this.host.userID(), await this.anchorIDs()),
    );
  }

  /** "结束连麦" by the co-host itself: off stage first (SDK, then component), then the service. */
  async end(): Promise<void> {
    if (!this.onStage) return;
    const others = this.othersOnStage();
    this.endingOwn = true;
    this.gaveUp = true;
    this.leaveStage('');
    try {
      await this.write(
        () => this.ctx.deps.api.endCohost(this.host.roomID(), this.host.userID()),
        async () => this.signal('ended', this.host.userID(), [...(await this.anchorIDs()), ...others]),
      );
    } finally {
      this.endingOwn = false;
    }
  }

  // ---- What the anchor does ----

  /** Accepts a request: the service decides (the limit holds there); the viewer is told. */
  accept(userID: string): Promise<void> {
    return this.write(
      () => this.ctx.deps.api.acceptCohost(this.host.roomID(), userID),
      () => this.signal('accepted', userID, [userID]),
    );
  }

  /** Declines a request. */
  decline(userID: string): Promise<void> {
    return this.write(
      () => this.ctx.deps.api.declineCohost(this.host.roomID(), userID),
      () => this.signal('declined', userID, [userID]),
    );
  }

  /** Ends a co-host's time on screen (the anchor's "移除"). */
  remove(userID: string): Promise<void> {
    const others = this.othersOnStage();
    return this.write(
      () => this.ctx.deps.api.endCohost(this.host.roomID(), userID),
      () => this.signal('ended', userID, others),
    );
  }

  /** One write to the service: its answer applied; the SDK command sent when the service did not send one. */
  private async write(call: () => Promise<ApiCohostChange>, tell: () => Promise<void>): Promise<void> {
    const epoch = this.ctx.epoch;
    this.busy = true;
    try {
      const change = await call();
      if (this.ctx.isStale(epoch)) return;
      this.changed(change);
      if (!change.signalled) await tell();
    } catch (error) {
      if (this.ctx.isStale(epoch)) return;
      this.status.flash(cohostFailureText(error));
      void this.load();
    } finally {
      if (!this.ctx.isStale(epoch)) runInAction(() => (this.busy = false));
    }
  }

  private changed(change: ApiCohostChange): void {
    if (isCohosts(change?.cohosts)) this.apply(change.cohosts);
  }

  /** Everyone on stage but this phone (the co-hosts and, for a co-host, the anchor is added by the caller). */
  private othersOnStage(): string[] {
    const own = this.host.userID();
    return (this.list?.cohosts ?? []).map((c) => c.userId).filter((id) => id !== own);
  }

  /** The anchor's user (from its stream; else the service's room). */
  private async anchorIDs(): Promise<string[]> {
    const roomID = this.host.roomID();
    const main = this.host.streams().find((s) => !isCohostStream(roomID, s.streamID));
    if (main) return [main.user.userID];
    try {
      const { room } = await this.ctx.deps.api.getRoom(roomID);
      return room.anchor ? [room.anchor.id] : [];
    } catch {
      return [];
    }
  }

  /** The SDK's custom command to those concerned (a hint: they read the service). A failed send is not retried. */
  private async signal(signal: CohostSignal, userID: string, to: string[]): Promise<void> {
    const engine = this.ctx.engine;
    const own = this.host.userID();
    const targets = [...new Set(to)].filter((id) => id && id !== own);
    if (!engine || targets.length === 0 || !this.host.inRoom()) return;
    try {
      await engine.sendCustomCommand(this.host.roomID(), cohostCommand(signal, userID), targets);
    } catch {
      // they also learn from the streams, the heartbeat and the next read
    }
  }

  // ---- On stage ----

  /** The service has us accepted: the co-host token, then the own stream. */
  private async goOnStage(): Promise<void> {
    const { ctx } = this;
    const engine = ctx.engine;
    if (!engine || this.onStage || !this.host.watching()) return;
    const epoch = ctx.epoch;
    const roomID = this.host.roomID();
    this.onStage = true;
    this.lapseTimer.clear();
    let streamID: string;
    try {
      const token = await ctx.deps.api.getRoomToken(roomID, 'cohost');
      if (ctx.isStale(epoch)) return;
      if (!engine.renewToken(roomID, token.token)) throw new Error('renewToken refused the co-host token');
      streamID = token.streamID || `${roomID}_co_${token.userID}`;
    } catch (error) {
      if (ctx.isStale(epoch)) return;
      runInAction(() => (this.onStage = false));
      this.status.flash(error instanceof ApiError ? cohostFailureText(error) : COHOST_TEXT.publishFailed);
      if (!(error instanceof ApiError && error.code === 'NOT_COHOST')) void this.giveBack();
      return;
    }
    const ok = await this.host.goOnStage(streamID);
    if (ctx.isStale(epoch)) return;
    if (!ok) {
      this.leaveStage('');
      this.status.flash(COHOST_TEXT.publishFailed);
      void this.giveBack();
      return;
    }
    this.beat(epoch);
  }

  /** Tells the service this co-hosting is over from our side (publishing did not start). */
  private async giveBack(): Promise<void> {
    this.gaveUp = true;
    try {
      this.changed(await this.ctx.deps.api.endCohost(this.host.roomID(), this.host.userID()));
    } catch {
      // the service ends a silent co-host by itself
    }
  }

  /** Off stage: the stream stopped (SDK, then component), the preview gone, watching again. */
  leaveStage(notice: string): void {
    if (!this.onStage) return;
    this.onStage = false;
    this.heartbeatTimer.clear();
    this.host.leaveStage();
    if (notice) this.status.flash(notice);
    void this.dropPublishRight();
  }

  /** Back to the audience token, so the SDK holds no publish right it no longer has. */
  private async dropPublishRight(): Promise<void> {
    const { ctx } = this;
    const epoch = ctx.epoch;
    const roomID = this.host.roomID();
    try {
      const token = await ctx.deps.api.getRoomToken(roomID, 'audience');
      if (!ctx.isStale(epoch) && this.host.inRoom()) ctx.engine?.renewToken(roomID, token.token);
    } catch {
      // the co-host token expires by itself; the service refuses to renew it
    }
  }

  /** The co-host's heartbeat; an answer that says we are not a co-host any more makes us look. */
  private beat(epoch: number): void {
    this.heartbeatTimer.set(COHOST_HEARTBEAT_MS, () => {
      if (this.ctx.isStale(epoch) || !this.onStage) return;
      this.ctx.deps.api.heartbeat(this.host.roomID()).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) void this.load();
        },
      );
      this.beat(epoch);
    });
  }

  /** Recovered from a drop: the service may have changed its mind meanwhile. */
  recovered(): void {
    if (this.list) void this.load();
  }

  /** The visit is over: timers stopped (the stream itself is stopped by publishing). */
  dispose(): void {
    this.lapseTimer.clear();
    this.heartbeatTimer.clear();
    for (const timer of this.graceTimers.values()) timer.clear();
    this.graceTimers.clear();
    this.loading = null;
    this.again = false;
  }

  /** A new visit. */
  reset(): void {
    this.list = null;
    this.busy = false;
    this.onStage = false;
    this.lost = {};
    this.hidden = {};
    this.hint = null;
    this.lastExpiry = 0;
    this.gaveUp = false;
  }
}
