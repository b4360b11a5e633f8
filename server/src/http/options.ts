import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from '../config';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH, schemaController } from './http-contract';
import { RequestLog } from './request-log';
import { trustProxy } from './trust-proxy';

/** Largest accepted request body (bytes); every API body is a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

/** The most a request's headers may take to arrive (ms). */
const HEADERS_TIMEOUT_MS = 10_000;

/** Paths pino replaces with "[redacted]" wherever they show up in a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'sessionToken',
  'token',
  'secret',
  'serverSecret',
  'consoleToken',
  '*.sessionToken',
  '*.token',
  '*.secret',
  '*.serverSecret',
  '*.consoleToken',
  '*.zegoCallbackSecret',
  // Alipay: the app's private key, a sign-in's auth code, the <rtc-room> signature.
  'privateKey',
  'authCode',
  'signature',
  '*.privateKey',
  '*.authCode',
  '*.signature',
];

/** Where the log goes: pino's level, and its stream (default stdout; `false` silences logs). */
export interface LogOptions {
  logStream?: DestinationStream | false;
  logLevel?: string;
}

/** Fastify's own options: the body limit, the log, the proxies trusted, and Fastify's and Node's refusals in our shape. */
export function serverOptions(config: Config, log: LogOptions): FastifyHttpOptions<Server> {
  return {
    bodyLimit: BODY_LIMIT,
    // While closing, our onRequest hook answers 503 in the API's error shape (Fastify's own 503 body is not).
    return503OnClosing: false,
    // One short line per request (method, path, status, ms); never headers, bodies or query strings.
    logController: new RequestLog(),
    trustProxy: config.trustProxy === false ? false : trustProxy(config.trustProxy),
    logger:
      log.logStream === false
        ? false
        : {
            level: log.logLevel ?? 'info',
            redact: { paths: REDACT, censor: '[redacted]' },
            ...(log.logStream ? { stream: log.logStream } : {}),
          },
    // Bodies strictly, the query string and params coerced; Fastify's and Node's own refusals in our error shape.
    schemaController: schemaController(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    // A request must arrive whole within REQUEST_TIMEOUT_MS (headers within 10 s): a client dripping bytes is cut
    // off with 408 (http-contract's clientErrorHandler) instead of holding its connection for ever.
    requestTimeout: config.requestTimeoutMs,
    http: {
      // Node would answer a Host-less HTTP/1.1 request itself, with an empty body: refuseMissingHost answers instead.
      requireHostHeader: false,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs),
      // Node looks for overdue requests this often (its default, 30 s, would let a short timeout run long).
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs / 4),
    },
  };
}
