import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallMediaView, CallRecordPageView, InvitationAnswer } from '@zego-live/contract/call-schemas';
import { BODY } from '@zego-live/contract/schemas';
import { requireUser } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { badRequest } from '../../lib/errors';
import { userView } from '../../lib/views';
import { InvalidCursorError } from '../../store/common';
import { recordOutcome } from './invitation-rules';
import { answer, invite, newCallCard, ringLateDevice, switchMedia, timeOut } from './invitations';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const MOVES = ['accept', 'decline', 'cancel'] as const;

/** Calling a person: invitations, their answers, the records and the missed-call badge, call cards. */
const callRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live, events } = app;
  const write = { rateLimit: live.rateLimits.write };
  // Each sweep pass ends the invitations whose ring time is over; a device that connects rings for what still rings.
  app.sweeper.addStep('call invitations', async (now) => void (await timeOut(live, events, now)));
  events.onJoin((userId, send) => ringLateDevice(live, userId, send));
  // The instance that rang also times out on time (the sweep runs only every few seconds).
  const timers = new Set<NodeJS.Timeout>();
  app.addHook('onClose', async () => timers.forEach((timer) => clearTimeout(timer)));

  /** POST /api/calls {calleeId, media, card?}: rings the callee (or answers busy at once). */
  app.post(
    '/calls',
    {
      config: write,
      schema: {
        body: Type.Object(
          {
            calleeId: Type.String({ minLength: 1, maxLength: 64 }),
            media: CallMediaView,
            card: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          BODY,
        ),
        response: { 200: InvitationAnswer, ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const invitation = await invite(live, events, user, request.body);
      if (invitation.state === 'ringing') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          timeOut(live, events).catch((error: unknown) =>
            app.log.warn({ err: error }, 'call timeout failed'),
          );
        }, live.config.callRingTimeoutMs + 50);
        timer.unref();
        timers.add(timer);
      }
      return { invitation };
    },
  );

  for (const move of MOVES) {
    /** POST /api/calls/:id/accept | decline (the callee) | cancel (the caller): 409 INVITATION_ENDED when too late. */
    app.post(
      `/calls/:id/${move}`,
      { config: write, schema: { params: IdParams, response: { 200: InvitationAnswer, ...Errors } } },
      async (request) => {
        const { user } = await requireUser(app, request);
        return { invitation: await answer(live, events, user.id, request.params.id, move) };
      },
    );
  }

  /** POST /api/calls/:id/media {media}: one party switched the answered call (to audio): the other follows. */
  app.post(
    '/calls/:id/media',
    {
      config: write,
      schema: {
        params: IdParams,
        body: Type.Object({ media: CallMediaView }, BODY),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      await switchMedia(live, events, user.id, request.params.id, request.body.media);
      return { ok: true };
    },
  );

  /** GET /api/calls?cursor=&limit=: my calls, newest first, with the count of missed calls I have not seen. */
  app.get(
    '/calls',
    {
      schema: {
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
        }),
        response: { 200: CallRecordPageView, ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const { cursor, limit } = request.query;
      const page = await live.store.invitations
        .records(user.id, { cursor, limit })
        .catch((error: unknown) => {
          if (error instanceof InvalidCursorError)
            throw badRequest('querystring/cursor is not one this service issued');
          throw error;
        });
      const records = page.records.map((r) => {
        const side = r.callerId === user.id ? 'caller' : 'callee';
        return {
          id: r.id,
          direction: side === 'caller' ? ('outgoing' as const) : ('incoming' as const),
          outcome: recordOutcome(r.state, side),
          media: r.media,
          other: userView(side === 'caller' ? r.callee : r.caller),
          at: r.createdAt,
          durationMs:
            r.talkStartedAt !== null && r.talkEndedAt !== null ? r.talkEndedAt - r.talkStartedAt : null,
        };
      });
      const unseenMissed = await live.store.invitations.unseenMissed(user.id);
      return { records, nextCursor: page.nextCursor, unseenMissed };
    },
  );

  /** POST /api/calls/seen: the records page was opened; the missed-call badge goes. */
  app.post(
    '/calls/seen',
    { config: write, schema: { response: { 200: Type.Object({ unseenMissed: Type.Number() }), ...Errors } } },
    async (request) => {
      const { user } = await requireUser(app, request);
      await live.store.invitations.markSeen(user.id, live.now());
      return { unseenMissed: 0 };
    },
  );

  /** POST /api/calls/cards: a 「和我视频通话」 card's code; whoever opens the card may call me. */
  app.post(
    '/calls/cards',
    { config: write, schema: { response: { 200: Type.Object({ card: Type.String() }), ...Errors } } },
    async (request) => {
      const { user } = await requireUser(app, request);
      return { card: await newCallCard(live, user.id) };
    },
  );
};

export default callRoutes;
