import type { Invite, Room, Store, User } from '../store/types';
import type { InviteView, RoomView, UserView } from './schemas';

// The schemas live in ./schemas (the API contract, which the apps' types derive from); the serialisers here.
export { ErrorView, InviteView, RoomView, UserView } from './schemas';

/** Serialises a user for the API. */
export const userView = (user: User): UserView => ({
  id: user.id,
  nickname: user.nickname,
  avatarUrl: user.avatarUrl,
});

/** Serialises a room for the API, with its anchor's public profile (and a call's members). */
export async function roomView(store: Store, room: Room): Promise<RoomView> {
  const [owner, members] = await Promise.all([
    room.ownerId === null ? null : store.users.get(room.ownerId),
    room.kind === 'call' ? store.rooms.members(room.id) : [],
  ]);
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

/** Serialises an invite for the API. */
export const inviteView = (invite: Invite): InviteView => ({
  code: invite.code,
  expiresAt: invite.expiresAt,
});
