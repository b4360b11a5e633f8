/**
 * Replays of finished lives, for the pages: which rooms have one (the room list's 「看回放」), one room's replay, its
 * view count, and where this viewer left off (kept on the phone, per room). Failures reject with the service's
 * ApiError; a replay that is missing is REPLAY_NOT_FOUND (404).
 */
import { ApiError, type Api, type ApiReplay, type ApiRoom } from '../services/api-client';
import type { Platform } from '../services/platform-types';

export type { ApiReplay };

/** Where a viewer stopped watching: which part and how far into it (seconds). */
export interface ReplayPosition {
  part: number;
  seconds: number;
}

/** What the shelf needs from the outside (tests pass fakes). */
export interface ReplayShelfDeps {
  api: Pick<Api, 'listReplays' | 'getReplay' | 'countReplayView'>;
  storage: () => Pick<Platform, 'getStorage' | 'setStorage' | 'removeStorage'>;
}

/** Storage key of one room's position. */
export const replayPositionKey = (roomID: string): string => `live.replay.${roomID}`;

/** True when the service says the room has no replay to play. */
export const isReplayMissing = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'REPLAY_NOT_FOUND' || error.status === 404);

/** Replays as the pages need them. */
export class ReplayShelf {
  constructor(private readonly deps: ReplayShelfDeps) {}

  /** Finished rooms with a replay, newest first ([] when the service records none). */
  async list(): Promise<ApiRoom[]> {
    return (await this.deps.api.listReplays()).rooms;
  }

  /** One room's replay and the room. */
  get(roomID: string): Promise<ApiReplay> {
    return this.deps.api.getReplay(roomID);
  }

  /** Whether the room has a replay now (a failed lookup counts as no). */
  async has(roomID: string): Promise<boolean> {
    try {
      const answer = await this.deps.api.getReplay(roomID);
      return (answer?.replay?.parts?.length ?? 0) > 0;
    } catch {
      return false;
    }
  }

  /** Counts this opening; the new count, or null when it could not be counted. */
  async countView(roomID: string): Promise<number | null> {
    try {
      return (await this.deps.api.countReplayView(roomID)).views;
    } catch {
      return null;
    }
  }

  /** Where this viewer left off in the room's replay, or null. */
  position(roomID: string): ReplayPosition | null {
    const saved = this.deps.storage().getStorage<ReplayPosition>(replayPositionKey(roomID));
    if (!saved || typeof saved.part !== 'number' || typeof saved.seconds !== 'number') return null;
    return saved;
  }

  /** Remembers where this viewer is (null: watched to the end, start over next time). */
  remember(roomID: string, position: ReplayPosition | null): void {
    if (position === null) this.deps.storage().removeStorage(replayPositionKey(roomID));
    else this.deps.storage().setStorage(replayPositionKey(roomID), position);
  }
}
