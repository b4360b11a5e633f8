import { ApiError } from '../../src/lib/errors';

/** What a decision throws, as "status CODE" (an ApiError), or 'ok' when it lets the request through. */
export function refusal(decide: () => unknown): string {
  try {
    decide();
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return `${error.statusCode} ${error.code}`;
    throw error;
  }
}
