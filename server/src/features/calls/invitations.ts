/**
 * Calling a person: an invitation rings the callee on every open device, then ends in one outcome that both
 * parties' devices hear (call.updated) and both records keep. Accepting leads into the call room made with it.
 */
import type { CallMedia, InvitationEventView, InvitationState } from '@zego-live/contract';
import { ApiError, badRequest, forbidden, notFound } from '../../lib/errors';
import { randomId } from '../../lib/ids';
import type { EventChannel } from '../../plugins/app/events';
import type { LiveContext } from '../../plugins/app/live';
import type { Invitation, User } from '../../store/types';
import { createRoom } from '../rooms/service';
import { checkActor, invitationEnded, mayCall, type InvitationEvent } from './invitation-rules';
import { sendMissedCall } from './notice';

/** What a caller asks: whom, with which media, and the card they opened (if that is why they may call). */
export interface CallAsk {
  calleeId: string;
  media: CallMedia;
  card?: string;
}

/** The invitation as both parties see it (with their names and avatars). */
export async function invitationView(
  live: LiveContext,
  invitation: Invitation,
): Promise<InvitationEventView> {
  const users = await live.store.users.getMany([invitation.callerId, invitation.calleeId]);
  const party = (id: string) => {
    const user = users.find((u) => u.id === id);
    return { id, nickname: user?.nickname ?? '', avatarUrl: user?.avatarUrl ?? '' };
  };
  return {
    id: invitation.id,
    state: invitation.state,
    media: invitation.media,
    caller: party(invitation.callerId),
    callee: party(invitation.calleeId),
    roomId: invitation.roomId,
    ringUntil: invitation.ringUntil,
  };
}

/** Tells both parties (every device) where the invitation stands now. */
async function announce(
  live: LiveContext,
  events: EventChannel,
  invitation: Invitation,
): Promise<InvitationEventView> {
  const view = await invitationView(live, invitation);
  const type = invitation.state === 'ringing' ? 'call.invited' : 'call.updated';
  // The caller hears call.updated only: its own call.invited is the POST's answer.
  await Promise.all([
    events.publish(invitation.calleeId, { type, invitation: view }),
    type === 'call.updated' ? events.publish(invitation.callerId, { type, invitation: view }) : undefined,
  ]);
  return view;
}

/**
 * Calls a person: 403 CALL_NOT_ALLOWED unless the callee is in the caller's records or shared the card the caller
 * opened. The answer is ringing, or busy at once when the callee is in a call or ringing already.
 */
export async function invite(
  live: LiveContext,
  events: EventChannel,
  caller: User,
  ask: CallAsk,
): Promise<InvitationEventView> {
  if (ask.calleeId === caller.id) throw badRequest('body/calleeId is you: call someone else');
  if ((await live.store.users.get(ask.calleeId)) === null) throw notFound(`No user ${ask.calleeId}`);
  const [haveRecord, cardOwnerId] = await Promise.all([
    live.store.invitations.haveRecord(caller.id, ask.calleeId),
    ask.card === undefined ? null : live.store.invitations.cardOwner(ask.card),
  ]);
  if (!mayCall({ haveRecord, cardOwnerId }, ask.calleeId)) {
    throw new ApiError(
      403,
      'CALL_NOT_ALLOWED',
      'You may call people in your call records or who shared a call card',
    );
  }
  const room = await createRoom(live, caller.id, { title: caller.nickname, kind: 'call' });
  const now = live.now();
  const invitation = await live.store.invitations.create({
    id: 'c' + randomId(live.random, 15),
    callerId: caller.id,
    calleeId: ask.calleeId,
    media: ask.media,
    roomId: room.id,
    createdAt: now,
    ringUntil: now + live.config.callRingTimeoutMs,
  });
  if (invitation.state === 'busy') {
    await live.store.rooms.setStatus(room.id, 'ended', now);
    return invitationView(live, invitation);
  }
  return announce(live, events, invitation);
}

/** The callee's accept or decline, or the caller's cancel: one conditional write decides, both parties hear it. */
export async function answer(
  live: LiveContext,
  events: EventChannel,
  userId: string,
  id: string,
  event: Extract<InvitationEvent, 'accept' | 'decline' | 'cancel'>,
): Promise<InvitationEventView> {
  const current = await live.store.invitations.get(id);
  if (current === null) throw notFound(`No invitation ${id}`);
  checkActor(event, current, userId);
  const now = live.now();
  let to: InvitationState = event === 'accept' ? 'accepted' : event === 'decline' ? 'declined' : 'cancelled';
  // A call room the operator ended while it rang cannot be joined: the invitation fails instead.
  if (to === 'accepted' && (await live.store.rooms.get(current.roomId))?.status === 'ended') to = 'failed';
  const moved = await live.store.invitations.move(id, to, now, {
    by: { column: event === 'cancel' ? 'caller_id' : 'callee_id', userId },
    beforeRingEnd: now,
  });
  if (moved === null) {
    // Too late: it ended already (another device answered, the caller cancelled), or its ring time is over.
    const expired = await timeOut(live, events, now);
    throw invitationEnded(
      expired.find((i) => i.id === id)?.state ?? (await live.store.invitations.get(id))!.state,
    );
  }
  if (moved.state !== 'accepted') await live.store.rooms.setStatus(moved.roomId, 'ended', now);
  const view = await announce(live, events, moved);
  if (moved.state === 'failed') throw new ApiError(409, 'ROOM_ENDED', 'The call room has ended');
  return view;
}

/**
 * Ends every invitation whose ring time is over (the sweeper, each instance's timer, a late answer): both parties
 * hear the timeout, the call room ends, the callee is sent the missed-call message.
 */
export async function timeOut(
  live: LiveContext,
  events: EventChannel,
  now = live.now(),
): Promise<Invitation[]> {
  const expired = await live.store.invitations.sweepTimeouts(now);
  for (const invitation of expired) {
    await live.store.rooms.setStatus(invitation.roomId, 'ended', now);
    const view = await announce(live, events, invitation);
    await sendMissedCall(live, invitation, view.caller.nickname);
  }
  return expired;
}

/** Rings a device that has just connected for each invitation still ringing for its user. */
export async function ringLateDevice(
  live: LiveContext,
  userId: string,
  send: (event: { type: 'call.invited'; invitation: InvitationEventView }) => void,
): Promise<void> {
  for (const invitation of await live.store.invitations.ringingFor(userId, live.now())) {
    send({ type: 'call.invited', invitation: await invitationView(live, invitation) });
  }
}

/** One party of an answered call switched it to audio: the other party's devices follow. */
export async function switchMedia(
  live: LiveContext,
  events: EventChannel,
  userId: string,
  id: string,
  media: CallMedia,
): Promise<void> {
  const invitation = await live.store.invitations.get(id);
  if (invitation === null) throw notFound(`No invitation ${id}`);
  if (userId !== invitation.callerId && userId !== invitation.calleeId) {
    throw forbidden('Only a party to this call may switch it');
  }
  if (invitation.state !== 'accepted') throw invitationEnded(invitation.state);
  const other = userId === invitation.callerId ? invitation.calleeId : invitation.callerId;
  await events.publish(other, { type: 'call.media', roomId: invitation.roomId, media, by: userId });
}

/** A 「和我视频通话」 card's code: whoever opens it may call this user. */
export async function newCallCard(live: LiveContext, userId: string): Promise<string> {
  const code = randomId(live.random, 16);
  await live.store.invitations.createCard(code, userId, live.now());
  return code;
}
