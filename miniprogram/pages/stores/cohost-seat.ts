/**
 * A viewer's co-host seat (连麦) as one transition table, beside the session's own (session-table.ts): every phase
 * of this phone's seat, every event that moves it, and where each leads. The service decides who co-hosts; its
 * answers arrive as the events `serviceNone`, `servicePending` and `serviceCohost` (what `GET /cohosts` says of the
 * caller). An event the seat does not list is refused (reported in development builds), never applied.
 * `renderSeatTable()` writes it as Markdown (docs/cohost-seat-table.md, kept fresh by a test).
 */
import { makeAutoObservable } from 'mobx-miniprogram';

/** Where this phone's seat is. */
export type SeatPhase =
  /** Not asking and not on stage. */
  | 'none'
  /** "申请连麦" under way: the camera and microphone, then the request to the service. */
  | 'requesting'
  /** The service holds the request; the anchor has not answered. */
  | 'pending'
  /** Accepted: the co-host token, then the own stream starting. */
  | 'joining'
  /** Publishing beside the anchor, with a heartbeat. */
  | 'onStage'
  /** Off stage by this phone's own doing (it ended, or its stream did not start): until the service lets go too. */
  | 'leaving';

/** What happens to the seat. */
export type SeatEvent =
  /** The viewer taps "申请连麦". */
  | 'ask'
  /** The request finished without the service holding it (refused, failed, no camera). */
  | 'askEnded'
  /** The viewer taps "取消申请" (the service's answer moves the seat). */
  | 'cancel'
  /** The service: no request, no seat. */
  | 'serviceNone'
  /** The service: the request is held. */
  | 'servicePending'
  /** The service: this viewer co-hosts. */
  | 'serviceCohost'
  /** The own stream is on air. */
  | 'published'
  /** The service refused the co-host token (NOT_COHOST): it does not have us on stage. */
  | 'tokenRefused'
  /** The co-host token could not be had, or the stream did not start: give the seat back. */
  | 'stageFailed'
  /** The co-host taps "结束连麦". */
  | 'end'
  /** A new visit. */
  | 'reset';

/** What the guards read. */
export interface SeatGuardContext {
  /** The visit is a viewer's, watching the room now (not reconnecting, not in a phone call). */
  watching: boolean;
  /** The SDK is there to publish with. */
  hasEngine: boolean;
}

/** Named conditions a transition may require. */
export const SEAT_GUARDS = {
  /** Only a watching viewer asks. */
  watching: (c: SeatGuardContext) => c.watching,
  /** Going on stage needs a watching viewer and the SDK (else the next answer of the service tries again). */
  canPublish: (c: SeatGuardContext) => c.watching && c.hasEngine,
} satisfies Record<string, (c: SeatGuardContext) => boolean>;
export type SeatGuardName = keyof typeof SEAT_GUARDS;

/** Where an event leads. */
export interface SeatTransition {
  to: SeatPhase;
  /** Only when this guard holds. */
  when?: SeatGuardName;
}

type Row = Partial<Record<SeatEvent, SeatTransition>>;

/** The service let go or holds a request again while this phone was going on stage or on it. */
const takenOff: Row = { serviceNone: { to: 'none' }, servicePending: { to: 'pending' } };
const goOn: SeatTransition = { to: 'joining', when: 'canPublish' };

/** The table: phase x event -> transition. A missing cell is a refused event. */
export const SEAT_TABLE: Record<SeatPhase, Row> = {
  none: {
    ask: { to: 'requesting', when: 'watching' },
    serviceNone: { to: 'none' },
    servicePending: { to: 'pending' },
    serviceCohost: goOn,
    reset: { to: 'none' },
  },
  requesting: {
    askEnded: { to: 'none' },
    // A read that started before the request answers "none": the request's own answer decides.
    serviceNone: { to: 'requesting' },
    servicePending: { to: 'pending' },
    serviceCohost: goOn,
    reset: { to: 'none' },
  },
  pending: {
    cancel: { to: 'pending' },
    serviceNone: { to: 'none' },
    servicePending: { to: 'pending' },
    serviceCohost: goOn,
    reset: { to: 'none' },
  },
  joining: {
    ...takenOff,
    serviceCohost: { to: 'joining' },
    published: { to: 'onStage' },
    tokenRefused: { to: 'none' },
    stageFailed: { to: 'leaving' },
    end: { to: 'leaving' },
    reset: { to: 'none' },
  },
  onStage: {
    ...takenOff,
    serviceCohost: { to: 'onStage' },
    end: { to: 'leaving' },
    reset: { to: 'none' },
  },
  leaving: {
    // Not back on stage until the service has let go.
    serviceCohost: { to: 'leaving' },
    serviceNone: { to: 'none' },
    servicePending: { to: 'pending' },
    reset: { to: 'none' },
  },
};

export const SEAT_PHASES = Object.keys(SEAT_TABLE) as SeatPhase[];
export const SEAT_EVENTS: readonly SeatEvent[] = [
  'ask',
  'askEnded',
  'cancel',
  'serviceNone',
  'servicePending',
  'serviceCohost',
  'published',
  'tokenRefused',
  'stageFailed',
  'end',
  'reset',
];

/** Phases in which this phone publishes (or is starting to): the visit plays the separate streams, not the mix. */
export const STAGE_PHASES: readonly SeatPhase[] = ['joining', 'onStage'];

/** The next phase for an event; null when the table refuses it. */
export function nextSeat(phase: SeatPhase, event: SeatEvent, context: SeatGuardContext): SeatPhase | null {
  const row = SEAT_TABLE[phase][event];
  if (!row || (row.when && !SEAT_GUARDS[row.when](context))) return null;
  return row.to;
}

/** The event a service answer (`mine` of `GET /cohosts`) is for the seat. */
export function serviceEvent(mine: 'none' | 'pending' | 'cohost'): SeatEvent {
  return mine === 'cohost' ? 'serviceCohost' : mine === 'pending' ? 'servicePending' : 'serviceNone';
}

/** Told of every refused event (in development builds a warning). */
export type SeatRefusalReporter = (phase: SeatPhase, event: SeatEvent) => void;

/** The seat's phase, moved only by the table; observable, so what the screens derive from it follows. */
export class CohostSeat {
  phase: SeatPhase = 'none';

  constructor(
    private readonly context: () => SeatGuardContext,
    private readonly reportRefusal: SeatRefusalReporter,
  ) {
    makeAutoObservable<CohostSeat, 'context' | 'reportRefusal'>(
      this,
      { context: false, reportRefusal: false },
      { autoBind: true },
    );
  }

  /** This viewer publishes as a co-host (or is starting to). */
  get onStage(): boolean {
    return STAGE_PHASES.includes(this.phase);
  }

  /** Whether the table takes this event now (without taking it). */
  can(event: SeatEvent): boolean {
    return nextSeat(this.phase, event, this.context()) !== null;
  }

  /** Takes an event: true when the table allowed it, false (reported) when it refused it. */
  send(event: SeatEvent): boolean {
    const next = nextSeat(this.phase, event, this.context());
    if (next === null) {
      this.reportRefusal(this.phase, event);
      return false;
    }
    this.phase = next;
    return true;
  }
}

/** The table as Markdown: one row per phase, one column per event. */
export function renderSeatTable(): string {
  const cell = (t: SeatTransition | undefined): string => (!t ? '' : t.when ? `${t.to} if ${t.when}` : t.to);
  return [
    "# A viewer's co-host seat: transitions",
    '',
    '<!-- Generated from miniprogram/pages/stores/cohost-seat.ts by `npm run docs:session`; a test fails when stale. -->',
    '',
    'Rows are phases, columns events; an empty cell is refused. `serviceNone`, `servicePending` and `serviceCohost`',
    "are the service's answer about this viewer (`mine` of `GET /api/rooms/:id/cohosts`). Guards: " +
      Object.keys(SEAT_GUARDS)
        .map((g) => `\`${g}\``)
        .join(', ') +
      ' (a watching viewer asks; going on stage also needs the SDK).',
    '',
    `| phase | ${SEAT_EVENTS.join(' | ')} |`,
    `| --- | ${SEAT_EVENTS.map(() => '---').join(' | ')} |`,
    ...SEAT_PHASES.map(
      (phase) => `| **${phase}** | ${SEAT_EVENTS.map((e) => cell(SEAT_TABLE[phase][e])).join(' | ')} |`,
    ),
    '',
  ].join('\n');
}
