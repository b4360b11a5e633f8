import type { Room } from './types';

/** Thrown by list() for a cursor this store did not issue. */
export class InvalidCursorError extends Error {}

/** The database cannot be reached (down, restarting, pool exhausted); the API answers 503 DATABASE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  constructor(readonly cause: unknown) {
    super('The database is unavailable');
    this.name = 'DatabaseUnavailableError';
  }
}

/** An opaque list cursor: the last room's createdAt and id. */
export function encodeCursor(room: Room): string {
  return Buffer.from(`${room.createdAt}:${room.id}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null for one this service did not issue. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  const match = /^(\d+):([A-Za-z0-9_]+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { createdAt: Number(match[1]), id: match[2] } : null;
}
