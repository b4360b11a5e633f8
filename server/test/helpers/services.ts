import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openPostgresStore } from '../../src/store/postgres';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/types';
import { tempDbFile } from './server';

/** A PostgreSQL database the suites may create databases in (.ci/run sets it; a role with CREATEDB). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || null;
/** PostgreSQL's bin folder (initdb, pg_ctl): a suite runs its own server there to stop and start it (.ci/run sets it). */
export const TEST_PG_BIN = process.env.TEST_PG_BIN?.trim() || null;
/** A Redis the suites may write namespaced keys to (.ci/run sets it). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL?.trim() || null;

const inCI = process.env.CI === 'true';

const HOW =
  'run .ci/run, or start PostgreSQL/Redis and set TEST_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/db (a role with CREATEDB), TEST_REDIS_URL=redis://127.0.0.1:6379 and TEST_PG_BIN=/usr/lib/postgresql/<version>/bin';

/**
 * `describe` when the services this suite needs are configured, else `describe.skip` with a message saying how to
 * run it. In CI (CI=true) a missing service is not skipped: the suite runs and fails, so CI never passes by skipping.
 */
export function describeWith(
  needs: { postgres?: boolean; redis?: boolean; pgBin?: boolean },
  suite: string,
): jest.Describe {
  const missing = [
    needs.postgres && TEST_DATABASE_URL === null ? 'TEST_DATABASE_URL' : null,
    needs.redis && TEST_REDIS_URL === null ? 'TEST_REDIS_URL' : null,
    needs.pgBin && TEST_PG_BIN === null ? 'TEST_PG_BIN' : null,
  ].filter((name): name is string => name !== null);
  if (missing.length === 0 || inCI) return describe;
  console.warn(`${suite} skipped: ${missing.join(' and ')} not set; to run it, ${HOW}`);
  return describe.skip;
}

/** A fresh, empty database on the test server, and how to drop it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DATABASE_URL === null) throw new Error(`TEST_DATABASE_URL is not set; ${HOW}`);
  const name = `live_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        // FORCE ends the test's own leftover connections; an autovacuum worker busy on the database is not ours to
        // end (that needs pg_signal_backend), so a refusal is retried while it finishes (it takes milliseconds).
        for (let attempt = 1; ; attempt += 1) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (error) {
            if (attempt >= 20 || !/pg_signal_backend/.test(String(error))) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** A Redis key prefix no other run uses. */
export const freshRedisPrefix = (): string => `live-test-${randomBytes(6).toString('hex')}:`;

/** Where a test server keeps its data: SQLite (the default file) or a fresh PostgreSQL database. */
export interface Engine {
  name: string;
  describe: jest.Describe;
  open(): Promise<{ store?: Store; cleanup: () => Promise<void> }>;
}

export const ENGINES: Engine[] = [
  {
    name: 'SQLite',
    // Getters: jest's describe is read when a suite uses the engine (scripts import this file outside jest too).
    get describe() {
      return describe;
    },
    open: async () => ({ cleanup: async () => undefined }),
  },
  {
    name: 'PostgreSQL',
    // A getter: only a suite that uses this engine says it skipped.
    get describe() {
      return describeWith({ postgres: true }, `${expect.getState().testPath?.split('/').pop()} (PostgreSQL)`);
    },
    open: async () => {
      const pg = await freshPostgresDatabase();
      return { store: await openPostgresStore(pg.url), cleanup: pg.drop };
    },
  },
];

/** One database of an engine that several stores (instances) open at once. */
export interface SharedDatabase {
  open(): Promise<Store>;
  /** A SQLite file for the instances' configuration (the PostgreSQL case passes its stores instead). */
  file: string;
  /** The PostgreSQL database's URL (null for SQLite: the file is the database). */
  postgresUrl: string | null;
  cleanup(): Promise<void>;
}

/** The engines as shared databases: an SQLite file, or a fresh PostgreSQL database. */
export const SHARED_ENGINES: Array<{
  name: string;
  describe: jest.Describe;
  database(): Promise<SharedDatabase>;
}> = [
  {
    name: 'SQLite',
    get describe() {
      return describe;
    },
    database: async () => {
      const db = tempDbFile();
      return {
        open: async () => openSqliteStore(db.file),
        file: db.file,
        postgresUrl: null,
        cleanup: async () => db.cleanup(),
      };
    },
  },
  {
    name: 'PostgreSQL',
    get describe() {
      return describeWith({ postgres: true }, `${expect.getState().testPath?.split('/').pop()} (PostgreSQL)`);
    },
    database: async () => {
      const pg = await freshPostgresDatabase();
      const db = tempDbFile();
      return {
        open: () => openPostgresStore(pg.url),
        file: db.file,
        postgresUrl: pg.url,
        cleanup: async () => {
          await pg.drop();
          db.cleanup();
        },
      };
    },
  },
];
