/**
 * Calling a person, on this device: the invitation ringing here (incoming), the one this device placed
 * (「正在呼叫…」), the outcome both sides see, the ring (started on an incoming call, stopped on every outcome and
 * when the app hides), the call records with the missed-call badge. Fed by the event channel's call events.
 */
import type { AppEvent, CallMedia } from '@zego-live/contract';
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import { ApiError, type Api, type ApiCallRecord, type ApiInvitation } from '../services/api-client';
import type { Platform } from '../services/platform-types';
import type { Ringer } from '../services/ringer-types';
import { outcomeText } from '../utils/call-outcome';
import { RING_TABLE, type RingEvent, type RingPhase } from '../utils/ring-table';
import { describeServiceError } from '../utils/error-catalog';

export type { ApiCallRecord, ApiInvitation };

/** What the call store needs from outside (tests pass fakes). */
export interface CallStoreDeps {
  api: Pick<
    Api,
    'newCallCard' | 'callPerson' | 'answerCall' | 'switchCallMedia' | 'listCalls' | 'markCallsSeen' | 'config'
  >;
  platform: () => Pick<Platform, 'requestSubscribeMessage'>;
  currentUserID: () => string | null;
  ringer: Ringer;
}

/** An answered call this device goes into: the call room, the media, the invitation (to switch media). */
export interface AnsweredCall {
  invitationId: string;
  roomId: string;
  media: CallMedia;
}

/** The call part of the app. */
export class CallStore {
  /** Where this device stands (utils/ring-table.ts decides every move and the ring with it). */
  phase: RingPhase = 'idle';
  /** An invitation ringing on this device. */
  incoming: ApiInvitation | null = null;
  /** The invitation this device placed, while it rings (「正在呼叫…」). */
  outgoing: ApiInvitation | null = null;
  /** How the last invitation ended, in words ('' while none or when it led into the call). */
  outcome = '';
  /** The call to go into (set once accepted; the ring screen opens the call page and clears it). */
  answered: AnsweredCall | null = null;
  /** The other side switched the answered call to this media (the call page follows). */
  switchedTo: { roomId: string; media: CallMedia } | null = null;
  /** A failure the user can act on (a refused call). */
  error = '';
  /** Whom the ring screen shows: the caller ringing here, or the person this device calls (kept for the outcome). */
  peer: { nickname: string; avatarUrl: string } | null = null;
  /** The media of the invitation on the ring screen. */
  media: CallMedia = 'video';
  records: ApiCallRecord[] = [];
  unseenMissed = 0;
  /** The missed-call message (未接来电, one per acceptance): can be asked for, asked for, or not offered here. */
  missedNotice: 'available' | 'subscribed' | 'unavailable' = 'unavailable';
  /** My 「和我视频通话」 card's code, for the share card (null until made). */
  myCard: string | null = null;

  private missedTemplateId: string | null = null;

  private answeredHere: string | null = null;

  constructor(private readonly deps: CallStoreDeps) {
    makeAutoObservable<CallStore, 'deps' | 'answeredHere' | 'missedTemplateId'>(this, {
      deps: false,
      missedTemplateId: false,
      answeredHere: false,
    });
  }

  /** An event from the channel. */
  receive(event: AppEvent): void {
    const me = this.deps.currentUserID();
    if (event.type === 'call.media') {
      this.switchedTo = { roomId: event.roomId, media: event.media };
      return;
    }
    const invitation = event.invitation;
    if (event.type === 'call.invited') {
      // Already ringing, calling or answered here: the table refuses (the service answered that caller busy).
      if (invitation.callee.id !== me || !this.step('invited')) return;
      this.incoming = invitation;
      this.peer = invitation.caller;
      this.media = invitation.media;
      this.outcome = '';
      return;
    }
    this.settle(invitation);
  }

  /** Calls a person: 「正在呼叫…」, or 「对方忙线中」 at once. */
  async call(calleeId: string, media: CallMedia, card?: string): Promise<void> {
    if (!RING_TABLE[this.phase].place) return;
    this.error = '';
    this.outcome = '';
    this.media = media;
    try {
      const { invitation } = await this.deps.api.callPerson(calleeId, media, card);
      runInAction(() => {
        this.peer = invitation.callee;
        if (invitation.state === 'ringing' && this.step('place')) this.outgoing = invitation;
        else if (this.step('busy')) this.outcome = outcomeText(invitation.state, 'caller', false);
      });
    } catch (error) {
      runInAction(() => {
        this.error = messageOf(error);
        this.step('busy');
      });
    }
  }

  /** The callee answers on this device. */
  async accept(): Promise<void> {
    const ringing = this.incoming;
    if (ringing === null) return;
    this.answeredHere = ringing.id;
    this.step('answer');
    await this.move(ringing, 'accept');
  }

  /** The callee declines. */
  async decline(): Promise<void> {
    if (this.incoming !== null) await this.move(this.incoming, 'decline');
  }

  /** The caller stops calling. */
  async cancel(): Promise<void> {
    if (this.outgoing !== null) await this.move(this.outgoing, 'cancel');
  }

  /** The app hid: the ring stops (the invitation keeps ringing on the service until it times out). */
  hide(): void {
    this.step('hide');
  }

  /** Signed out: nothing of the last user's calls stays (the ring stops). */
  reset(): void {
    this.step('reset');
    this.incoming = null;
    this.outgoing = null;
    this.outcome = '';
    this.answered = null;
    this.switchedTo = null;
    this.error = '';
    this.peer = null;
    this.records = [];
    this.unseenMissed = 0;
    this.missedNotice = 'unavailable';
    this.myCard = null;
  }

  /** The ring screen took the answered call (it opened the call page). */
  tookAnswered(): void {
    this.answered = null;
    this.step('done');
  }

  /** The ring screen closed on the outcome. */
  closed(): void {
    this.step('done');
  }

  /** Switches the answered call to audio; the other side follows through its event. */
  async switchToAudio(invitationId: string): Promise<void> {
    await settled(() => this.deps.api.switchCallMedia(invitationId, 'audio'));
  }

  /** Reads my records (first page) and the badge. */
  async loadRecords(): Promise<void> {
    this.error = '';
    try {
      const page = await this.deps.api.listCalls();
      runInAction(() => {
        this.records = page.records;
        this.unseenMissed = page.unseenMissed;
      });
    } catch (error) {
      runInAction(() => (this.error = messageOf(error)));
    }
  }

  /** Whether the missed-call message can be asked for here (a template configured, subscribe messages on WeChat). */
  async loadMissedNotice(): Promise<void> {
    const config = await settled(() => this.deps.api.config());
    runInAction(() => {
      this.missedTemplateId = config?.callTemplateId ?? null;
      const offered =
        this.missedTemplateId !== null && this.deps.platform().requestSubscribeMessage !== undefined;
      if (this.missedNotice !== 'subscribed') this.missedNotice = offered ? 'available' : 'unavailable';
    });
  }

  /** Asks for one missed-call message (call it from a tap, as WeChat requires). */
  async askMissedNotice(): Promise<void> {
    const ask = this.deps.platform().requestSubscribeMessage;
    const templateId = this.missedTemplateId;
    if (!ask || templateId === null) return;
    const answer = await ask.call(this.deps.platform(), templateId).catch(() => 'reject' as const);
    runInAction(() => {
      if (answer === 'accept' || answer === 'acceptWithAudio') this.missedNotice = 'subscribed';
    });
  }

  /** Makes my call card once (whoever opens the shared card may call me). */
  async loadMyCard(): Promise<void> {
    if (this.myCard !== null) return;
    const answer = await settled(() => this.deps.api.newCallCard());
    runInAction(() => (this.myCard = answer?.card ?? null));
  }

  /** The records page was seen: the badge goes. */
  async markSeen(): Promise<void> {
    if (this.unseenMissed === 0) return;
    this.unseenMissed = 0;
    await settled(() => this.deps.api.markCallsSeen());
  }

  private async move(invitation: ApiInvitation, move: 'accept' | 'decline' | 'cancel'): Promise<void> {
    try {
      const answer = await this.deps.api.answerCall(invitation.id, move);
      runInAction(() => this.settle(answer.invitation));
    } catch (error) {
      // Too late (answered elsewhere, cancelled, timed out): the channel's event says which; until then, this.
      runInAction(() => {
        this.step('refused');
        if (this.incoming?.id === invitation.id) this.incoming = null;
        if (this.outgoing?.id === invitation.id) this.outgoing = null;
        this.outcome = messageOf(error);
      });
    }
  }

  /** The invitation left ringing: stop the ring, say how it ended, or go into the call. */
  private settle(invitation: ApiInvitation): void {
    const mine = this.incoming?.id === invitation.id || this.outgoing?.id === invitation.id;
    const here = this.answeredHere === invitation.id;
    if ((!mine && !here) || invitation.state === 'ringing') return;
    const side = invitation.caller.id === this.deps.currentUserID() ? 'caller' : 'callee';
    const goInto = invitation.state === 'accepted' && (side === 'caller' || here);
    const event: RingEvent = goInto ? 'accepted' : invitation.state === 'accepted' ? 'elsewhere' : 'ended';
    // Once per invitation: the HTTP answer and the channel's event both report it; the second is refused.
    if (!this.step(event)) return;
    if (this.incoming?.id === invitation.id) this.incoming = null;
    if (this.outgoing?.id === invitation.id) this.outgoing = null;
    if (goInto) {
      this.answered = { invitationId: invitation.id, roomId: invitation.roomId, media: invitation.media };
      this.outcome = '';
    } else {
      this.outcome = outcomeText(invitation.state, side, here);
    }
  }

  /** Moves by the table (ringing with it); false when the table refuses the event here. */
  private step(event: RingEvent): boolean {
    const move = RING_TABLE[this.phase][event];
    if (!move) return false;
    this.phase = move.to;
    if (move.ring === 'start') this.deps.ringer.start();
    if (move.ring === 'stop') this.deps.ringer.stop();
    return true;
  }
}

/** The answer of a request whose failure changes nothing on screen, or null when it failed. */
async function settled<T>(request: () => Promise<T>): Promise<T | null> {
  try {
    return (await request()) ?? null;
  } catch {
    return null;
  }
}

/** The catalog's words for a failed call request. */
function messageOf(error: unknown): string {
  if (error instanceof ApiError) return describeServiceError(error).message;
  return '呼叫失败，请稍后重试';
}
