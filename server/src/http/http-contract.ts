/**
 * How the service meets HTTP before any route runs: which validator each part of a request gets (JSON bodies as
 * sent, coercion only for the query string, path parameters and headers), and the one error shape
 * `{error: {code, message}}` for what Fastify or Node would otherwise answer in their own formats (a bad
 * percent-escape, an over-long path parameter, oversize headers, a malformed request line).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type {
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
  FastifyServerOptions,
} from 'fastify';
import type { ErrorCode } from '@zego-live/contract';

/** Longest path parameter Fastify routes: a 128-character room ID, percent-escaped or not, with margin. */
export const MAX_PARAM_LENGTH = 200;

/** The error code for each status the framework itself may answer. */
export const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

/** What the OpenAPI document says about bodies (info.description). */
export const BODY_RULES =
  'JSON bodies are validated as sent: a value of the wrong type is refused with 400 BAD_REQUEST naming the field ' +
  '(never coerced: "5" is not 5, 5 is not "5"), and so is a field the route does not take. Only the query string ' +
  'and path parameters are coerced from text. ZEGO callbacks are the one exception: ZEGO decides their fields, so ' +
  'fields the service does not read are ignored there. Every error, whoever raises it, is {"error": {"code", "message"}}.';

/** ajv options shared by every part of a request (Fastify's defaults otherwise). */
const SHARED = { useDefaults: true, allErrors: false } as const;

/**
 * Fastify's schema controller with two ajv instances: bodies strictly (no coercion; an unknown field is an error,
 * not silently removed), the query string, params and headers with coercion from text ('5' -> 5, 'a' -> ['a']).
 */
export function schemaController(): NonNullable<FastifyServerOptions['schemaController']> {
  const factory = AjvCompiler();
  return {
    compilersFactory: {
      // Fastify's own `ajv` server option is not used: these two instances are the whole validation setup.
      buildValidator(externalSchemas) {
        const strict = factory(externalSchemas, {
          customOptions: { ...SHARED, coerceTypes: false, removeAdditional: false },
        });
        const coercing = factory(externalSchemas, {
          customOptions: { ...SHARED, coerceTypes: 'array', removeAdditional: true },
        });
        return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
      },
    },
  };
}

/** A validation failure in words that name the field: "body/title must be string", "body/color is not taken". */
export function validationMessage(
  context: string | undefined,
  errors: readonly FastifySchemaValidationError[],
): string {
  const [first] = errors;
  if (!first) return 'The request is not valid';
  const where = `${context ?? 'body'}${first.instancePath}`;
  const extra = (first.params as { additionalProperty?: unknown }).additionalProperty;
  if (first.keyword === 'additionalProperties' && typeof extra === 'string') {
    return `${where}/${extra} is not a field this route takes`;
  }
  const missing = (first.params as { missingProperty?: unknown }).missingProperty;
  if (first.keyword === 'required' && typeof missing === 'string') return `${where}/${missing} is required`;
  return `${where} ${first.message ?? 'is not valid'}`;
}

/** Sends the one error shape from anywhere a reply exists. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.status(status).send({ error: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message } });
}

/** Fastify's own refusals before routing (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH ...) in the error shape. */
export function frameworkErrors(
  error: Error & { code?: string; statusCode?: number },
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    sendError(reply, 400, 'The path has a malformed percent-escape');
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendError(reply, 414, `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`);
  } else {
    const status = error.statusCode ?? 400;
    sendError(reply, status >= 400 && status < 500 ? status : 400, error.message);
  }
}

/** HTTP/1.1 requires a Host header (RFC 9112 3.2): 400 in the error shape without one. */
export async function refuseMissingHost(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (request.raw.httpVersion !== '1.1' || request.headers.host) return undefined;
  return sendError(reply, 400, 'The request has no Host header (HTTP/1.1 requires one)');
}

/** Messages for what Node's parser refuses before Fastify sees a request. */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
};

/**
 * Node's 'clientError' (malformed request line, oversize headers, a timeout): the answer is written on the
 * socket by hand, in the error shape, and the connection closed (Fastify's default writes its own format).
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code === undefined ? undefined : CLIENT_ERRORS[error.code];
  const status = known?.status ?? 400;
  const body = JSON.stringify({
    error: {
      code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
      message: known?.message ?? 'The request is not valid HTTP',
    },
  });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // end() flushes the answer before closing (a destroy right after write may drop it).
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
