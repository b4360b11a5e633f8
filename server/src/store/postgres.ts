/**
 * The PostgreSQL engine (pg): a pool whose connection failures become DatabaseUnavailableError (503), BIGINT read as
 * numbers, row locks, an advisory lock around migrations, and the token read as one statement for every ask.
 */
import { Pool, types as pgTypes, type PoolClient } from 'pg';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { DatabaseUnavailableError } from './common';
import type { Engine } from './engine';
import { migrate } from './migrations';
import { buildStore, type StoreOptions } from './open';
import { toTokenFacts, type TokenFactsRow } from './rows';
import type { Database as Schema } from './schema';
import type { Store, TokenFacts } from './types';

/** Arbitrary key of the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 4_311_027_011;

// BIGINT columns hold epoch milliseconds, far inside Number's exact range: read them as numbers, not strings.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pgTypes.builtins.INT8 && format !== 'binary'
      ? (value: string): number => Number(value)
      : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

/** SQLSTATE classes and socket errors that mean "the database is not there", not "the query is wrong". */
export function isConnectionError(error: unknown): boolean {
  // Duck-typed, not instanceof Error: socket errors may come from another realm (e.g. jest's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now; 53300: too many.
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(
        code,
      )
    )
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      message,
    )
  );
}

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions extends StoreOptions {
  /** Most connections per instance (default 10). */
  poolMax?: number;
  /** How long a request waits for a connection before the API answers 503 (default 3000 ms). */
  connectTimeoutMs?: number;
  /** How long one statement may take before the request answers 503 (default 10000 ms). */
  queryTimeoutMs?: number;
  /** Told about errors of idle connections (the database went away); they are otherwise harmless. */
  onIdleError?: (error: Error) => void;
}

/** A pool for DATABASE_URL with BIGINT read as numbers. */
export function createPool(url: string, options: PostgresStoreOptions = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    // A database that stops answering (rather than refusing) must not hold requests forever.
    query_timeout: options.queryTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
  });
  // An idle connection dropped by a restarting database emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/** A connection failure as the API reports it; any other error as it is. */
const unavailable = (error: unknown): unknown =>
  isConnectionError(error) ? new DatabaseUnavailableError(error) : error;

/**
 * The pool as the query builder uses it: a failed connect or a connection failure mid-query throws
 * DatabaseUnavailableError (503, never a stack trace), and a connection that failed is discarded, not reused.
 * One wrapper per pooled connection (the builder keeps a record of each connection object it sees).
 */
function guardedPool(pool: Pool): PostgresPool {
  const wrappers = new WeakMap<PoolClient, () => PostgresPoolClient>();
  /** The connection's wrapper: checkOut() hands it out again with a clean record. */
  const wrap = (client: PoolClient): (() => PostgresPoolClient) => {
    let broken = false;
    // The connection may die while checked out between statements: its 'error' must not go unheard (a crash).
    const onError = (): void => {
      broken = true;
    };
    const wrapper = {
      query: async (text: string, parameters: readonly unknown[]) => {
        try {
          return await client.query(text, parameters as unknown[]);
        } catch (error) {
          const mapped = unavailable(error);
          // A connection that failed (or timed out: its query may still run) is not asked for anything more.
          if (mapped instanceof DatabaseUnavailableError) broken = true;
          throw mapped;
        }
      },
      release: (destroy?: boolean) => {
        client.off('error', onError);
        client.release(destroy === true || broken);
      },
    } as unknown as PostgresPoolClient;
    return () => {
      broken = false;
      client.on('error', onError);
      return wrapper;
    };
  };
  return {
    options: pool.options,
    end: () => pool.end(),
    connect: async (): Promise<PostgresPoolClient> => {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new DatabaseUnavailableError(error);
      }
      let checkOut = wrappers.get(client);
      if (checkOut === undefined) {
        checkOut = wrap(client);
        wrappers.set(client, checkOut);
      }
      return checkOut();
    },
  };
}

/** Every token ask in one round trip: the asks as rows (numbered), each joined to its live session and its room. */
const TOKEN_FACTS = `
  SELECT a.ask, s.user_id, r.id, r.kind, r.status, r.owner_id, r.stream_id,
         (SELECT removed_at FROM chat_bans WHERE room_id = r.id AND user_id = s.user_id) AS removed_at
    FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS a(token_hash, room_id, now, ask)
    JOIN sessions s ON s.token_hash = a.token_hash AND s.revoked_at IS NULL AND s.expires_at > a.now
    LEFT JOIN rooms r ON r.id = a.room_id`;

/** The PostgreSQL engine over a pool. */
export function postgresEngine(pool: Pool): Engine {
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
  return {
    dialect: 'postgres',
    db: kysely,
    types: { time: 'bigint', flag: 'boolean' },
    rowLocks: true,
    joinOrder: 'seq',
    transaction: (fn) => kysely.transaction().execute(fn),
    flag: (on) => on,
    migrationLock: async (q) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(q);
    },
    tokenFacts: async (asks) => {
      if (asks.length === 0) return [];
      // The named fast path: straight to the pool (the builder cost this read a third more CPU: docs/design.md).
      let rows: Array<TokenFactsRow & { ask: number }>;
      try {
        ({ rows } = await pool.query<TokenFactsRow & { ask: number }>(TOKEN_FACTS, [
          asks.map((a) => a.tokenHash),
          asks.map((a) => a.roomId),
          asks.map((a) => a.now),
        ]));
      } catch (error) {
        throw unavailable(error);
      }
      const answers: Array<TokenFacts | null> = asks.map(() => null);
      // ORDINALITY counts from 1.
      for (const row of rows) answers[Number(row.ask) - 1] = toTokenFacts(row);
      return answers;
    },
    ping: async () => {
      await sql`SELECT 1`.execute(kysely);
    },
    close: async () => {
      if (!pool.ended) await kysely.destroy();
    },
  };
}

/** Connects to PostgreSQL at `url`, migrates, and returns the store. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const engine = postgresEngine(createPool(url, options));
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
  return buildStore(engine, options);
}
