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
export function encodeCursor(room: Pick<Room, 'createdAt' | 'id'>): string {
  return Buffer.from(`${room.createdAt}:${room.id}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null for one this service did not issue. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  const match = /^(\d+):([A-Za-z0-9_]+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { createdAt: Number(match[1]), id: match[2] } : null;
}

/** A lobby list position: rank 0 live, 1 upcoming; key -createdAt for live, plannedStartAt for upcoming. */
export interface LobbyPosition {
  rank: number;
  key: number;
  id: string;
}

/** The lobby position of a room the lobby lists. */
export function lobbyPosition(room: Room): LobbyPosition {
  return room.status === 'live'
    ? { rank: 0, key: -room.createdAt, id: room.id }
    : { rank: 1, key: room.plannedStartAt ?? 0, id: room.id };
}

/** An opaque lobby cursor (its own prefix: a plain list's cursor is refused here, and the other way round). */
export function encodeLobbyCursor(room: Room): string {
  const { rank, key, id } = lobbyPosition(room);
  return Buffer.from(`L${rank}:${key}:${id}`, 'utf8').toString('base64url');
}

/** The lobby position a cursor stands for, or null for one this service did not issue. */
export function decodeLobbyCursor(cursor: string): LobbyPosition | null {
  const match = /^L([01]):(-?\d+):([A-Za-z0-9_]+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { rank: Number(match[1]), key: Number(match[2]), id: match[3] } : null;
}
