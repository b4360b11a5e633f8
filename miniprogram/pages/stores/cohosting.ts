/**
 * Co-hosting (连麦): a viewer asks, the anchor accepts, and the viewer publishes its own stream beside the anchor's.
 * The service decides everything: this part keeps the service's answer (`GET /cohosts`), acts only on that answer
 * (never on a custom command's content: a command is a "go and look" hint), and says which remote streams the visit
 * plays (the co-hosts the service lists; the mix instead of them for plain viewers when one runs). This phone's own
 * seat moves only through its table (cohost-seat.ts); its own stream is cohost-stage.ts. Owns the request's lapse timer.
 */
import { parseCohostCommand, type CohostSignal } from '@zego-live/contract';
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { ApiCohostChange, ApiCohosts } from '../../services/api-client';
import type { RtcEvents, RtcStream } from '../../services/rtc-types';
import { CohostSeat, serviceEvent, type SeatPhase, type SeatRefusalReporter } from './cohost-seat';
import { isCohostStream } from '@zego-live/contract';
import { CohostHints, OwnStream, isCohosts, type CohostHost } from './cohost-stage';
import { COHOST_TEXT, cohostFailureText } from './cohost-text';
import { LostStreams, type CohostTile } from './cohost-tiles';
import type { RoomCommand } from './room-signals';
import { OwnedTimer, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import { warnInDevelopment } from './session-table';

/** After a request's expiry, look again this much later (the service decides it lapsed). */
const LAPSE_SLACK_MS = 500;

/** The visit's co-hosting. */
export class Cohosting {
  /** The service's last answer (null before the first, and for calls). */
  list: ApiCohosts | null = null;
  /** A request to the service is in flight (the page disables the button). */
  busy = false;
  /** This phone's own seat, moved only by its table (cohost-seat.ts). */
  readonly seat: CohostSeat;
  /** Co-host tiles whose stream went away, in their grace. */
  readonly lostStreams: LostStreams;
  private loading: Promise<void> | null = null;
  private again = false;
  /** The last signal that told us to look (only chooses words: "declined" vs "lapsed"). */
  private hint: CohostSignal | null = null;
  /** The own request's expiry as last seen (kept when the request leaves the list). */
  private lastExpiry = 0;
  private readonly lapseTimer = new OwnedTimer();
  private readonly stage: OwnStream;
  private readonly hints: CohostHints;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: CohostHost,
    subscribe: (listener: (command: RoomCommand) => void) => void,
    private readonly now: () => number = Date.now,
    reportRefusal: SeatRefusalReporter = warnInDevelopment('cohost-seat'),
  ) {
    this.seat = new CohostSeat(
      () => ({ watching: host.role() === 'audience' && host.watching(), hasEngine: !!ctx.engine }),
      reportRefusal,
    );
    this.lostStreams = new LostStreams(() => void this.load(), now);
    this.hints = new CohostHints(ctx, host);
    this.stage = new OwnStream(ctx, status, host, {
      seat: this.seat,
      changed: (change) => this.changed(change),
      load: () => this.load(),
    });
    makeAutoObservable<
      Cohosting,
      | 'ctx'
      | 'status'
      | 'host'
      | 'now'
      | 'loading'
      | 'again'
      | 'hint'
      | 'lastExpiry'
      | 'lapseTimer'
      | 'stage'
      | 'hints'
    >(
      this,
      {
        ctx: false,
        status: false,
        host: false,
        now: false,
        seat: false,
        lostStreams: false,
        loading: false,
        again: false,
        hint: false,
        lastExpiry: false,
        lapseTimer: false,
        stage: false,
        hints: false,
      },
      { autoBind: true },
    );
    subscribe((command) => this.onCommand(command));
  }

  // ---- What the screens read ----

  /** This viewer publishes as a co-host (or is starting to). */
  get onStage(): boolean {
    return this.seat.onStage;
  }

  /** The viewer may ask now: the seat takes `ask` (a watching viewer, no request yet) and none is in flight. */
  get canAsk(): boolean {
    return !this.busy && this.mine === 'none' && this.seat.can('ask');
  }

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
      .filter((c) => c.userId !== own && !this.lostStreams.hidden[c.streamId])
      .map((c) => ({ ...c, lost: this.lostStreams.lost[c.streamId] !== undefined }));
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
        this.lostStreams.back(id);
        if (!listed.has(id)) unknown = true;
      } else if (listed.has(id)) {
        this.lostStreams.start(id);
      }
    }
    if (unknown) void this.load();
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

  /** Takes the service's answer and does what it means for this phone (its seat moves by the table). */
  apply(next: ApiCohosts): void {
    const hint = this.hint;
    this.hint = null;
    this.list = next;
    this.lostStreams.keep(new Set(next.cohosts.map((c) => c.streamId)));
    if (this.host.role() === 'audience') {
      const from = this.seat.phase;
      if (this.seat.send(serviceEvent(next.mine)) && from !== this.seat.phase) this.seatMoved(from, hint);
      if (next.mine === 'pending') this.watchLapse();
    } else if (this.host.role() === 'anchor') {
      this.watchRequests();
    }
    this.host.replan();
  }

  /** What a move the service's answer made means: on stage, taken off it, or the request's end in words. */
  private seatMoved(from: SeatPhase, hint: CohostSignal | null): void {
    if (this.seat.phase === 'joining') {
      this.lapseTimer.clear();
      // Accepted: 「等待主播同意」 no longer holds.
      this.status.withdraw(COHOST_TEXT.requested);
      void this.stage.goOn();
    } else if (from === 'joining' || from === 'onStage') this.stage.stop(COHOST_TEXT.removed);
    else if (from === 'pending' && this.seat.phase === 'none') {
      this.lapseTimer.clear();
      const lapsed = hint !== 'declined' && this.now() >= this.lastExpiry;
      this.status.flash(lapsed ? COHOST_TEXT.lapsed : COHOST_TEXT.declined);
    }
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
    if (this.busy || this.mine !== 'none' || !this.seat.send('ask')) return;
    const epoch = this.ctx.epoch;
    this.busy = true;
    try {
      if (!(await this.host.authorizeMedia()) || this.ctx.isStale(epoch)) return;
      const change = await this.ctx.deps.api.requestCohost(this.host.roomID());
      if (this.ctx.isStale(epoch)) return;
      this.changed(change);
      this.status.flash(COHOST_TEXT.requested);
      if (!change.signalled)
        await this.hints.send('requested', this.host.userID(), await this.hints.anchorIDs());
    } catch (error) {
      if (!this.ctx.isStale(epoch)) this.status.flash(cohostFailureText(error));
    } finally {
      if (!this.ctx.isStale(epoch))
        runInAction(() => {
          this.busy = false;
          if (this.seat.phase === 'requesting') this.seat.send('askEnded');
        });
    }
  }

  /** "取消申请". */
  async cancel(): Promise<void> {
    if (this.busy || this.mine !== 'pending' || !this.seat.send('cancel')) return;
    await this.write(
      () => this.ctx.deps.api.cancelCohostRequest(this.host.roomID()),
      async () => this.hints.send('cancelled', this.host.userID(), await this.hints.anchorIDs()),
    );
  }

  /** "结束连麦" by the co-host itself: off stage first (SDK, then component), then the service. */
  async end(): Promise<void> {
    const others = this.othersOnStage();
    if (!this.seat.send('end')) return;
    this.stage.stop('');
    await this.write(
      () => this.ctx.deps.api.endCohost(this.host.roomID(), this.host.userID()),
      async () =>
        this.hints.send('ended', this.host.userID(), [...(await this.hints.anchorIDs()), ...others]),
    );
  }

  // ---- What the anchor does ----

  /** Accepts a request: the service decides (the limit holds there); the viewer is told. */
  accept(userID: string): Promise<void> {
    return this.write(
      () => this.ctx.deps.api.acceptCohost(this.host.roomID(), userID),
      () => this.hints.send('accepted', userID, [userID]),
    );
  }

  /** Declines a request. */
  decline(userID: string): Promise<void> {
    return this.write(
      () => this.ctx.deps.api.declineCohost(this.host.roomID(), userID),
      () => this.hints.send('declined', userID, [userID]),
    );
  }

  /** Ends a co-host's time on screen (the anchor's "移除"). */
  remove(userID: string): Promise<void> {
    const others = this.othersOnStage();
    return this.write(
      () => this.ctx.deps.api.endCohost(this.host.roomID(), userID),
      () => this.hints.send('ended', userID, others),
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

  /** Recovered from a drop: the service may have changed its mind meanwhile. */
  recovered(): void {
    if (this.list) void this.load();
  }

  /** The visit is over: timers stopped (the stream itself is stopped by publishing). */
  dispose(): void {
    this.lapseTimer.clear();
    this.stage.dispose();
    this.lostStreams.dispose();
    this.loading = null;
    this.again = false;
  }

  /** A new visit. */
  reset(): void {
    this.list = null;
    this.busy = false;
    this.seat.send('reset');
    this.lostStreams.reset();
    this.hint = null;
    this.lastExpiry = 0;
  }
}
