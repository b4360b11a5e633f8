/**
 * A viewer's co-host seat table: every phase x every event allowed or refused exactly as written below (an
 * independent copy, so a change to the table has to be made twice, on purpose), the guards, a refused event
 * reported and changing nothing, the round trips a viewer makes, and the rendered doc fresh.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CohostSeat,
  nextSeat,
  renderSeatTable,
  SEAT_EVENTS,
  SEAT_PHASES,
  serviceEvent,
  type SeatEvent,
  type SeatPhase,
} from '../../miniprogram/pages/stores/cohost-seat';

/** What each phase allows: event -> next phase, with the guard it needs. Everything else is refused. */
const EXPECTED: Record<SeatPhase, Partial<Record<SeatEvent, string>>> = {
  none: {
    ask: 'requesting if watching',
    serviceNone: 'none',
    servicePending: 'pending',
    serviceCohost: 'joining if canPublish',
    reset: 'none',
  },
  requesting: {
    askEnded: 'none',
    serviceNone: 'requesting',
    servicePending: 'pending',
    serviceCohost: 'joining if canPublish',
    reset: 'none',
  },
  pending: {
    cancel: 'pending',
    serviceNone: 'none',
    servicePending: 'pending',
    serviceCohost: 'joining if canPublish',
    reset: 'none',
  },
  joining: {
    serviceNone: 'none',
    servicePending: 'pending',
    serviceCohost: 'joining',
    published: 'onStage',
    tokenRefused: 'none',
    stageFailed: 'leaving',
    end: 'leaving',
    reset: 'none',
  },
  onStage: {
    serviceNone: 'none',
    servicePending: 'pending',
    serviceCohost: 'onStage',
    end: 'leaving',
    reset: 'none',
  },
  leaving: { serviceNone: 'none', servicePending: 'pending', serviceCohost: 'leaving', reset: 'none' },
};

const CONTEXTS = {
  watching: { watching: true, hasEngine: true },
  noEngine: { watching: true, hasEngine: false },
  away: { watching: false, hasEngine: true },
};

describe("a viewer's co-host seat table", () => {
  const cells = SEAT_PHASES.flatMap((phase) => SEAT_EVENTS.map((event) => [phase, event] as const));

  it('has every phase and every event', () => {
    expect([...SEAT_PHASES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(cells).toHaveLength(6 * 11);
  });

  it.each(cells)('%s x %s is allowed or refused as written', (phase, event) => {
    const expected = EXPECTED[phase][event];
    const [to, guard] = expected?.split(' if ') ?? [];
    for (const [name, context] of Object.entries(CONTEXTS)) {
      const allowed =
        to !== undefined &&
        (guard === undefined ||
          (guard === 'watching' && context.watching) ||
          (guard === 'canPublish' && context.watching && context.hasEngine));
      expect({ name, next: nextSeat(phase, event, context) }).toEqual({ name, next: allowed ? to : null });
    }
  });

  it("maps the service's answer about this viewer to its event", () => {
    expect(['none', 'pending', 'cohost'].map((mine) => serviceEvent(mine as 'none'))).toEqual([
      'serviceNone',
      'servicePending',
      'serviceCohost',
    ]);
  });

  function seat(context = CONTEXTS.watching) {
    const refused = jest.fn();
    return { s: new CohostSeat(() => context, refused), refused };
  }

  it('asks, is accepted, goes on stage, ends, and sits down again once the service lets go', () => {
    const { s, refused } = seat();
    const walk = (events: SeatEvent[]) => events.map((e) => (s.send(e), s.phase));
    expect(walk(['ask', 'servicePending', 'serviceCohost'])).toEqual(['requesting', 'pending', 'joining']);
    expect(s.onStage).toBe(true); // the mix stops and the separate streams play while the own one starts
    expect(walk(['published', 'serviceCohost', 'end'])).toEqual(['onStage', 'onStage', 'leaving']);
    expect(s.onStage).toBe(false);
    // The service still lists it for a moment: the seat does not go back on stage.
    expect(walk(['serviceCohost', 'serviceNone'])).toEqual(['leaving', 'none']);
    expect(refused).not.toHaveBeenCalled();
  });

  it('a stream that does not start gives the seat back; a token the service refuses leaves no seat', () => {
    const { s } = seat();
    for (const e of ['ask', 'servicePending', 'serviceCohost', 'stageFailed'] as const) s.send(e);
    expect(s.phase).toBe('leaving');
    s.send('serviceNone');
    for (const e of ['ask', 'servicePending', 'serviceCohost', 'tokenRefused'] as const) s.send(e);
    expect(s.phase).toBe('none');
  });

  it('the anchor taking a co-host off moves the seat from the stage to none', () => {
    const { s } = seat();
    for (const e of ['serviceCohost', 'published', 'serviceNone'] as const) s.send(e);
    expect(s.phase).toBe('none');
  });

  it('a refused event is reported and changes nothing', () => {
    const { s, refused } = seat();
    expect(s.send('end')).toBe(false);
    expect(refused).toHaveBeenCalledWith('none', 'end');
    expect(s.phase).toBe('none');
    s.send('ask');
    expect(s.send('ask')).toBe(false); // a second tap while the first request is under way
    expect(refused).toHaveBeenLastCalledWith('requesting', 'ask');
    const away = seat(CONTEXTS.away);
    expect(away.s.send('ask')).toBe(false); // not watching (reconnecting, a phone call): no request
    expect(away.s.send('serviceCohost')).toBe(false); // accepted meanwhile: the next answer tries again
    expect(away.s.phase).toBe('none');
  });

  it('the rendered doc (docs/cohost-seat-table.md) is the table as it is: run `npm run docs:session` after a change', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'cohost-seat-table.md'), 'utf8');
    expect(doc).toBe(renderSeatTable());
    expect(doc).toContain('| **onStage** |');
  });
});
