/**
 * A bound on the calls to one outside system (WeChat's content check, ZEGO's server API): at most `concurrency`
 * run at once, the next ones wait in order (first come, first started) up to `queueMax`, and past that a call is
 * refused at once. So a flood of chat neither opens unbounded sockets to them nor holds requests forever: the
 * service answers 503 in the error shape and keeps answering its other routes.
 */

/** A call refused because the bound's queue is full. */
export class BoundFullError extends Error {
  constructor(readonly system: string) {
    super(`${system}: too many calls waiting`);
    this.name = 'BoundFullError';
  }
}

/** How many calls may run at once and wait. */
export interface BoundLimits {
  concurrency: number;
  queueMax: number;
}

/** The calls to one outside system, bounded. */
export class Bound {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly system: string,
    private readonly limits: BoundLimits,
  ) {}

  /**
   * Runs fn now, or once a running call ends (in the order of the calls to run); BoundFullError at once when
   * queueMax calls already wait. The call takes its place synchronously: calls made in an order start in it.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return this.settle(fn);
    }
    if (this.waiting.length >= this.limits.queueMax) return Promise.reject(new BoundFullError(this.system));
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.settle(fn));
  }

  private async settle<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      // The place goes to the next waiting call, else it is freed.
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }
}
