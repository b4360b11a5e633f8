/** The API's schemas for calling a person: invitations, records, the records page (TypeBox, like schemas.ts). */
import { Type, type Static } from '@sinclair/typebox';
import { UserView } from './schemas';

// ---- Calls: invitations, records, cards ----

/** What a call is: with both cameras, or voices only. */
export const CallMediaView = Type.Union([Type.Literal('video'), Type.Literal('audio')]);

/** A call invitation as both parties see it (the events carry the same shape). */
export const InvitationView = Type.Object({
  id: Type.String(),
  state: Type.Union([
    Type.Literal('ringing'),
    Type.Literal('accepted'),
    Type.Literal('declined'),
    Type.Literal('cancelled'),
    Type.Literal('timeout'),
    Type.Literal('busy'),
    Type.Literal('failed'),
  ]),
  media: CallMediaView,
  caller: UserView,
  callee: UserView,
  /** The call room both join once it is accepted. */
  roomId: Type.String(),
  /** When it stops ringing unanswered (epoch ms). */
  ringUntil: Type.Number(),
});

export type InvitationView = Static<typeof InvitationView>;

/** {invitation}: the answer of every route that starts or moves one. */
export const InvitationAnswer = Type.Object({ invitation: InvitationView });

/** One call in someone's records, from their side. */
export const CallRecordView = Type.Object({
  id: Type.String(),
  /** outgoing: I called; incoming: I was called. */
  direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
  /** How it ended for me: answered, missed (未接), declined, busy, no_answer, cancelled, failed, or still ringing. */
  outcome: Type.Union([
    Type.Literal('answered'),
    Type.Literal('missed'),
    Type.Literal('declined'),
    Type.Literal('busy'),
    Type.Literal('no_answer'),
    Type.Literal('cancelled'),
    Type.Literal('failed'),
    Type.Literal('ringing'),
  ]),
  media: CallMediaView,
  /** The other party (tap to call back). */
  other: UserView,
  /** When the call was placed (epoch ms). */
  at: Type.Number(),
  /** How long an answered call lasted (ms); null otherwise or while it goes on. */
  durationMs: Type.Union([Type.Number(), Type.Null()]),
});

export type CallRecordView = Static<typeof CallRecordView>;

/** GET /api/calls: my calls, newest first, and how many missed calls I have not seen (the badge). */
export const CallRecordPageView = Type.Object({
  records: Type.Array(CallRecordView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unseenMissed: Type.Number(),
});
export type CallRecordPageView = Static<typeof CallRecordPageView>;
