/**
 * The full-screen gift effects: one at a time, in the order the gifts came, none while the page is hidden (skipped,
 * not saved up), a bounded queue in a storm.
 */
import {
  EFFECT_MS,
  EFFECT_QUEUE_MAX,
  EffectQueue,
  type GiftEffectView,
} from '../../miniprogram/pages/stores/gift-effects';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

const effect = (n: number): GiftEffectView => ({
  key: `e${n}`,
  nickname: `观众${n}`,
  giftName: '火箭',
  iconUrl: '',
  count: 1,
});

/** A queue and what the screen was shown, in order. */
function queue(): { q: EffectQueue; shown: (string | null)[] } {
  const shown: (string | null)[] = [];
  const q = new EffectQueue((e) => shown.push(e?.key ?? null));
  return { q, shown };
}

it('plays one at a time, each for EFFECT_MS, in the order they came', () => {
  const { q, shown } = queue();
  q.add(effect(1));
  q.add(effect(2));
  q.add(effect(3));
  expect(shown).toEqual(['e1']);
  expect(q.pending).toBe(2);
  jest.advanceTimersByTime(EFFECT_MS - 1);
  expect(q.current?.key).toBe('e1');
  jest.advanceTimersByTime(1);
  expect(q.current?.key).toBe('e2');
  jest.advanceTimersByTime(EFFECT_MS * 2);
  expect(shown).toEqual(['e1', 'e2', 'e3', null]);
  expect(q.current).toBeNull();
});

it('none while the page is hidden: the one playing stops, the waiting ones and new ones are skipped', () => {
  const { q, shown } = queue();
  q.add(effect(1));
  q.add(effect(2));
  q.setHidden(true);
  expect(q.current).toBeNull();
  q.add(effect(3));
  jest.advanceTimersByTime(EFFECT_MS * 5);
  expect(shown).toEqual(['e1', null]);
  q.setHidden(false);
  q.add(effect(4));
  expect(shown).toEqual(['e1', null, 'e4']);
});

it('a storm keeps the newest EFFECT_QUEUE_MAX waiting, still in order', () => {
  const { q, shown } = queue();
  for (let n = 1; n <= EFFECT_QUEUE_MAX + 6; n += 1) q.add(effect(n));
  expect(q.pending).toBe(EFFECT_QUEUE_MAX);
  jest.advanceTimersByTime(EFFECT_MS * (EFFECT_QUEUE_MAX + 1));
  const played = shown.filter((k): k is string => k !== null).map((k) => Number(k.slice(1)));
  expect(played[0]).toBe(1);
  expect(played.slice(1)).toEqual(Array.from({ length: EFFECT_QUEUE_MAX }, (_, i) => i + 7));
});

it('clear stops everything; nothing fires later', () => {
  const { q, shown } = queue();
  q.add(effect(1));
  q.add(effect(2));
  q.clear();
  jest.advanceTimersByTime(EFFECT_MS * 3);
  expect(shown).toEqual(['e1', null]);
});
