/**
 * Machine-readable error codes of the API, sent as `{error: {code, message}}`: the list at run time (the apps'
 * catalog test walks it), the type derived from it.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'CONFLICT',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'ZEGO_NOT_CONFIGURED',
  'WECHAT_UNAVAILABLE',
  'WECHAT_CODE_INVALID',
  'ALIPAY_NOT_CONFIGURED',
  'ALIPAY_UNAVAILABLE',
  'ALIPAY_CODE_INVALID',
  'RTC_ROOM_NOT_CONFIGURED',
  'NOT_A_MEMBER',
  'LINK_BASE_URL_NOT_CONFIGURED',
  'ROOM_ENDED',
  'ROOM_ALREADY_CLAIMED',
  'INVITE_INVALID',
  'INVITE_EXPIRED',
  'INVITE_USED',
  'WRONG_ROLE',
  'WRONG_KIND',
  'CALL_FULL',
  'ROOM_NOT_LIVE',
  'COHOST_FULL',
  'ALREADY_COHOST',
  'REQUEST_NOT_FOUND',
  'COHOST_NOT_FOUND',
  'NOT_COHOST',
  'MESSAGE_EMPTY',
  'MESSAGE_TOO_LONG',
  'MESSAGE_REJECTED',
  'MESSAGE_HELD',
  'COMMENTS_OFF',
  'CHAT_MUTED',
  'REMOVED_FROM_ROOM',
  'CHAT_UNAVAILABLE',
  'CHAT_NEEDS_WECHAT',
  'CONTENT_CHECK_UNAVAILABLE',
  'CANNOT_MODERATE_ANCHOR',
  'DATABASE_UNAVAILABLE',
  'NOT_READY',
  'SHUTTING_DOWN',
  'CALLBACK_EXPIRED',
  'CALLBACK_REPLAYED',
  'INTERNAL',
  // Planned rooms and start reminders.
  'ROOM_NOT_UPCOMING',
  'REMINDERS_UNAVAILABLE',
  'REMINDER_NEEDS_WECHAT',
] as const;

/** One of ERROR_CODES. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error the client can act on; the error handler turns it into a JSON response. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400: the request is malformed. */
export const badRequest = (message: string): ApiError => new ApiError(400, 'BAD_REQUEST', message);
/** 401: no or an invalid credential. */
export const unauthorized = (message: string): ApiError => new ApiError(401, 'UNAUTHORIZED', message);
/** 403: authenticated but not allowed. */
export const forbidden = (message: string): ApiError => new ApiError(403, 'FORBIDDEN', message);
/** 404: no such thing. */
export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);
