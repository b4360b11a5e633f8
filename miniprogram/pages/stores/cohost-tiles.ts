/**
 * The grace of a co-host tile whose stream went away: shown as "连接中断" for COHOST_GRACE_MS, then hidden until the
 * stream comes back or the service stops listing it. Owns one timer per lost stream.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { ApiCohost } from '../../services/api-client';
import type { PlayerView } from '../../stores/session-types';
import { OwnedTimer } from './session-context';

/** A co-host tile whose stream went away stays (as "连接中断") this long before it goes. */
export const COHOST_GRACE_MS = 10_000;

/** One co-host as the anchor's and the viewers' screens show it. */
export interface CohostTile extends ApiCohost {
  /** Its stream went away: shown as "连接中断" for COHOST_GRACE_MS, then gone. */
  lost: boolean;
}

/** A co-host's tile as pages render it: who, whether its stream went away, and its player while it plays. */
export interface CohostTileView extends CohostTile {
  player: PlayerView | null;
}

/** The tiles with their players. */
export function withPlayers(tiles: CohostTile[], players: PlayerView[]): CohostTileView[] {
  return tiles.map((tile) => ({
    ...tile,
    player: players.find((p) => p.streamID === tile.streamId) ?? null,
  }));
}

/** The players shown large: all but the co-hosts' tiles (the anchor's stream, or the mix). */
export function largePlayers(players: PlayerView[], tiles: CohostTile[]): PlayerView[] {
  const small = new Set(tiles.map((t) => t.streamId));
  return players.filter((p) => !small.has(p.streamID));
}

/** Lost co-host streams, and the ones whose grace is over. */
export class LostStreams {
  /** Co-host streams that went away, with when; past COHOST_GRACE_MS they are hidden. */
  lost: Record<string, number> = {};
  /** Streams whose grace is over (hidden until they come back). */
  hidden: Record<string, true> = {};
  private readonly timers = new Map<string, OwnedTimer>();

  constructor(
    /** A grace ran out: the owner looks at the service again. */
    private readonly graceOver: () => void,
    private readonly now: () => number,
  ) {
    makeAutoObservable<LostStreams, 'timers' | 'graceOver' | 'now'>(
      this,
      { timers: false, graceOver: false, now: false },
      { autoBind: true },
    );
  }

  /** The stream is back (or no longer listed): no grace, not hidden. */
  back(streamID: string): void {
    this.timers.get(streamID)?.clear();
    this.timers.delete(streamID);
    if (this.lost[streamID] !== undefined) {
      const { [streamID]: _gone, ...rest } = this.lost;
      this.lost = rest;
    }
    if (this.hidden[streamID]) {
      const { [streamID]: _hidden, ...rest } = this.hidden;
      this.hidden = rest;
    }
  }

  /** A listed stream went away: its grace starts. */
  start(streamID: string): void {
    this.lost = { ...this.lost, [streamID]: this.now() };
    const timer = this.timers.get(streamID) ?? new OwnedTimer();
    this.timers.set(streamID, timer);
    timer.set(COHOST_GRACE_MS, () => this.over(streamID));
  }

  /** Keeps only the streams the service still lists. */
  keep(listed: Set<string>): void {
    for (const id of Object.keys(this.lost)) if (!listed.has(id)) this.back(id);
  }

  private over(streamID: string): void {
    this.timers.delete(streamID);
    if (this.lost[streamID] === undefined) return;
    this.hidden = { ...this.hidden, [streamID]: true };
    this.graceOver();
  }

  /** Timers stopped (the visit is over). */
  dispose(): void {
    for (const timer of this.timers.values()) timer.clear();
    this.timers.clear();
  }

  /** A new visit. */
  reset(): void {
    this.lost = {};
    this.hidden = {};
  }
}
