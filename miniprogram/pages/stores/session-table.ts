/**
 * The live session's one transition table: every phase, every event that moves it, and where each event leads.
 * Every change of phase goes through `SessionMachine.send`; an event the phase does not list is refused (and
 * reported in development builds), never applied. "Where to go back to" after a reconnect or an interruption is
 * part of the machine (`returnTo`), not a loose field of whoever started it. `renderSessionTable()` writes the
 * table as Markdown (docs/session-table.md, kept fresh by a test).
 */

import type { Role, SessionPhase } from '../../stores/session-types';

export type { Role, SessionPhase };

/** What happens to a session. */
export type SessionEvent =
  /** start(): the phone check begins (also from a final phase: a new visit). */
  | 'start'
  /** The role needs the camera and microphone: ask for them. */
  | 'authorize'
  /** Fetch a token and log in. */
  | 'join'
  /** loginRoom succeeded. */
  | 'joined'
  /** The anchor's stream is on air (publisherStateUpdate PUBLISHING). */
  | 'published'
  /** The anchor stopped pushing but stays in the room. */
  | 'unpublished'
  /** The service accepted this viewer as a co-host: it publishes its own stream beside the anchor. */
  | 'cohostStarted'
  /** The co-hosting is over (ended by either side, or by the service): the viewer only watches again. */
  | 'cohostEnded'
  /** The room, the network or a stream dropped. */
  | 'dropped'
  /** What dropped works again. */
  | 'recovered'
  /** A phone call (or the system suspended the pusher). */
  | 'interrupted'
  /** The call is over / the app is back. */
  | 'resumed'
  /** Kicked out (duplicate login, removed). */
  | 'kicked'
  /** The room or the call is over. */
  | 'ended'
  /** Something the user must act on; the reason is on screen. */
  | 'failed'
  /** Reconnecting gave up after the policy's last attempt. */
  | 'gaveUp'
  /** leave(): everything stopped, back to idle. */
  | 'leave';

/** What the guards read. */
export interface GuardContext {
  role: Role | null;
}

/** Named conditions a transition may require. */
export const GUARDS = {
  /** The anchor previews its camera before going live. */
  previewsFirst: (c: GuardContext) => c.role === 'anchor',
  /** Both call members publish and play from the moment they are in. */
  inCall: (c: GuardContext) => c.role === 'call',
  /** Viewers watch. */
  watches: (c: GuardContext) => c.role === 'audience',
} satisfies Record<string, (c: GuardContext) => boolean>;
export type GuardName = keyof typeof GUARDS;

/** Where an event leads: a phase, or back to the phase remembered in `returnTo`. */
export interface Transition {
  to: SessionPhase | 'back';
  /** Only when this guard holds (rows of one event are tried in order). */
  when?: GuardName;
  /**
   * 'from': remember the phase we leave, to go back to it; 'keep': keep what is remembered; a phase: remember that
   * one instead (the co-hosting ended while reconnecting: come back to watching). Default: forget.
   */
  remember?: 'from' | 'keep' | SessionPhase;
}

type Row = Partial<Record<SessionEvent, Transition | Transition[]>>;

const final: Row = { start: { to: 'checking' }, leave: { to: 'idle' } };
/** What may happen to any session that is in the room. */
const inRoom: Row = {
  dropped: { to: 'reconnecting', remember: 'from' },
  interrupted: { to: 'interrupted', remember: 'from' },
  kicked: { to: 'kicked' },
  ended: { to: 'ended' },
  failed: { to: 'failed' },
  leave: { to: 'idle' },
};
const entering: Row = { failed: { to: 'failed' }, kicked: { to: 'kicked' }, leave: { to: 'idle' } };

/** The table: phase x event -> transition. A missing cell is a refused event. */
export const SESSION_TABLE: Record<SessionPhase, Row> = {
  idle: { start: { to: 'checking' }, leave: { to: 'idle' } },
  checking: { ...entering, authorize: { to: 'authorizing' }, join: { to: 'joining' } },
  authorizing: { ...entering, join: { to: 'joining' } },
  joining: {
    ...entering,
    ended: { to: 'ended' },
    joined: [
      { to: 'preview', when: 'previewsFirst' },
      { to: 'calling', when: 'inCall' },
      { to: 'watching', when: 'watches' },
    ],
  },
  preview: { ...inRoom, published: { to: 'live' } },
  live: { ...inRoom, unpublished: { to: 'preview' } },
  watching: { ...inRoom, cohostStarted: { to: 'cohosting', when: 'watches' } },
  calling: { ...inRoom },
  cohosting: { ...inRoom, cohostEnded: { to: 'watching' } },
  reconnecting: {
    ...inRoom,
    dropped: { to: 'reconnecting', remember: 'keep' },
    interrupted: { to: 'interrupted', remember: 'keep' },
    recovered: { to: 'back' },
    unpublished: { to: 'preview' },
    cohostEnded: { to: 'reconnecting', remember: 'watching' },
    gaveUp: { to: 'failed' },
  },
  interrupted: {
    ...inRoom,
    dropped: { to: 'interrupted', remember: 'keep' },
    interrupted: { to: 'interrupted', remember: 'keep' },
    resumed: { to: 'back' },
    unpublished: { to: 'preview' },
    cohostEnded: { to: 'interrupted', remember: 'watching' },
  },
  ended: { ...final },
  kicked: { ...final },
  failed: { ...final },
};

export const SESSION_PHASES = Object.keys(SESSION_TABLE) as SessionPhase[];
export const SESSION_EVENTS: readonly SessionEvent[] = [
  'start',
  'authorize',
  'join',
  'joined',
  'published',
  'unpublished',
  'cohostStarted',
  'cohostEnded',
  'dropped',
  'recovered',
  'interrupted',
  'resumed',
  'kicked',
  'ended',
  'failed',
  'gaveUp',
  'leave',
];

/** Phases in which a session is under way (start() is refused, leave() is needed). */
export const ACTIVE_PHASES: readonly SessionPhase[] = [
  'checking',
  'authorizing',
  'joining',
  'preview',
  'live',
  'watching',
  'calling',
  'cohosting',
  'reconnecting',
  'interrupted',
];

/** Phases in which the session is in the room with its media running as it should. */
export const RUNNING_PHASES: readonly SessionPhase[] = [
  'preview',
  'live',
  'watching',
  'calling',
  'cohosting',
];

/** Phases in which remote streams play as they should (a viewer, a co-host, a call member). */
export const PLAYING_PHASES: readonly SessionPhase[] = ['watching', 'calling', 'cohosting'];

/** The next phase for an event, and what is remembered; null when the table refuses it. */
export function nextPhase(
  phase: SessionPhase,
  event: SessionEvent,
  returnTo: SessionPhase | null,
  context: GuardContext,
): { phase: SessionPhase; returnTo: SessionPhase | null } | null {
  const cell = SESSION_TABLE[phase][event];
  if (!cell) return null;
  const rows = Array.isArray(cell) ? cell : [cell];
  const row = rows.find((r) => !r.when || GUARDS[r.when](context));
  if (!row) return null;
  if (row.to === 'back') return returnTo ? { phase: returnTo, returnTo: null } : null;
  const remembered =
    row.remember === 'from'
      ? phase
      : row.remember === 'keep'
        ? returnTo
        : row.remember === undefined
          ? null
          : row.remember;
  return { phase: row.to, returnTo: remembered };
}

/** Told of every refused event (the session reports them in development builds). */
export type RefusalReporter = (phase: SessionPhase, event: SessionEvent) => void;

/** A refusal reporter that warns in development builds (DevTools, trial) and keeps quiet in release. */
export function warnInDevelopment(table: string): (phase: string, event: string) => void {
  return (phase, event) => {
    const env = (globalThis as { __wxConfig?: { envVersion?: string } }).__wxConfig?.envVersion;
    if (env === 'develop' || env === 'trial') console.warn(`[${table}] ${event} refused in ${phase}`);
  };
}

/**
 * The session's phase, moved only by the table. Plain class: the facade keeps the observable copy in sync through
 * `onChange` (so MobX sees one phase field) and the parts ask it what the phase is.
 */
export class SessionMachine {
  private current: SessionPhase = 'idle';
  private remembered: SessionPhase | null = null;
  private readonly listeners: ((from: SessionPhase, to: SessionPhase, event: SessionEvent) => void)[] = [];

  constructor(
    private readonly context: () => GuardContext,
    private readonly reportRefusal: RefusalReporter,
  ) {}

  get phase(): SessionPhase {
    return this.current;
  }

  /** The phase a 'back' transition returns to. */
  get returnTo(): SessionPhase | null {
    return this.remembered;
  }

  /** Whether the table takes this event now (without taking it). */
  can(event: SessionEvent): boolean {
    return nextPhase(this.current, event, this.remembered, this.context()) !== null;
  }

  /** Is the phase one of these? */
  in(...phases: SessionPhase[]): boolean {
    return phases.includes(this.current);
  }

  /** Takes an event: true when the table allowed it (the phase may stay the same), false when it refused it. */
  send(event: SessionEvent): boolean {
    const next = nextPhase(this.current, event, this.remembered, this.context());
    if (!next) {
      this.reportRefusal(this.current, event);
      return false;
    }
    const from = this.current;
    this.current = next.phase;
    this.remembered = next.returnTo;
    for (const listener of this.listeners) listener(from, next.phase, event);
    return true;
  }

  /** Called after every allowed event. */
  onChange(listener: (from: SessionPhase, to: SessionPhase, event: SessionEvent) => void): void {
    this.listeners.push(listener);
  }
}

/** The table as Markdown: one row per phase, one column per event. */
export function renderSessionTable(): string {
  const cell = (t: Transition | Transition[] | undefined): string => {
    if (!t) return '';
    const rows = Array.isArray(t) ? t : [t];
    return rows
      .map((r) => {
        const to = r.to === 'back' ? '↩ back' : r.to;
        const remember =
          r.remember === 'from'
            ? ' (remember)'
            : r.remember === 'keep'
              ? ' (keep)'
              : r.remember
                ? ` (remember ${r.remember})`
                : '';
        return r.when ? `${to}${remember} if ${r.when}` : `${to}${remember}`;
      })
      .join('<br>');
  };
  const lines = [
    '# The live session: transitions',
    '',
    '<!-- Generated from miniprogram/pages/stores/session-table.ts by `npm run docs:session`; a test fails when stale. -->',
    '',
    'Rows are phases, columns events; an empty cell is refused. "remember" stores the phase left, which "↩ back"',
    'returns to; "keep" keeps what is stored; "remember <phase>" stores that phase instead. Guards: ' +
      Object.keys(GUARDS)
        .map((g) => `\`${g}\``)
        .join(', ') +
      ' (the role: anchor previews first, call members call, viewers watch).',
    '',
    `| phase | ${SESSION_EVENTS.join(' | ')} |`,
    `| --- | ${SESSION_EVENTS.map(() => '---').join(' | ')} |`,
    ...SESSION_PHASES.map(
      (phase) => `| **${phase}** | ${SESSION_EVENTS.map((e) => cell(SESSION_TABLE[phase][e])).join(' | ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
