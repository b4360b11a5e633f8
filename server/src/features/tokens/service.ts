/**
 * Issuing ZEGO tokens: the one read (session, room, removal) gathered with the other token requests of the same
 * moment, the decision (tokens/rules.ts), a call seat or a co-host's record where the role needs one, the anchor's
 * viewer list, and the Token04 itself.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Batch } from '../../lib/batch';
import { ApiError } from '../../lib/errors';
import { streamIdForMember } from '../../lib/ids';
import type { RoomTokenView, TokenRole } from '@zego-live/contract/schemas';
import type { LiveContext } from '../../plugins/app/live';
import type { ViewerJoin } from '../../store/types';
import { generateToken04, roomPayload } from '../../zego/token04';
import { callSeat } from '../calls/rules';
import { cohostStreamId } from '../cohosts/service';
import { loadTokenFacts, tokenReads, type TokenReads } from '../rooms/service';
import { RecentViewers, VIEWER_QUIET_MS } from '../stats/service';
import { planToken, privilegesFor } from './rules';

/** Issues tokens for one instance: its batch of reads and the viewers it recorded lately. */
export class TokenIssuer {
  // The viewers this instance recorded lately (the token route's viewer list writes).
  private readonly recentViewers = new RecentViewers();
  // The token requests that arrive together are read together.
  private readonly reads: TokenReads;
  // ... and their viewers recorded together: a flash crowd of joins costs a statement per batch, not per viewer.
  private readonly joins: Batch<ViewerJoin, undefined>;

  constructor(private readonly live: LiveContext) {
    this.reads = tokenReads(live.store);
    this.joins = new Batch(async (joins) => {
      await live.store.viewers.recordMany(joins);
      return joins.map(() => undefined);
    });
  }

  /** A token for the session behind tokenHash in this room and role; 503 without ZEGO credentials. */
  async issue(
    tokenHash: string,
    roomId: string,
    role: TokenRole,
    log: FastifyBaseLogger,
  ): Promise<RoomTokenView> {
    const { live } = this;
    const { zego } = live.config;
    if (zego === null) {
      throw new ApiError(
        503,
        'ZEGO_NOT_CONFIGURED',
        'Live streaming is not configured: set ZEGO_APP_ID and ZEGO_SERVER_SECRET on the server',
      );
    }
    const now = live.now();
    // The session, the room and the removal in one read: this route is what thousands of viewers ask at once.
    const { userId, room, removed } = await loadTokenFacts(this.reads, tokenHash, roomId, now);
    const plan = planToken(role, room, userId, removed);
    let ownStream: string | null = null;
    if (plan.kind === 'call') {
      const seat = await live.store.rooms.joinCall(room.id, userId, streamIdForMember(room.id, userId), now);
      ownStream = callSeat(seat, room.id);
    } else if (plan.kind === 'cohost') {
      // A co-host publishes its own co-host stream only, and only while the service has it accepted.
      ownStream = await cohostStreamId(live, room, userId);
    } else if (plan.kind === 'anchor') {
      ownStream = plan.streamId;
    } else if (
      plan.recordViewer &&
      !this.recentViewers.recordedSince(room.id, userId, now, now - VIEWER_QUIET_MS)
    ) {
      await this.recordViewer(room.id, userId, now, log);
    }
    const { publish, streamIds } = privilegesFor(ownStream);
    const { token, expire } = generateToken04({
      appID: zego.appID,
      userID: userId,
      secret: zego.serverSecret,
      effectiveTimeInSeconds: live.config.tokenTTL,
      payload: roomPayload(room.id, publish, streamIds),
      now: Math.floor(now / 1000),
    });
    const answer = { token, expiresAt: expire * 1000, appID: zego.appID, userID: userId, roomID: room.id };
    return ownStream === null ? answer : { ...answer, streamID: ownStream };
  }

  /**
   * Records a viewer for the anchor's list (one upsert for the joins of the same moment); best effort: a viewer is
   * never refused a token for the list's sake. A viewer this instance recorded within VIEWER_QUIET_MS costs neither
   * a statement nor an await.
   */
  private async recordViewer(
    roomId: string,
    userId: string,
    now: number,
    log: FastifyBaseLogger,
  ): Promise<void> {
    try {
      await this.joins.ask({ roomId, userId, now, quietSince: now - VIEWER_QUIET_MS });
    } catch (error) {
      this.recentViewers.forget(roomId, userId);
      log.warn({ err: error, roomId }, 'viewer not recorded');
    }
  }
}
