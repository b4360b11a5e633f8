import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** The path of a request URL, without its query string (a query may carry a secret; paths here never do). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The service's request log: exactly one short line per request, written when it completes:
 * `GET /api/rooms 200 0.4 ms`. Never a header, a body or a query string. Fastify's own pair of lines
 * ("incoming request" with the full URL, "request completed") is replaced, not added to.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {
    // The one line is written on completion, when the status and the time are known.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = `${request.method} ${pathOf(request.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`;
    // An error here means the response itself failed (e.g. the client went away mid-answer).
    if (error) reply.log.warn(`${line} (${(error as { code?: string }).code ?? error.name})`);
    else reply.log.info(line);
  }

  override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    // A 4xx is already in the request's line; an unexpected 5xx gets its error, never the request.
    if (reply.statusCode >= 500) reply.log.error({ err: error }, error.message);
  }

  override routeNotFound(): void {
    // The 404 is in the request's line.
  }
}
