/**
 * Databases made by the hand-written stores (291bf84, schema version 11: test/fixtures, made by make-today.ts)
 * open with today's store in place: every row reads back as it did then, and the schema is the one a fresh
 * database gets from the migrations written once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { openPostgresStore } from '../src/store/postgres';
import { openSqliteStore } from '../src/store/sqlite';
import { tempDbFile } from './helpers/server';
import { loadSqliteDump } from './helpers/sqlite-dump';
import { describeWith, freshPostgresDatabase } from './helpers/services';
import { snapshot } from './helpers/store-snapshot';

const FIXTURES = path.join(__dirname, 'fixtures');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'today.expected.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** SQLite's schema as structure (the stored CREATE text differs in spelling, not in meaning). */
function sqliteSchema(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    return tables.map(({ name }) => ({
      name,
      columns: (db.pragma(`table_xinfo(${name})`) as Record<string, unknown>[]).map((c) => ({
        ...c,
        type: String(c.type).toLowerCase(),
      })),
      foreignKeys: db.pragma(`foreign_key_list(${name})`),
      indexes: (
        db.pragma(`index_list(${name})`) as {
          name: string;
          unique: number;
          origin: string;
          partial: number;
        }[]
      )
        .map((index) => ({ ...index, seq: undefined, columns: db.pragma(`index_xinfo(${index.name})`) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  } finally {
    db.close();
  }
}

/** PostgreSQL's schema as the catalog describes it: columns, constraints, indexes. */
async function postgresSchema(url: string): Promise<unknown> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, column_name`,
    );
    const constraints = await client.query(
      `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace ORDER BY conname`,
    );
    const indexes = await client.query(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
    );
    return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
  } finally {
    await client.end();
  }
}

describe('a SQLite file from the hand-written store (version 11) opens in place', () => {
  test('every row reads back as before, a write works, and the schema equals a fresh database', async () => {
    const old = tempDbFile();
    const fresh = tempDbFile();
    try {
      loadSqliteDump(readFileSync(path.join(FIXTURES, 'today.sqlite.sql'), 'utf8'), old.file);
      const store = await openSqliteStore(old.file);
      expect(await snapshot(store)).toEqual(expected);
      expect((await store.rooms.setStatus('rlive0001', 'ended', Date.UTC(2026, 11, 2)))?.status).toBe(
        'ended',
      );
      await store.close();
      await (await openSqliteStore(fresh.file)).close();
      expect(sqliteSchema(old.file)).toEqual(sqliteSchema(fresh.file));
    } finally {
      old.cleanup();
      fresh.cleanup();
    }
  });
});

describeWith({ postgres: true }, 'store-migrate.test.ts (PostgreSQL)')(
  'a PostgreSQL database from the hand-written store (version 11) opens in place',
  () => {
    test('every row reads back as before, a write works, and the schema equals a fresh database', async () => {
      const old = await freshPostgresDatabase();
      const fresh = await freshPostgresDatabase();
      try {
        // pg_dump's plain SQL, less psql's own backslash commands.
        const dump = readFileSync(path.join(FIXTURES, 'today.postgres.sql'), 'utf8')
          .split('\n')
          .filter((line) => !line.startsWith('\\'))
          .join('\n');
        const client = new Client({ connectionString: old.url });
        await client.connect();
        await client.query(dump);
        await client.end();
        const store = await openPostgresStore(old.url);
        expect(await snapshot(store)).toEqual(expected);
        expect((await store.rooms.setStatus('rlive0001', 'ended', Date.UTC(2026, 11, 2)))?.status).toBe(
          'ended',
        );
        await store.close();
        await (await openPostgresStore(fresh.url)).close();
        expect(await postgresSchema(old.url)).toEqual(await postgresSchema(fresh.url));
      } finally {
        await old.drop();
        await fresh.drop();
      }
    });
  },
);
