import type { FastifyBaseLogger, FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../lib/errors';
import { DatabaseUnavailableError } from '../store/common';
import { refuseMissingHost, sendError, validationMessage } from './http-contract';
import { BODY_LIMIT } from './options';

/** During a database outage, at most one warning this often (ms), with the number of refusals since the last. */
export const OUTAGE_WARN_MS = 30_000;

/**
 * How the service reads bodies and answers what no route does: bodiless POSTs, ZEGO's form posts, every error in
 * `{error: {code, message}}`, 404 for an unknown route, and 503 SHUTTING_DOWN while the instance closes.
 */
export default fp(
  async (app) => {
    // Bodiless POSTs (logout, live, end, a viewer's token) often still say application/json, as wx.request does by
    // default: a request without a body is {} (with that type or none), and it skips the body reader (stream
    // events, an async resource, a parse) by going on as Fastify does for a request without a body.
    app.addHook('onRequest', (request, _reply, done) => {
      const { headers } = request;
      if (
        request.method !== 'GET' &&
        headers['transfer-encoding'] === undefined &&
        (headers['content-length'] === undefined || headers['content-length'] === '0')
      ) {
        const type = headers['content-type'];
        if (type === undefined || type.startsWith('application/json')) {
          delete headers['content-type'];
          request.body = {};
        }
      }
      done();
    });
    // A body the hook cannot know is empty in advance (chunked, or only whitespace) is {} too.
    const defaultJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (typeof body === 'string' && body.trim() === '') done(null, {});
      else defaultJson(request, body.toString(), done);
    });
    // ZEGO may post callbacks as a form.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    // One warning per OUTAGE_WARN_MS during an outage, counting the refusals since the last, not one per request.
    let lastOutageWarning = Number.NEGATIVE_INFINITY;
    let refusedSince = 0;
    const outageWarning = (log: FastifyBaseLogger): void => {
      refusedSince += 1;
      const now = Date.now();
      if (now - lastOutageWarning < OUTAGE_WARN_MS) return;
      log.warn({ code: 'DATABASE_UNAVAILABLE', refused: refusedSince }, 'database unavailable');
      lastOutageWarning = now;
      refusedSince = 0;
    };

    app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
      if (error instanceof ApiError) {
        if (error.statusCode >= 500) request.log.warn({ code: error.code }, error.message);
        return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message } });
      }
      if (error instanceof DatabaseUnavailableError) {
        outageWarning(request.log);
        return reply.status(503).send({
          error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable; try again shortly' },
        });
      }
      if (error.validation)
        return sendError(reply, 400, validationMessage(error.validationContext, error.validation));
      const status = error.statusCode ?? 500;
      if (status === 413) {
        return reply.status(413).send({
          error: { code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${BODY_LIMIT} bytes` },
        });
      }
      if (status >= 400 && status < 500) return sendError(reply, status, error.message);
      // Unexpected: log it, answer without details (no stack, no secrets).
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    });

    app.addHook('onRequest', refuseMissingHost);

    // Shutdown: requests already running finish (Fastify waits for them before the onClose hooks close the pools);
    // a request arriving on a kept-alive connection meanwhile is told to go elsewhere.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onRequest', async (_request, reply) => {
      if (!closing) return;
      reply.header('connection', 'close');
      throw new ApiError(503, 'SHUTTING_DOWN', 'This instance is shutting down; retry the request');
    });
    // A response finished while closing ends its connection: kept alive, it would hold the close for the whole
    // keep-alive timeout (72 s in Fastify) once idle.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (closing) reply.header('connection', 'close');
      return payload;
    });

    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
      }),
    );
  },
  { name: 'answers' },
);
