/**
 * The transition table: every phase x every event allowed or refused exactly as written below (an independent
 * copy, so a change to the table has to be made twice, on purpose), "back" returns where it was, refusals are
 * reported and change nothing, the reconnect policy's jitter stays in bounds, and the rendered doc is fresh.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BackoffPolicy, RECONNECT_BACKOFF_MS } from '../../miniprogram/pages/stores/recovery';
import {
  SESSION_EVENTS,
  SESSION_PHASES,
  SessionMachine,
  nextPhase,
  renderSessionTable,
  type Role,
  type SessionEvent,
  type SessionPhase,
} from '../../miniprogram/pages/stores/session-table';

/** What each phase allows: event -> next phase ('back' = the remembered phase). Everything else is refused. */
const EXPECTED: Record<SessionPhase, Partial<Record<SessionEvent, string>>> = {
  idle: { start: 'checking', leave: 'idle' },
  checking: { authorize: 'authorizing', join: 'joining', failed: 'failed', kicked: 'kicked', leave: 'idle' },
  authorizing: { join: 'joining', failed: 'failed', kicked: 'kicked', leave: 'idle' },
  joining: { joined: 'by role', ended: 'ended', failed: 'failed', kicked: 'kicked', leave: 'idle' },
  preview: { published: 'live', ...inRoom() },
  live: { unpublished: 'preview', ...inRoom() },
  watching: { ...inRoom(), cohostStarted: 'cohosting if audience' },
  calling: inRoom(),
  cohosting: { ...inRoom(), cohostEnded: 'watching' },
  reconnecting: {
    ...inRoom(),
    dropped: 'reconnecting',
    interrupted: 'interrupted',
    recovered: 'back',
    unpublished: 'preview',
    cohostEnded: 'reconnecting',
    gaveUp: 'failed',
  },
  interrupted: {
    ...inRoom(),
    dropped: 'interrupted',
    interrupted: 'interrupted',
    resumed: 'back',
    unpublished: 'preview',
    cohostEnded: 'interrupted',
  },
  ended: { start: 'checking', leave: 'idle' },
  kicked: { start: 'checking', leave: 'idle' },
  failed: { start: 'checking', leave: 'idle' },
};

function inRoom(): Partial<Record<SessionEvent, string>> {
  return {
    dropped: 'reconnecting',
    interrupted: 'interrupted',
    kicked: 'kicked',
    ended: 'ended',
    failed: 'failed',
    leave: 'idle',
  };
}

const JOINED_BY_ROLE: Record<Role, SessionPhase> = {
  anchor: 'preview',
  audience: 'watching',
  call: 'calling',
};

describe('the transition table', () => {
  const cells = SESSION_PHASES.flatMap((phase) => SESSION_EVENTS.map((event) => [phase, event] as const));

  it('has every phase and every event', () => {
    expect([...SESSION_PHASES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(cells).toHaveLength(14 * 17);
  });

  it.each(cells)('%s x %s is allowed or refused as written', (phase, event) => {
    const expected = EXPECTED[phase][event];
    for (const role of ['anchor', 'audience', 'call'] as const) {
      const next = nextPhase(phase, event, 'live', { role });
      if (expected === undefined) expect(next).toBeNull();
      else if (expected === 'by role') expect(next?.phase).toBe(JOINED_BY_ROLE[role]);
      else if (expected === 'cohosting if audience')
        expect(next?.phase ?? null).toBe(role === 'audience' ? 'cohosting' : null);
      else if (expected === 'back') expect(next?.phase).toBe('live');
      else expect(next?.phase).toBe(expected);
    }
  });

  it('joined is refused without a role', () => {
    expect(nextPhase('joining', 'joined', null, { role: null })).toBeNull();
  });

  function machine(role: Role) {
    const refused = jest.fn();
    const m = new SessionMachine(() => ({ role }), refused);
    const changes: string[] = [];
    m.onChange((from, to, event) => changes.push(`${from}-${event}->${to}`));
    return { m, refused, changes };
  }

  it('a reconnect goes back to where it started, also through a phone call on the way', () => {
    const { m } = machine('anchor');
    for (const e of ['start', 'authorize', 'join', 'joined', 'published', 'dropped'] as const) m.send(e);
    expect(m.phase).toBe('reconnecting');
    expect(m.returnTo).toBe('live');
    m.send('interrupted');
    expect(m.returnTo).toBe('live');
    m.send('resumed');
    expect(m.phase).toBe('live');
    m.send('dropped');
    m.send('recovered');
    expect(m.phase).toBe('live');
    expect(m.returnTo).toBeNull();
  });

  it('the anchor in preview drops and comes back to preview; a call comes back to calling', () => {
    const anchor = machine('anchor').m;
    for (const e of ['start', 'join', 'joined', 'dropped', 'recovered'] as const) anchor.send(e);
    expect(anchor.phase).toBe('preview');
    const call = machine('call').m;
    for (const e of ['start', 'join', 'joined', 'interrupted', 'dropped', 'resumed'] as const) call.send(e);
    expect(call.phase).toBe('calling');
  });

  it('a co-host comes back to cohosting after a drop; ended meanwhile, it comes back to watching', () => {
    const { m } = machine('audience');
    for (const e of ['start', 'join', 'joined', 'cohostStarted', 'dropped'] as const) m.send(e);
    expect(m.returnTo).toBe('cohosting');
    m.send('recovered');
    expect(m.phase).toBe('cohosting');
    for (const e of ['dropped', 'interrupted', 'cohostEnded'] as const) m.send(e);
    expect(m.phase).toBe('interrupted');
    expect(m.returnTo).toBe('watching');
    m.send('resumed');
    expect(m.phase).toBe('watching');
    expect(machine('anchor').m.can('cohostStarted')).toBe(false);
  });

  it('a refused event is reported and changes nothing', () => {
    const { m, refused, changes } = machine('audience');
    expect(m.send('published')).toBe(false);
    expect(refused).toHaveBeenCalledWith('idle', 'published');
    expect(m.phase).toBe('idle');
    expect(changes).toEqual([]);
    m.send('start');
    m.send('join');
    m.send('joined');
    expect(m.send('unpublished')).toBe(false);
    expect(m.send('resumed')).toBe(false);
    expect(m.phase).toBe('watching');
    expect(changes).toEqual(['idle-start->checking', 'checking-join->joining', 'joining-joined->watching']);
  });

  it('the rendered doc (docs/session-table.md) is the table as it is: run `npm run docs:session` after a change', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'session-table.md'), 'utf8');
    expect(doc).toBe(renderSessionTable());
    expect(doc).toContain('| **reconnecting** |');
  });
});

describe('the reconnect policy', () => {
  it('waits 1, 2, 4, 8, 16 s without jitter, then gives up', () => {
    const policy = new BackoffPolicy(RECONNECT_BACKOFF_MS, 0);
    expect([0, 1, 2, 3, 4, 5].map((a) => policy.nextDelayMs(a))).toEqual([
      1000,
      2000,
      4000,
      8000,
      16000,
      null,
    ]);
    expect(policy.maxAttempts).toBe(5);
  });

  it('jitter shortens each wait by at most its share, never lengthens it', () => {
    let r = 0;
    const randoms = [0, 0.5, 1, 0.25, 0.99];
    const policy = new BackoffPolicy(RECONNECT_BACKOFF_MS, 0.2, () => randoms[r++ % randoms.length]);
    const waits = [0, 1, 2, 3, 4].map((a) => policy.nextDelayMs(a) as number);
    expect(waits).toEqual([1000, 1800, 3200, 7600, 12832]);
    waits.forEach((w, i) => {
      expect(w).toBeLessThanOrEqual(RECONNECT_BACKOFF_MS[i]);
      expect(w).toBeGreaterThanOrEqual(RECONNECT_BACKOFF_MS[i] * 0.8);
    });
  });
});
