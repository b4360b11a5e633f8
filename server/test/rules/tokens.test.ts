/** The privileges a token carries, decided without a database (features/tokens/rules.ts). */
import { refusal } from '../helpers/refusal';
import { planToken, privilegesFor } from '../../src/features/tokens/rules';
import type { TokenRoom } from '../../src/store/types';

const live: TokenRoom = { id: 'r1', kind: 'live', status: 'live', ownerId: 'anchor', streamId: 'r1_main' };
const call: TokenRoom = { id: 'c1', kind: 'call', status: 'idle', ownerId: 'a', streamId: 'c1_a' };

describe('planToken', () => {
  it('gives the anchor its room stream and nobody else publish as anchor', () => {
    expect(planToken('anchor', live, 'anchor', false)).toEqual({ kind: 'anchor', streamId: 'r1_main' });
    expect(refusal(() => planToken('anchor', live, 'viewer', false))).toBe('403 FORBIDDEN');
    expect(refusal(() => planToken('anchor', { ...live, ownerId: null }, 'viewer', false))).toBe(
      '403 FORBIDDEN',
    );
  });

  it('records a viewer for the anchor list, never the anchor watching its own room', () => {
    expect(planToken('audience', live, 'viewer', false)).toEqual({ kind: 'audience', recordViewer: true });
    expect(planToken('audience', live, 'anchor', false)).toEqual({ kind: 'audience', recordViewer: false });
  });

  it('refuses a removed viewer any role, but never the anchor', () => {
    for (const role of ['audience', 'cohost', 'anchor'] as const)
      expect(refusal(() => planToken(role, live, 'viewer', true))).toBe('403 REMOVED_FROM_ROOM');
    expect(planToken('anchor', live, 'anchor', true).kind).toBe('anchor');
  });

  it('keeps the call role for call rooms and the others for live rooms', () => {
    expect(refusal(() => planToken('call', live, 'viewer', false))).toBe('400 WRONG_ROLE');
    expect(refusal(() => planToken('audience', call, 'a', false))).toBe('400 WRONG_ROLE');
    expect(planToken('call', call, 'b', false)).toEqual({ kind: 'call' });
  });

  it('refuses every token for an ended room', () => {
    expect(refusal(() => planToken('audience', { ...live, status: 'ended' }, 'viewer', false))).toBe(
      '409 ROOM_ENDED',
    );
    expect(refusal(() => planToken('call', { ...call, status: 'ended' }, 'a', false))).toBe('409 ROOM_ENDED');
  });

  it('leaves a co-host to its accepted record (read after the decision)', () => {
    expect(planToken('cohost', live, 'viewer', false)).toEqual({ kind: 'cohost' });
  });
});

describe('privilegesFor', () => {
  it('binds publish to exactly one stream, or gives play only', () => {
    expect(privilegesFor('r1_main')).toEqual({ publish: true, streamIds: ['r1_main'] });
    expect(privilegesFor(null)).toEqual({ publish: false, streamIds: null });
  });
});
