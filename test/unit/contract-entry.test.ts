/**
 * The contract's one entry-link parser (packages/contract/entry.ts): every bad input the service's decoder and the
 * app's parser were tested with gets one answer, the same from the contract and from the app's words layer (which
 * the WeChat pages and the Alipay call page use); and every code or link the service's encoders make opens.
 */
import {
  anchorLink,
  audienceLink,
  audiencePath,
  encodeAnchorScene,
  parseAnchorLaunch,
  parseAudienceLaunch,
  parseQueryString,
  SceneError,
  type EntryQuery,
} from '@zego-live/contract';
import { parseAnchorEntry, parseAudienceEntry } from '../../miniprogram/utils/entry';

const enc = encodeURIComponent;

/** Bad anchor entries: [what, query, the one answer]. The first four were the service decoder's (it answered null). */
const BAD_ANCHOR: [string, EntryQuery, string][] = [
  ['service: nothing', {}, 'MISSING'],
  ['service: broken percent-encoding in scene', { scene: '%E0%A4%A' }, 'MALFORMED'],
  ['service: a link with a bad room ID', { q: enc('https://other.example.com/x?roomID=a-b') }, 'BAD_ROOM_ID'],
  ['service: a room ID with a space', { roomID: 'has space' }, 'BAD_ROOM_ID'],
  // Where the two used to differ: the service skipped an undecodable pair, took any invite, read no compact scene.
  [
    'a link with one undecodable pair',
    { q: enc('https://x.example.com/a?roomID=r1&x=%E0%A4%A') },
    'MALFORMED',
  ],
  ['a scene invite with characters no invite has', { scene: enc('room_1.a b<') }, 'BAD_INVITE'],
  ['q that is plain text, not a link', { q: enc('roomID=room_1') }, 'MALFORMED'],
  // The app's.
  ['app: empty roomID', { roomID: '' }, 'MISSING'],
  ['app: blank scene', { scene: enc('   ') }, 'MALFORMED'],
  ['app: scene without room', { scene: enc('i=inv42') }, 'MISSING'],
  ['app: scene with a bad room ID', { scene: enc('r=room 1&i=x') }, 'BAD_ROOM_ID'],
  ['app: <roomID>.<invite> with a bad room ID', { scene: enc('room-1.inv') }, 'BAD_ROOM_ID'],
  ['app: q link without a query', { q: enc('https://live.example.com/anchor') }, 'MALFORMED'],
  ['app: q link without roomID', { q: enc('https://live.example.com/anchor?invite=x') }, 'MISSING'],
  ['app: q with broken encoding', { q: '%E0%A4%A' }, 'MALFORMED'],
  ['app: roomID too long', { roomID: 'a'.repeat(129) }, 'BAD_ROOM_ID'],
  ['app: invite with bad characters', { roomID: 'room_1', invite: 'a b<script>' }, 'BAD_INVITE'],
];

describe('one answer to a bad entry, on every side', () => {
  it.each(BAD_ANCHOR)('%s -> %s', (_what, query, code) => {
    const contract = parseAnchorLaunch(query);
    expect(contract).toMatchObject({ ok: false, refusal: { code } });
    const app = parseAnchorEntry(query);
    expect(app.ok ? null : app.error.code).toBe(code);
    if (!app.ok) expect(app.error.message).toMatch(/[\u4e00-\u9fa5]/); // the user reads Chinese
  });

  it.each([
    [{}, 'MISSING'],
    [{ roomID: 'bad id' }, 'BAD_ROOM_ID'],
    [{ q: enc('not a link') }, 'MALFORMED'],
  ] as [EntryQuery, string][])('a viewer entry %j -> %s on both', (query, code) => {
    expect(parseAudienceLaunch(query)).toMatchObject({ ok: false, refusal: { code } });
    const app = parseAudienceEntry(query);
    expect(app.ok ? null : app.error.code).toBe(code);
  });

  it('names what is wrong with a bad room ID, and the app says it in words', () => {
    expect(parseAnchorLaunch({ roomID: 'a'.repeat(129) })).toMatchObject({
      refusal: { code: 'BAD_ROOM_ID', problem: 'TOO_LONG' },
    });
    const app = parseAnchorEntry({ roomID: 'room-1!' });
    expect(app.ok ? '' : app.error.message).toBe('房间号“room-1!”不正确：房间号只能包含字母、数字和下划线');
  });
});

describe("what the service's encoders make always opens", () => {
  it('a mini-program code scene, as WeChat hands it (URL-encoded)', () => {
    const scene = encodeAnchorScene('rAbCdEfGhIjK', 'x1Y2z3W4v5');
    for (const parse of [parseAnchorLaunch, parseAnchorEntry]) {
      expect(parse({ scene: enc(scene) })).toEqual({
        ok: true,
        entry: { roomID: 'rAbCdEfGhIjK', invite: 'x1Y2z3W4v5', source: 'scene' },
      });
    }
  });

  it('the anchor link, the watch link and the shared path', () => {
    expect(parseAnchorLaunch({ q: enc(anchorLink('https://live.example.com/', 'r_2', 'inv-2')) })).toEqual({
      ok: true,
      entry: { roomID: 'r_2', invite: 'inv-2', source: 'link' },
    });
    expect(parseAudienceLaunch({ q: enc(audienceLink('https://live.example.com', 'r_2')) })).toEqual({
      ok: true,
      entry: { roomID: 'r_2', invite: null, source: 'link' },
    });
    expect(parseAudienceLaunch(parseQueryString(audiencePath('r_2')) ?? {})).toEqual({
      ok: true,
      entry: { roomID: 'r_2', invite: null, source: 'query' },
    });
  });

  it('refuses to encode an invite the parser would refuse', () => {
    expect(() => encodeAnchorScene('room_1', 'a b')).toThrow(SceneError);
    expect(() => encodeAnchorScene('room_1', 'in%valid')).toThrow(/invite/);
  });
});
