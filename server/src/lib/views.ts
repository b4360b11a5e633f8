import type { RoomCounters } from '../counters/index';
import type { CallMember, Cohost, Invite, Room, Store, User } from '../store/types';
import { cohostStreamId } from '@zego-live/contract';
import type { CohostsView, InviteView, RoomView, UserView } from '@zego-live/contract/schemas';

// The schemas live in the contract package (which the apps' types derive from); the serialisers here.
export {
  CohostChangeView,
  CohostRequestView,
  CohostView,
  CohostsView,
  ErrorView,
  InviteView,
  RoomView,
  UserView,
} from '@zego-live/contract/schemas';

/** Serialises a user for the API. */
export const userView = (user: User): UserView => ({
  id: user.id,
  nickname: user.nickname,
  avatarUrl: user.avatarUrl,
});

/** A room as the API shows it, given its anchor's profile and a call's members. */
function toRoomView(room: Room, owner: User | null | undefined, members: CallMember[]): RoomView {
  return {
    id: room.id,
    title: room.title,
    kind: room.kind,
    status: room.status,
    streamID: room.streamId,
    anchor: owner ? userView(owner) : null,
    members: members.map((m) => userView(m.user)),
    createdAt: room.createdAt,
    startedAt: room.startedAt,
    endedAt: room.endedAt,
    stats: { ...room.stats },
    plannedStartAt: room.plannedStartAt ?? null,
    coverUrl: room.coverUrl ?? null,
  };
}

/** What a room's view reads: the store, and the counters whose live figures it shows (not a row that lags). */
export interface RoomReads {
  store: Store;
  counters: Pick<RoomCounters, 'live'>;
}

/** Serialises a room for the API, with its live figures, its anchor's public profile (and a call's members). */
export async function roomView({ store, counters }: RoomReads, stored: Room): Promise<RoomView> {
  const [[room], owner, members] = await Promise.all([
    counters.live([stored]),
    stored.ownerId === null ? null : store.users.get(stored.ownerId),
    stored.kind === 'call' ? store.rooms.members(stored.id) : [],
  ]);
  return toRoomView(room, owner, members);
}

/**
 * Serialises a page of rooms: every anchor's profile in one query, not one per room (a 20-room page was 21
 * queries, 21 round trips on PostgreSQL).
 */
export async function roomViews(
  { store, counters }: RoomReads,
  stored: readonly Room[],
): Promise<RoomView[]> {
  const ownerIds = [...new Set(stored.flatMap((room) => (room.ownerId === null ? [] : [room.ownerId])))];
  const [rooms, owners, members] = await Promise.all([
    counters.live(stored),
    store.users.getMany(ownerIds),
    Promise.all(stored.map((room) => (room.kind === 'call' ? store.rooms.members(room.id) : []))),
  ]);
  const byId = new Map(owners.map((user) => [user.id, user]));
  return rooms.map((room, i) =>
    toRoomView(room, room.ownerId === null ? null : byId.get(room.ownerId), members[i]),
  );
}

/** Serialises an invite for the API. */
export const inviteView = (invite: Invite): InviteView => ({
  code: invite.code,
  expiresAt: invite.expiresAt,
});

/** Who is looking at a room's co-hosting: the anchor or the operator (everything), a viewer (own request), nobody. */
export type CohostViewer = { kind: 'manager' } | { kind: 'viewer'; userId: string } | { kind: 'anonymous' };

/** Serialises a room's co-hosts and pending requests (already free of lapsed ones) for this viewer. */
export function cohostsView(
  room: Room,
  records: readonly Cohost[],
  viewer: CohostViewer,
  options: { limit: number; requestTtlMs: number; mixStreamId: string | null },
): CohostsView {
  const avatar = (user: User): string | null => (user.avatarUrl === '' ? null : user.avatarUrl);
  const pending = records.filter((c) => c.state === 'pending');
  const visible =
    viewer.kind === 'manager'
      ? pending
      : viewer.kind === 'viewer'
        ? pending.filter((c) => c.user.id === viewer.userId)
        : [];
  const own = viewer.kind === 'viewer' ? records.find((c) => c.user.id === viewer.userId) : undefined;
  return {
    limit: options.limit,
    cohosts: records
      .filter((c) => c.state === 'cohost')
      .map((c) => ({
        userId: c.user.id,
        nickname: c.user.nickname,
        avatarUrl: avatar(c.user),
        streamId: cohostStreamId(room.id, c.user.id),
        since: c.acceptedAt ?? c.requestedAt,
      })),
    requests: visible.map((c) => ({
      userId: c.user.id,
      nickname: c.user.nickname,
      avatarUrl: avatar(c.user),
      requestedAt: c.requestedAt,
      expiresAt: c.requestedAt + options.requestTtlMs,
    })),
    mine: own?.state ?? 'none',
    mixStreamId: options.mixStreamId,
  };
}
