/**
 * What every part of the live session shares: the outside world (deps), the transition machine, the engine and
 * the page's components once they exist, and the visit's epoch (async work started under an older epoch stops at
 * its next step). Plain, non-observable.
 */
import type { Api } from '../../services/api-client';
import type { Platform } from '../../services/platform-types';
import type { RtcEngine } from '../../services/rtc-types';
import type { SessionMachine } from './session-table';
import type { LiveViewPort } from '../../stores/session-types';

/** What the session needs from the outside world (the real ones are wired in stores/index.ts). */
export interface LiveSessionDeps {
  loadEngine: () => Promise<RtcEngine>;
  api: Pick<
    Api,
    | 'getRoomToken'
    | 'getRoom'
    | 'markLive'
    | 'endRoom'
    | 'reportStats'
    | 'heartbeat'
    | 'getCohosts'
    | 'requestCohost'
    | 'cancelCohostRequest'
    | 'acceptCohost'
    | 'declineCohost'
    | 'endCohost'
    | 'sendMessage'
    | 'sendLikes'
    | 'getChat'
    | 'setCommentsOff'
    | 'muteViewer'
    | 'removeViewer'
    | 'getStats'
    | 'getViewers'
    | 'getCatchUp'
    | 'setAnnouncement'
    | 'appointAdmin'
    | 'dismissAdmin'
    | 'getGifts'
    | 'getPoints'
    | 'sendGift'
    | 'getLeaderboard'
    | 'sendProblemReport'
  >;
  platform: () => Platform;
  currentUser: () => { id: string; nickname: string } | null;
}

type Timer = ReturnType<typeof setTimeout>;

/** The shared context of one LiveSession's parts. */
export class SessionContext {
  engine: RtcEngine | null = null;
  view: LiveViewPort | null = null;
  /** Bumped when a visit is torn down. */
  epoch = 0;
  private enginePromise: Promise<RtcEngine> | null = null;

  constructor(
    readonly deps: LiveSessionDeps,
    readonly machine: SessionMachine,
  ) {}

  /** The engine, created once per app (a failed load is tried again next time). */
  loadEngine(): Promise<RtcEngine> {
    if (!this.enginePromise) {
      this.enginePromise = this.deps.loadEngine().then(
        (engine) => {
          this.engine = engine;
          return engine;
        },
        (error: unknown) => {
          this.enginePromise = null;
          throw error;
        },
      );
    }
    return this.enginePromise;
  }

  /** True when the visit that started some async work is over. */
  isStale(epoch: number): boolean {
    return epoch !== this.epoch;
  }
}

/** A timeout that a part owns: set replaces, clear is safe to repeat. */
export class OwnedTimer {
  private handle: Timer | null = null;

  /** Runs `fn` after `ms`, replacing any pending run. */
  set(ms: number, fn: () => void): void {
    this.clear();
    this.handle = setTimeout(() => {
      this.handle = null;
      fn();
    }, ms);
  }

  clear(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
  }

  get pending(): boolean {
    return this.handle !== null;
  }
}

/** The numeric code of a rejection (RtcError, ApiError or anything else). */
export function codeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : -1;
}
