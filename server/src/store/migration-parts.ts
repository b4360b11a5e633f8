/** What every migration is built from: its type and the column helpers both engines share. */
import { sql, type CreateTableBuilder } from 'kysely';
import type { Engine, Query } from './engine';

/** One migration: its statements, run inside the migration transaction. */
export type Migration = (q: Query, engine: Engine) => Promise<void>;

// Kysely's builders are typed by table and column names; a migration builds tables the typed schema describes.
export type Table = CreateTableBuilder<string, string>;

/** A time column (epoch ms); `notNull` for the required ones. */
export const time = (t: Table, name: string, engine: Engine, notNull = false): Table =>
  t.addColumn(name, engine.types.time, (c) => (notNull ? c.notNull() : c));

/** A CHECK that the column holds one of these words. */
export const oneOf = (column: string, values: string[]) =>
  sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

/** A table's own id: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's BIGSERIAL. */
export const serialKey = (t: Table, engine: Engine): Table =>
  engine.dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'bigserial', (c) => c.primaryKey());
