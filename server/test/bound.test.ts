/** The bound on an outside system's calls (src/lib/bound.ts): how many run, in which order, and when it refuses. */
import { Bound, BoundFullError } from '../src/lib/bound';

/** A call the test finishes by hand. */
function held(): { promise: Promise<string>; finish(value: string): void; fail(error: Error): void } {
  let finish = (_value: string): void => undefined;
  let fail = (_error: Error): void => undefined;
  const promise = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a bound on an outside system', () => {
  test('at most `concurrency` run; the others start in the order they came, as places free', async () => {
    const bound = new Bound('test', { concurrency: 2, queueMax: 10 });
    const calls = Array.from({ length: 5 }, () => held());
    const started: number[] = [];
    const results = calls.map((call, i) =>
      bound.run(() => {
        started.push(i);
        return call.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    calls[1].finish('b');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    const failed = expect(results[0]).rejects.toThrow('a failed');
    calls[0].fail(new Error('a failed'));
    await tick();
    // A failed call frees its place too.
    expect(started).toEqual([0, 1, 2, 3]);
    calls[2].finish('c');
    calls[3].finish('d');
    await tick();
    calls[4].finish('e');
    await failed;
    expect(await Promise.all(results.slice(1))).toEqual(['b', 'c', 'd', 'e']);
    // All places free again: the next call starts at once.
    let again = false;
    await bound.run(async () => {
      again = true;
    });
    expect(again).toBe(true);
  });

  test('past `queueMax` waiting, a call is refused at once and never runs', async () => {
    const bound = new Bound('WeChat msg_sec_check', { concurrency: 1, queueMax: 2 });
    const running = held();
    const ran: number[] = [];
    const results = [0, 1, 2, 3].map((i) =>
      bound.run(() => {
        ran.push(i);
        return i === 0 ? running.promise : Promise.resolve(`q${i}`);
      }),
    );
    await expect(results[3]).rejects.toEqual(new BoundFullError('WeChat msg_sec_check'));
    running.finish('first');
    expect(await Promise.all(results.slice(0, 3))).toEqual(['first', 'q1', 'q2']);
    expect(ran).toEqual([0, 1, 2]);
  });
});
