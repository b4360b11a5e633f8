/**
 * Likes into a room: the hot path of a big room (every viewer tapping 赞 sends a batch a second). The session, the
 * room and the removal are read together with the other requests of the moment (the token route's batched read),
 * the likes are counted by the counters (never an UPDATE of the room's row per batch), and the answer is the
 * room's live total.
 */
import { removedFromRoom } from '../../lib/errors';
import { Batch } from '../../lib/batch';
import type { LiveContext } from '../../plugins/app/live';
import type { Room } from '../../store/types';
import { loadTokenFacts, tokenReads, wrongKind, type TokenReads } from '../rooms/service';
import { requireLiveRoom } from './rules';

/** Counts likes for one instance: its batch of session reads and of room reads. */
export class LikeCounter {
  private readonly reads: TokenReads;
  // The rooms liked in one turn are read once each (the stored figures the live total starts from).
  private readonly rooms: Batch<string, Room | null>;

  constructor(private readonly live: LiveContext) {
    this.reads = tokenReads(live.store);
    this.rooms = new Batch(async (ids) => {
      const unique = [...new Set(ids)];
      const found = await Promise.all(unique.map((id) => live.store.rooms.get(id)));
      const byId = new Map(unique.map((id, i) => [id, found[i]]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /**
   * Counts a signed-in viewer's (or the anchor's) batch of likes in a live room; answers the room's live total.
   * 401 without a live session, 404/400 WRONG_KIND/409 ROOM_NOT_LIVE for the room, 403 REMOVED_FROM_ROOM.
   */
  async count(tokenHash: string, roomId: string, likes: number): Promise<number> {
    const { live } = this;
    const { room, removed } = await loadTokenFacts(this.reads, tokenHash, roomId, live.now());
    if (room.kind !== 'live') throw wrongKind(room);
    requireLiveRoom(room);
    if (removed) throw removedFromRoom();
    const unflushed = await live.counters.count(room.id, { kind: 'likes', count: likes });
    // Read after the count: a flush in between is then in the stored figure (counted twice for a moment, never lost).
    const stored = await this.rooms.ask(room.id);
    return (stored?.stats.likes ?? 0) + unflushed;
  }
}
