import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { ApiError } from '../../lib/errors';

/** Prefix of the rate-limit keys in Redis (tests use their own). */
export interface RateLimitOptions {
  keyPrefix: string;
}

/**
 * Route limits (each route names its own in `config.rateLimit`). With REDIS_URL every instance counts in the same
 * keys, so N instances enforce one limit; if Redis is briefly away the request passes unlimited rather than failing
 * (/readyz reports Redis down meanwhile).
 */
export default fp<RateLimitOptions>(
  async (app, { keyPrefix }) => {
    const { redis } = app;
    await app.register(rateLimit, {
      global: false,
      ...(redis !== null ? { redis, nameSpace: keyPrefix, skipOnError: true } : {}),
      // A refusal says when to retry (Retry-After and the limits); an answer within the limit carries no extra headers.
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          429,
          'RATE_LIMITED',
          `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  },
  { name: 'rate-limit', dependencies: ['redis'] },
);
