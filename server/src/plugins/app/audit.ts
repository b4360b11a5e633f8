/**
 * The audit log: every operator write that succeeded is recorded under the operator's name, in one place (an onSend
 * hook), so a route added later is audited without doing anything; a route adds words with noteAuditDetail.
 */
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { auditDetailOf, operatorOf } from '../../http/auth';
import type { Actor } from '../../store/types';
import type {} from './live';

/** What an action concerned besides its actor. */
export interface AuditFacts {
  roomId?: string | null;
  target?: string | null;
  detail?: string | null;
}

/** Records one operator action (best effort: a failed write is logged, never fails the action). */
export interface Audit {
  record(actor: Actor, action: string, facts?: AuditFacts): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: Audit;
  }
}

/** The room and the user or account a request's route concerned, read from its params and body. */
function factsOf(request: FastifyRequest): AuditFacts {
  const url = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const userId = params.userId ?? (typeof body.userId === 'string' ? body.userId : undefined);
  return {
    roomId: url.startsWith('/api/rooms/:id') ? (params.id ?? null) : null,
    target: userId ?? (url.startsWith('/api/operators/:id') ? (params.id ?? null) : null),
    detail: auditDetailOf(request),
  };
}

/** Decorates `audit` and records every successful operator write. */
export default fp(
  async (app) => {
    const audit: Audit = {
      async record(actor, action, facts = {}) {
        try {
          await app.live.store.audit.record({
            at: app.live.now(),
            actor,
            action,
            roomId: facts.roomId ?? null,
            target: facts.target ?? null,
            detail: facts.detail ?? null,
          });
        } catch (error) {
          app.log.error({ err: error, action, operator: actor.name }, 'audit log write failed');
        }
      },
    };
    app.decorate('audit', audit);
    // Before the answer leaves, so whoever reads the log after an answer finds the action there.
    app.addHook('onSend', async (request, reply, payload) => {
      const actor = operatorOf(request);
      if (actor === null || request.method === 'GET' || reply.statusCode >= 400) return payload;
      await audit.record(
        actor,
        `${request.method} ${request.routeOptions.url ?? request.url}`,
        factsOf(request),
      );
      return payload;
    });
  },
  { name: 'audit', dependencies: ['live'] },
);
