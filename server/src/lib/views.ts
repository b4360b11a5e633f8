import { Type, type Static } from '@sinclair/typebox';
import type { CallMember, Cohost, Invite, Room, Store, User } from '../store/types';
import { streamIdForCohost } from './ids';

/** A user as others may see it (never the openid). */
export const UserView = Type.Object({
  id: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.String(),
});
export type UserView = Static<typeof UserView>;

/** A room as the API shows it; times are epoch milliseconds. */
export const RoomView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: Type.Union([Type.Literal('live'), Type.Literal('call')]),
  status: Type.Union([
    Type.Literal('idle'),
    Type.Literal('live'),
    Type.Literal('paused'),
    Type.Literal('ended'),
  ]),
  streamID: Type.String(),
  anchor: Type.Union([UserView, Type.Null()]),
  /** A call room's members in join order (each publishes `<roomID>_<userID>`); [] for a live room. */
  members: Type.Array(UserView),
  createdAt: Type.Number(),
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  stats: Type.Object({
    viewers: Type.Integer(),
    peakViewers: Type.Integer(),
    likes: Type.Integer(),
    messages: Type.Integer(),
  }),
});
export type RoomView = Static<typeof RoomView>;

/** A one-time invite; expiresAt in epoch milliseconds. */
export const InviteView = Type.Object({ code: Type.String(), expiresAt: Type.Number() });
export type InviteView = Static<typeof InviteView>;

/** The body of every error response. */
export const ErrorView = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

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
  };
}

/** Serialises a room for the API, with its anchor's public profile (and a call's members). */
export async function roomView(store: Store, room: Room): Promise<RoomView> {
  const [owner, members] = await Promise.all([
    room.ownerId === null ? null : store.users.get(room.ownerId),
    room.kind === 'call' ? store.rooms.members(room.id) : [],
  ]);
  return toRoomView(room, owner, members);
}

/**
 * Serialises a page of rooms: every anchor's profile in one query, not one per room (a 20-room page was 21
 * queries, 21 round trips on PostgreSQL).
 */
export async function roomViews(store: Store, rooms: readonly Room[]): Promise<RoomView[]> {
  const ownerIds = [...new Set(rooms.flatMap((room) => (room.ownerId === null ? [] : [room.ownerId])))];
  const [owners, members] = await Promise.all([
    store.users.getMany(ownerIds),
    Promise.all(rooms.map((room) => (room.kind === 'call' ? store.rooms.members(room.id) : []))),
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

/** A current co-host of a live room (public); since = when it was accepted. */
export const CohostView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  streamId: Type.String(),
  since: Type.Number(),
});
export type CohostView = Static<typeof CohostView>;

/** A pending request to co-host; it lapses at expiresAt. */
export const CohostRequestView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.Number(),
  expiresAt: Type.Number(),
});
export type CohostRequestView = Static<typeof CohostRequestView>;

/** A live room's co-hosting as the caller may see it (requests: all for the anchor and operator, own for a viewer). */
export const CohostsView = Type.Object({
  limit: Type.Integer(),
  cohosts: Type.Array(CohostView),
  requests: Type.Array(CohostRequestView),
  mine: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('cohost')]),
  mixStreamId: Type.Union([Type.String(), Type.Null()]),
});
export type CohostsView = Static<typeof CohostsView>;

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
        streamId: streamIdForCohost(room.id, c.user.id),
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
