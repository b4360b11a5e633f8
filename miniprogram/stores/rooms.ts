/**
 * The room directory: the live service's rooms as the pages need them (the live list, one room, creating and
 * claiming one), so pages never call services/api. It keeps no state of its own: the list a page shows is that
 * page's view state (appended row by row to setData), and a room is read fresh each time a page opens it.
 * Failures reject with the service's ApiError (re-exported here: pages branch on its status and code); a 401 first
 * forgets the dead session.
 */
import {
  ApiError,
  type Api,
  type ApiCohostRequest,
  type ApiRoom,
  type RoomStatus,
} from '../services/api-client';

export { ApiError };
export type { ApiCohostRequest, ApiRoom, RoomStatus };

/** One page of the live list; `nextCursor` is null on the last page. */
export interface RoomPage {
  rooms: ApiRoom[];
  nextCursor: string | null;
}

/** What the directory needs from the outside (tests pass fakes). */
export interface RoomDirectoryDeps {
  api: Pick<
    Api,
    'listRooms' | 'listLobby' | 'getRoom' | 'createRoom' | 'createCall' | 'claimRoom' | 'uploadCover'
  >;
  /** The signed-in user's ID, or null: a rescan by the room's own anchor is not a failed claim. */
  currentUserID: () => string | null;
  /** The service answered 401 (the saved session is gone): sign out here too. */
  signOut: () => void;
  /** Lets the user pick one photo (wx.chooseMedia); absent where the platform has none. */
  pickImage?: () => Promise<string>;
}

/** True for the service's "sign in again" answer. */
export const isUnauthorized = (error: unknown): boolean => error instanceof ApiError && error.status === 401;

/** The rooms of the live service, for the pages. */
export class RoomDirectory {
  constructor(private readonly deps: RoomDirectoryDeps) {}

  /** Rooms live now, newest first; `cursor` from the previous page for the next one. */
  listLive(cursor?: string): Promise<RoomPage> {
    return this.guard(cursor ? this.deps.api.listRooms('live', cursor) : this.deps.api.listRooms('live'));
  }

  /** The lobby: rooms live now (newest first), then upcoming ones (soonest first); `cursor` for the next page. */
  listLobby(cursor?: string): Promise<RoomPage> {
    return this.guard(cursor ? this.deps.api.listLobby(cursor) : this.deps.api.listLobby());
  }

  /** One room. */
  async getRoom(roomID: string): Promise<ApiRoom> {
    return (await this.guard(this.deps.api.getRoom(roomID))).room;
  }

  /**
   * A new room owned by the signed-in user (the title is cut to the service's 64 characters); planned to start at
   * plannedStartAt (epoch ms, in the future) when given.
   */
  async createRoom(title: string, plannedStartAt?: number): Promise<ApiRoom> {
    const answer =
      plannedStartAt === undefined
        ? this.deps.api.createRoom(title.slice(0, 64))
        : this.deps.api.createRoom(title.slice(0, 64), plannedStartAt);
    return (await this.guard(answer)).room;
  }

  /** Lets the user pick a cover photo: its local path, or null when cancelled or not possible here. */
  async pickCover(): Promise<string | null> {
    if (!this.deps.pickImage) return null;
    try {
      return await this.deps.pickImage();
    } catch {
      return null;
    }
  }

  /** Uploads a room's cover (a local image path) before it goes live; answers the updated room. */
  async uploadCover(roomID: string, filePath: string): Promise<ApiRoom> {
    return (await this.guard(this.deps.api.uploadCover(roomID, filePath))).room;
  }

  /** A new 1v1 call; the signed-in user is its first member. */
  async createCall(title: string): Promise<ApiRoom> {
    return (await this.guard(this.deps.api.createCall(title.slice(0, 64)))).room;
  }

  /**
   * Claims an operator-made room with its one-time invite. A rescan by the room's own anchor (the service answers
   * 409: the invite is already used, by them) resolves with the room; any other failure rejects.
   */
  async claimRoom(roomID: string, invite: string): Promise<ApiRoom> {
    try {
      return (await this.guard(this.deps.api.claimRoom(roomID, invite))).room;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.code !== 'ROOM_ENDED') {
        const room = await this.getRoom(roomID);
        const me = this.deps.currentUserID();
        if (me && room.anchor?.id === me && room.status !== 'ended') return room;
      }
      throw error;
    }
  }

  /** Passes the answer through; a 401 signs out first. */
  private async guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (isUnauthorized(error)) this.deps.signOut();
      throw error;
    }
  }
}
