import { Type } from '@sinclair/typebox';
import { ErrorView } from '@zego-live/contract/schemas';
import type { FastifyRequest } from 'fastify';
import { sessionLimitKey } from './auth';

/** The error answers every API route declares: `{error: {code, message}}` for any 4xx and 5xx. */
export const Errors = { '4xx': ErrorView, '5xx': ErrorView };

/** A room and one of its users in the path: /rooms/:id/.../:userId. */
export const RoomUserParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});

/** A route limit counted per signed-in session (however its Authorization header is spelled), not per address. */
export function perSession(
  name: string,
  limit: { max: number; timeWindow: number },
): { rateLimit: { max: number; timeWindow: number; keyGenerator: (request: FastifyRequest) => string } } {
  return {
    rateLimit: { ...limit, keyGenerator: (request) => `${name}:${sessionLimitKey(request)}` },
  };
}
