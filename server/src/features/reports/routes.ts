/** Problem reports (遇到问题？, under /api): a user sends one; the console lists them by room and user and shows one. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ProblemReportBody, ProblemReportView } from '@zego-live/contract/operators';
import { requireOperator, requireUser } from '../../http/auth';
import { Errors, perSession } from '../../http/route-parts';
import { notFound } from '../../lib/errors';
import { keepReport, purgeReports, reportViews } from './service';

/** The largest report body: 500 lines of a few hundred bytes and a description (the API's 16 KB is too small). */
export const REPORT_BODY_LIMIT = 256 * 1024;

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  app.sweeper.addStep('problem reports', async (now) => {
    const purged = await purgeReports(live, now);
    if (purged > 0) app.log.info({ purged }, 'old problem reports deleted');
  });

  /** POST /api/reports {roomId?, description, device, logs}: a signed-in user's report; 3 per 10 min per session. */
  app.post(
    '/reports',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      config: perSession('reports', live.rateLimits.reports),
      schema: { body: ProblemReportBody, response: { 200: Type.Object({ id: Type.Number() }), ...Errors } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      return { id: await keepReport(live, user.id, request.body) };
    },
  );

  /** GET /api/reports?roomId&userId&limit: the newest reports, without their log lines (any operator). */
  app.get(
    '/reports',
    {
      schema: {
        querystring: Type.Object({
          roomId: Type.Optional(Type.String({ maxLength: 128 })),
          userId: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ reports: Type.Array(ProblemReportView) }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request);
      const { roomId, userId, limit = 50 } = request.query;
      return {
        reports: await reportViews(live, await live.store.reports.list({ roomId, userId, limit }), false),
      };
    },
  );

  /** GET /api/reports/:id: one report with its log lines (any operator). */
  app.get(
    '/reports/:id',
    {
      schema: {
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Object({ report: ProblemReportView }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request);
      const report = await live.store.reports.get(request.params.id);
      if (report === null) throw notFound(`No problem report ${request.params.id}`);
      return { report: (await reportViews(live, [report], true))[0] };
    },
  );
};

export default reportRoutes;
