import { Batch } from '../src/lib/batch';

/** A batch that answers each ask with its double, recording the asks of each call. */
function doubling(max?: number): { batch: Batch<number, number>; calls: number[][] } {
  const calls: number[][] = [];
  const batch = new Batch<number, number>(async (asks) => {
    calls.push(asks);
    return asks.map((ask) => ask * 2);
  }, max);
  return { batch, calls };
}

describe('Batch: the asks of one turn, answered by one call', () => {
  test('asks made in the same turn are one call, in their order, each answered with its own answer', async () => {
    const { batch, calls } = doubling();
    const answers = await Promise.all([batch.ask(1), batch.ask(2), batch.ask(3)]);
    expect(answers).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  test('an ask in a later turn is another call; a lone ask is answered too', async () => {
    const { batch, calls } = doubling();
    expect(await batch.ask(5)).toBe(10);
    const later = await new Promise<number>((resolve) => setImmediate(() => void batch.ask(7).then(resolve)));
    expect(later).toBe(14);
    expect(calls).toEqual([[5], [7]]);
  });

  test('asks made while a call is running wait for the next one, not for nothing', async () => {
    let release: () => void = () => undefined;
    const calls: number[][] = [];
    const batch = new Batch<number, number>(async (asks) => {
      calls.push(asks);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return asks;
    });
    const first = batch.ask(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch.ask(2);
    expect(await second).toBe(2);
    release();
    expect(await first).toBe(1);
    expect(calls).toEqual([[1], [2]]);
  });

  test('at most max asks a call: the next ones start another', async () => {
    const { batch, calls } = doubling(100);
    const asks = Array.from({ length: 250 }, (_, i) => i);
    expect(await Promise.all(asks.map((ask) => batch.ask(ask)))).toEqual(asks.map((ask) => ask * 2));
    expect(calls.map((call) => call.length)).toEqual([100, 100, 50]);
  });

  test('a failed call fails every ask of its batch with its error, and the next batch is answered', async () => {
    let fail = true;
    const batch = new Batch<number, number>(async (asks) => {
      if (fail) throw new Error('database unavailable');
      return asks;
    });
    const failed = await Promise.allSettled([batch.ask(1), batch.ask(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(failed.map((result) => (result as PromiseRejectedResult).reason.message)).toEqual([
      'database unavailable',
      'database unavailable',
    ]);
    fail = false;
    expect(await batch.ask(3)).toBe(3);
  });

  test('a call that throws at once, or answers the wrong number of asks, fails them all', async () => {
    const throwing = new Batch<number, number>(() => {
      throw new Error('not even started');
    });
    await expect(Promise.all([throwing.ask(1), throwing.ask(2)])).rejects.toThrow('not even started');
    const short = new Batch<number, number>(async (asks) => asks.slice(1));
    const results = await Promise.allSettled([short.ask(1), short.ask(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('batch: 1 answers to 2 asks');
  });
});
