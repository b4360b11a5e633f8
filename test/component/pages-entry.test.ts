/**
 * utils/entry: every way the anchor and audience pages can be opened, and every bad one (pure, no simulate).
 * The anchor QR forms must stay in step with the contract's encoders (packages/contract/entry.ts).
 */
import { parseAnchorEntry, parseAudienceEntry, parseQueryString } from '../../miniprogram/utils/entry';

const enc = encodeURIComponent;

describe('parseAnchorEntry', () => {
  it.each([
    ['scene <roomID>.<invite>', { scene: enc('room_1.AbC-9_x') }, 'room_1', 'AbC-9_x', 'scene'],
    ['scene <roomID> only', { scene: enc('room_1') }, 'room_1', null, 'scene'],
    ['compact scene r=&i=', { scene: enc('r=room_1&i=inv42') }, 'room_1', 'inv42', 'scene'],
    ['scene with roomID=&invite=', { scene: enc('roomID=room_1&invite=inv42') }, 'room_1', 'inv42', 'scene'],
    ['scene WeChat did not encode', { scene: 'r=room_1&i=inv42' }, 'room_1', 'inv42', 'scene'],
    [
      'q: the plain QR link',
      { q: enc('https://live.example.com/anchor?roomID=room_1&invite=inv42') },
      'room_1',
      'inv42',
      'link',
    ],
    ['q without invite', { q: enc('https://live.example.com/anchor?roomID=room_1') }, 'room_1', null, 'link'],
    [
      'q with a fragment',
      { q: enc('https://x.example.com/a?roomID=room_1&invite=i1#top') },
      'room_1',
      'i1',
      'link',
    ],
    ['plain roomID + invite', { roomID: 'room_1', invite: 'inv42' }, 'room_1', 'inv42', 'query'],
    ['plain roomID', { roomID: 'room_1' }, 'room_1', null, 'query'],
    ['scene wins over roomID', { scene: enc('r=room_2'), roomID: 'room_1' }, 'room_2', null, 'scene'],
  ])('%s', (_name, query, roomID, invite, source) => {
    expect(parseAnchorEntry(query)).toEqual({ ok: true, entry: { roomID, invite, source } });
  });

  it.each([
    ['nothing', {}, 'MISSING'],
    ['empty roomID', { roomID: '' }, 'MISSING'],
    ['broken percent-encoding in scene', { scene: '%E0%A4%A' }, 'MALFORMED'],
    ['blank scene', { scene: enc('   ') }, 'MALFORMED'],
    ['scene without room', { scene: enc('i=inv42') }, 'MISSING'],
    ['scene with a bad room ID', { scene: enc('r=room 1&i=x') }, 'BAD_ROOM_ID'],
    ['scene <roomID>.<invite> with a bad room ID', { scene: enc('room-1.inv') }, 'BAD_ROOM_ID'],
    ['q that is not a link', { q: enc('room_1') }, 'MALFORMED'],
    ['q link without a query', { q: enc('https://live.example.com/anchor') }, 'MALFORMED'],
    ['q link without roomID', { q: enc('https://live.example.com/anchor?invite=x') }, 'MISSING'],
    ['q with broken encoding', { q: '%E0%A4%A' }, 'MALFORMED'],
    ['q link with broken inner encoding', { q: enc('https://x.example.com/a?roomID=%E0%A4%A') }, 'MALFORMED'],
    ['roomID with bad characters', { roomID: 'room-1!' }, 'BAD_ROOM_ID'],
    ['roomID too long', { roomID: 'a'.repeat(129) }, 'BAD_ROOM_ID'],
    ['invite with bad characters', { roomID: 'room_1', invite: 'a b<script>' }, 'BAD_INVITE'],
  ])('%s -> %s', (_name, query, code) => {
    const result = parseAnchorEntry(query);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
});

describe('parseAudienceEntry', () => {
  it('reads roomID and never an invite', () => {
    expect(parseAudienceEntry({ roomID: 'room_1', invite: 'x' })).toEqual({
      ok: true,
      entry: { roomID: 'room_1', invite: null, source: 'query' },
    });
  });

  it('reads a scanned watch link', () => {
    expect(parseAudienceEntry({ q: enc('https://live.example.com/watch?roomID=room_9') })).toEqual({
      ok: true,
      entry: { roomID: 'room_9', invite: null, source: 'link' },
    });
  });

  it.each([
    [{}, 'MISSING'],
    [{ roomID: 'bad id' }, 'BAD_ROOM_ID'],
    [{ q: enc('not a link') }, 'MALFORMED'],
  ])('%j -> %s', (query, code) => {
    const result = parseAudienceEntry(query);
    expect(result.ok ? null : result.error.code).toBe(code);
  });
});

describe('parseQueryString', () => {
  it('decodes keys and values, keeps the first of a repeated key, reads + as space', () => {
    expect(parseQueryString('https://a.example.com/p?x=1&y=a%20b&x=2&z=c+d&flag')).toEqual({
      x: '1',
      y: 'a b',
      z: 'c d',
      flag: '',
    });
  });
});

describe('in step with the service’s QR codes (the contract’s link encoders)', () => {
  const launch = require('@zego-live/contract') as typeof import('@zego-live/contract');

  it.each([
    ['room_1', 'Inv-42_x'],
    ['room_1', undefined],
  ])('mini-program code scene for %s / %s', (roomID, invite) => {
    // WeChat hands the page `scene` URL-encoded.
    const scene = encodeURIComponent(launch.encodeAnchorScene(roomID, invite));
    expect(parseAnchorEntry({ scene })).toEqual({
      ok: true,
      entry: { roomID, invite: invite ?? null, source: 'scene' },
    });
  });

  it('plain QR link of the anchor (q)', () => {
    const q = encodeURIComponent(launch.anchorLink('https://live.example.com/', 'room_1', 'Inv-42_x'));
    expect(parseAnchorEntry({ q })).toEqual({
      ok: true,
      entry: { roomID: 'room_1', invite: 'Inv-42_x', source: 'link' },
    });
  });

  it('watch link and shared path of the audience', () => {
    const q = encodeURIComponent(launch.audienceLink('https://live.example.com', 'room_1'));
    expect(parseAudienceEntry({ q })).toMatchObject({ ok: true, entry: { roomID: 'room_1' } });
    const path = launch.audiencePath('room_1');
    expect(path).toBe('pages/audience/index?roomID=room_1');
    expect(parseAudienceEntry(parseQueryString(path) ?? {})).toMatchObject({
      ok: true,
      entry: { roomID: 'room_1' },
    });
  });
});
