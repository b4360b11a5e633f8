/** The service's side of the error contract: an error carrying one of the contract's codes, and its shorthands. */
import type { ErrorCode } from '@zego-live/contract';

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
/** 403 REMOVED_FROM_ROOM: the anchor or an operator removed this viewer; nothing in that room is theirs any more. */
export const removedFromRoom = (): ApiError =>
  new ApiError(403, 'REMOVED_FROM_ROOM', 'You were removed from this room');
