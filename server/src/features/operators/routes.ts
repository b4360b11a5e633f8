/**
 * Operator accounts (under /api): sign-in and sign-out, the caller's own account and password, the accounts an
 * admin manages, and the audit log. CONSOLE_TOKEN acts as an admin only until the first account exists.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ActorView,
  AuditList,
  OperatorListed,
  OperatorName,
  OperatorPassword,
  OperatorRole,
  OperatorSession,
  OperatorView,
} from '@zego-live/contract/operators';
import { BODY } from '@zego-live/contract/schemas';
import { identify, requireOperator } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { badRequest } from '../../lib/errors';
import { addOperator, changeOperator, changeOwnPassword, setPassword, signIn } from './service';

const OperatorParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const OperatorAnswer = Type.Object({ operator: OperatorView });

const operatorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };

  /** POST /api/operators/sign-in {name, password}: a session (Bearer) for 12 h; 5 failures lock the account 15 min. */
  app.post(
    '/operators/sign-in',
    {
      config: { rateLimit: live.rateLimits.auth },
      schema: {
        body: Type.Object({ name: Type.String({ maxLength: 64 }), password: OperatorPassword }, BODY),
        response: { 200: OperatorSession, ...Errors },
      },
    },
    async (request) => {
      const session = await signIn(live, request.body.name, request.body.password);
      const { id, name, role } = session.operator;
      await app.audit.record({ kind: 'operator', id, name, role }, 'sign-in');
      return session;
    },
  );

  /** POST /api/operators/sign-out: ends the caller's session at once, on every instance. */
  app.post(
    '/operators/sign-out',
    { config: write, schema: { response: { 200: Type.Object({ signedOut: Type.Boolean() }), ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind !== 'operator' || caller.tokenHash === null) return { signedOut: false };
      await live.store.operators.endSession(caller.tokenHash);
      return { signedOut: true };
    },
  );

  /** GET /api/operators/me: who the console is signed in as (CONSOLE_TOKEN: the bootstrap admin). */
  app.get(
    '/operators/me',
    { schema: { response: { 200: Type.Object({ operator: ActorView }), ...Errors } } },
    async (request) => ({ operator: await requireOperator(app, request) }),
  );

  /** POST /api/operators/me/password {current, next}: the caller's own password; its other sessions end. */
  app.post(
    '/operators/me/password',
    {
      config: { rateLimit: live.rateLimits.auth },
      schema: {
        body: Type.Object({ current: OperatorPassword, next: OperatorPassword }, BODY),
        response: { 200: Type.Object({ changed: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const caller = await identify(app, request);
      const actor = await requireOperator(app, request);
      if (actor.id === null || caller.kind !== 'operator' || caller.tokenHash === null)
        throw badRequest('CONSOLE_TOKEN has no password: create an admin account and sign in with it');
      const { current, next } = request.body;
      await changeOwnPassword(live, { id: actor.id, name: actor.name }, current, next, caller.tokenHash);
      return { changed: true };
    },
  );

  /** GET /api/operators: every account with its sign-in lock, if any (admin). */
  app.get(
    '/operators',
    { schema: { response: { 200: Type.Object({ operators: Type.Array(OperatorListed) }), ...Errors } } },
    async (request) => {
      await requireOperator(app, request, 'admin');
      const now = live.now();
      const operators = await live.store.operators.list();
      // A lock that has run out is no lock: the console shows only the ones still refusing sign-ins.
      return {
        operators: operators.map((o) => ({
          ...o,
          lockedUntil: (o.lockedUntil ?? 0) > now ? o.lockedUntil : null,
        })),
      };
    },
  );

  /** POST /api/operators {name, role, password}: a new account (admin; CONSOLE_TOKEN makes the first admin). */
  app.post(
    '/operators',
    {
      config: write,
      schema: {
        body: Type.Object({ name: OperatorName, role: OperatorRole, password: OperatorPassword }, BODY),
        response: { 200: OperatorAnswer, ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'admin');
      return { operator: await addOperator(live, request.body) };
    },
  );

  /** PATCH /api/operators/:id {role?, disabled?}: an admin changes a role or disables an account (its sessions end). */
  app.patch(
    '/operators/:id',
    {
      config: write,
      schema: {
        params: OperatorParams,
        body: Type.Object(
          { role: Type.Optional(OperatorRole), disabled: Type.Optional(Type.Boolean()) },
          BODY,
        ),
        response: { 200: OperatorAnswer, ...Errors },
      },
    },
    async (request) => {
      const actor = await requireOperator(app, request, 'admin');
      if (actor.id === request.params.id)
        throw badRequest('Change your own account from another admin account');
      return { operator: await changeOperator(live, request.params.id, request.body) };
    },
  );

  /** POST /api/operators/:id/password {password}: an admin sets a new password (the account's sessions end). */
  app.post(
    '/operators/:id/password',
    {
      config: write,
      schema: {
        params: OperatorParams,
        body: Type.Object({ password: OperatorPassword }, BODY),
        response: { 200: OperatorAnswer, ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'admin');
      const operator = await changeOperator(live, request.params.id, {});
      await setPassword(live, operator.id, request.body.password);
      return { operator };
    },
  );

  /** GET /api/audit?roomId&limit: what operators did, newest first (admin). */
  app.get(
    '/audit',
    {
      schema: {
        querystring: Type.Object({
          roomId: Type.Optional(Type.String({ maxLength: 128 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: AuditList, ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'admin');
      const { roomId, limit = 100 } = request.query;
      return { entries: await live.store.audit.list({ roomId, limit }) };
    },
  );
};

export default operatorRoutes;
