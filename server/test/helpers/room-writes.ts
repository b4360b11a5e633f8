/**
 * Counts the writes of rooms' rows as the database itself sees them: a trigger adds one to a counter table for each
 * row an UPDATE of rooms changes (SQLite and PostgreSQL alike). Tests and the bench use it to show how many counter
 * writes a load cost, whatever the service thinks it did.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';

/** Where the database is: an SQLite file or a PostgreSQL URL. */
export type DatabaseAt = { sqlite: string } | { postgres: string };

/** The number of rooms rows updated since install(), read from the database. */
export interface RoomWrites {
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Installs the counting trigger (once per database) and returns its reader. */
export async function countRoomWrites(at: DatabaseAt): Promise<RoomWrites> {
  if ('sqlite' in at) {
    const db = new Database(at.sqlite);
    db.exec(`CREATE TABLE IF NOT EXISTS t_room_writes (n INTEGER NOT NULL);
      INSERT INTO t_room_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM t_room_writes);
      CREATE TRIGGER IF NOT EXISTS t_count_room_writes AFTER UPDATE ON rooms
      BEGIN UPDATE t_room_writes SET n = n + 1; END;`);
    const read = db.prepare('SELECT n FROM t_room_writes');
    return {
      count: async () => (read.get() as { n: number }).n,
      close: async () => {
        db.close();
      },
    };
  }
  const client = new Client({ connectionString: at.postgres });
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS t_room_writes (n BIGINT NOT NULL);
    INSERT INTO t_room_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM t_room_writes);
    CREATE OR REPLACE FUNCTION t_count_room_write() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN UPDATE t_room_writes SET n = n + 1; RETURN NULL; END $$;
    DROP TRIGGER IF EXISTS t_count_room_writes ON rooms;
    CREATE TRIGGER t_count_room_writes AFTER UPDATE ON rooms FOR EACH ROW EXECUTE FUNCTION t_count_room_write();`);
  return {
    count: async () => Number((await client.query<{ n: string }>('SELECT n FROM t_room_writes')).rows[0].n),
    close: () => client.end(),
  };
}
