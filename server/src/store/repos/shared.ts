/** Reads and expressions more than one repository uses. */
import { sql } from 'kysely';
import type { Engine, Query } from '../engine';
import { toRoom } from '../rows';
import type { Room } from '../types';

/** The room, or null. */
export async function getRoom(q: Query, id: string): Promise<Room | null> {
  const row = await q.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRoom(row) : null;
}

/**
 * The room, locked for the rest of the transaction where the engine locks rows (PostgreSQL: concurrent decisions
 * about one room queue here); SQLite's transaction already holds the write lock.
 */
export async function lockRoom(engine: Engine, q: Query, id: string): Promise<Room | null> {
  const row = await q
    .selectFrom('rooms')
    .selectAll()
    .where('id', '=', id)
    .$if(engine.rowLocks, (qb) => qb.forUpdate())
    .executeTakeFirst();
  return row ? toRoom(row) : null;
}

/**
 * live_ms with the live stretch ending at `now` added: only a room that is live now has one running (SET reads the
 * row's old values in both engines). The same UPDATE sets live_since (NULL, or the start of the next stretch).
 */
export const endLiveStretch = (now: number) =>
  sql<number>`live_ms + CASE WHEN status = 'live' AND live_since IS NOT NULL THEN ${now} - live_since ELSE 0 END`;
