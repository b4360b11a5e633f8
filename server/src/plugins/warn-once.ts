import type { FastifyBaseLogger } from 'fastify';

/** A connection error logger that warns once per outage (30 s), not once per broken connection or retry. */
export function warnOnce(log: FastifyBaseLogger, what: string): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < 30_000) return;
    last = Date.now();
    log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, `${what} error`);
  };
}
