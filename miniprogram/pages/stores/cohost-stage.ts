/**
 * A co-host's own stream: the co-host token, publishing beside the anchor, the heartbeat, and off again (back to
 * the audience token); and the custom commands that tell the others to look. Moves the seat only through its owner (the seat's table), and reads the service again when
 * the heartbeat says this phone is not a co-host any more.
 */
import { cohostCommand, cohostStreamId, isCohostStream, type CohostSignal } from '@zego-live/contract';
import { ApiError, type ApiCohostChange, type ApiCohosts } from '../../services/api-client';
import type { RtcStream } from '../../services/rtc-types';
import type { CohostSeat } from './cohost-seat';
import { COHOST_TEXT, cohostFailureText } from './cohost-text';
import { OwnedTimer, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { Role } from '../../stores/session-types';

/** A co-host sends "still here" this often (the service ends a co-host silent for longer than its timeout). */
export const COHOST_HEARTBEAT_MS = 10_000;

/** An answer shaped like the service's co-hosting (an older service, or a proxy's error page, is not). */
export function isCohosts(value: unknown): value is ApiCohosts {
  const v = value as Partial<ApiCohosts> | null | undefined;
  return !!v && Array.isArray(v.cohosts) && Array.isArray(v.requests) && typeof v.limit === 'number';
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

/** The SDK's custom commands about co-hosting: hints to those concerned, who then read the service. */
export class CohostHints {
  constructor(
    private readonly ctx: SessionContext,
    private readonly host: CohostHost,
  ) {}

  /** The anchor's user (from its stream; else the service's room). */
  async anchorIDs(): Promise<string[]> {
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

  /** Sends the command to those concerned (not this phone). A failed send is not retried. */
  async send(signal: CohostSignal, userID: string, to: string[]): Promise<void> {
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
}

/** What the own stream needs of the co-hosting around it. */
export interface StageOwner {
  /** The seat, moved only by its table. */
  seat: CohostSeat;
  /** Takes a service answer about the co-hosting. */
  changed(change: ApiCohostChange): void;
  /** Reads the co-hosting from the service again. */
  load(): Promise<void>;
}

/** The own co-host stream of a viewer. */
export class OwnStream {
  private readonly heartbeatTimer = new OwnedTimer();

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: CohostHost,
    private readonly owner: StageOwner,
  ) {}

  /** The service has us accepted: the co-host token, then the own stream. */
  async goOn(): Promise<void> {
    const { ctx } = this;
    const engine = ctx.engine;
    if (!engine) return;
    const epoch = ctx.epoch;
    const roomID = this.host.roomID();
    let streamID: string;
    try {
      const token = await ctx.deps.api.getRoomToken(roomID, 'cohost');
      if (ctx.isStale(epoch)) return;
      if (!engine.renewToken(roomID, token.token)) throw new Error('renewToken refused the co-host token');
      streamID = token.streamID || cohostStreamId(roomID, token.userID);
    } catch (error) {
      if (ctx.isStale(epoch) || this.owner.seat.phase !== 'joining') return;
      const refused = error instanceof ApiError && error.code === 'NOT_COHOST';
      this.owner.seat.send(refused ? 'tokenRefused' : 'stageFailed');
      this.status.flash(error instanceof ApiError ? cohostFailureText(error) : COHOST_TEXT.publishFailed);
      if (!refused) void this.giveBack();
      return;
    }
    if (this.owner.seat.phase !== 'joining') return; // taken off (or ended) while the token came
    const ok = await this.host.goOnStage(streamID);
    if (ctx.isStale(epoch)) return;
    if (!ok) {
      if (!this.owner.seat.send('stageFailed')) return;
      this.stop('');
      this.status.flash(COHOST_TEXT.publishFailed);
      void this.giveBack();
      return;
    }
    if (this.owner.seat.send('published')) this.beat(epoch);
  }

  /** Tells the service this co-hosting is over from our side (publishing did not start). */
  private async giveBack(): Promise<void> {
    try {
      this.owner.changed(await this.ctx.deps.api.endCohost(this.host.roomID(), this.host.userID()));
    } catch {
      // the service ends a silent co-host by itself
    }
  }

  /** Off stage (the seat has moved): the stream stopped (SDK, then component), the preview gone, watching again. */
  stop(notice: string): void {
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
      if (this.ctx.isStale(epoch) || this.owner.seat.phase !== 'onStage') return;
      this.ctx.deps.api.heartbeat(this.host.roomID()).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) void this.owner.load();
        },
      );
      this.beat(epoch);
    });
  }

  /** The visit is over: the heartbeat stops (the stream itself is stopped by publishing). */
  dispose(): void {
    this.heartbeatTimer.clear();
  }
}
