/**
 * The SQLite engine (better-sqlite3, WAL): a query-builder driver that keeps each statement prepared, BEGIN
 * IMMEDIATE for every transaction, 0/1 flags, and the token read as one prepared statement per ask.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Engine, Query } from './engine';
import { migrate } from './migrations';
import { buildStore, type StoreOptions } from './open';
import { toTokenFacts, type TokenFactsRow } from './rows';
import type { Database as Schema } from './schema';
import type { Store, TokenAsk, TokenFacts } from './types';

/** Past this many distinct statements the cache starts again (lists of IDs make new ones). */
const MOST_STATEMENTS = 500;

/** One better-sqlite3 connection whose statements are prepared once: preparing costs more than running most of them. */
class PreparedConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  statement(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      if (this.statements.size >= MOST_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.statement(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(...parameters) as R[] };
    const { changes } = statement.run(...parameters);
    return { numAffectedRows: BigInt(changes), rows: [] };
  }

  // eslint-disable-next-line require-yield -- the store never streams; the interface asks for the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by the store');
  }
}

/** A first-come queue: take() resolves when it is the caller's turn, give() hands the turn on. */
class Turns {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  async take(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/**
 * One queue per database file in this process. A transaction's statements run between awaits; were a second
 * connection of the same process (two stores on one file: the tests' instances) to write meanwhile, it would wait
 * for the file's lock synchronously (busy_timeout), holding the event loop the first one needs to finish: so the
 * connections of one process take turns here instead. Processes still queue on SQLite's own lock.
 */
const fileTurns = new Map<string, Turns>();

/** The query builder's driver over one connection (Kysely queues its callers: one statement or transaction at a time). */
class PreparedDriver implements Driver {
  readonly connection: PreparedConnection;
  private readonly turns: Turns;

  constructor(private readonly db: Database.Database) {
    this.connection = new PreparedConnection(db);
    const file = db.memory ? null : path.resolve(db.name);
    this.turns = file === null ? new Turns() : (fileTurns.get(file) ?? new Turns());
    if (file !== null) fileTurns.set(file, this.turns);
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.turns.take();
    return this.connection;
  }
  // IMMEDIATE takes the write lock before reading, so processes sharing the file queue up (busy_timeout)
  // instead of failing to upgrade a read lock mid-decision.
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {
    this.turns.give();
  }
  async destroy(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** The token read of one ask (only the columns a token depends on: a narrow row is most of what makes it cheap). */
export const tokenFactsQuery = (q: Query, tokenHash: string, roomId: string, now: number) =>
  q
    .selectFrom('sessions as s')
    .leftJoin('rooms as r', (join) => join.on('r.id', '=', roomId))
    .select(['s.user_id', 'r.id', 'r.kind', 'r.status', 'r.owner_id', 'r.stream_id'])
    .select((eb) =>
      eb
        .selectFrom('chat_bans as b')
        .select('b.removed_at')
        .whereRef('b.room_id', '=', 'r.id')
        .whereRef('b.user_id', '=', 's.user_id')
        .as('removed_at'),
    )
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now);

/** The SQLite engine over an open better-sqlite3 database. */
export function sqliteEngine(db: Database.Database): Engine {
  const driver = new PreparedDriver(db);
  const kysely = new Kysely<Schema>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  // Compiled once; each ask runs the prepared statement with its own values, back to back (lib/batch.ts says why).
  const probe = tokenFactsQuery(kysely, '\u0001hash', '\u0001room', -1).compile();
  const order = probe.parameters.map((p): keyof TokenAsk =>
    p === '\u0001hash' ? 'tokenHash' : p === '\u0001room' ? 'roomId' : 'now',
  );
  return {
    dialect: 'sqlite',
    db: kysely,
    types: { time: 'integer', flag: 'integer' },
    rowLocks: false,
    joinOrder: 'rowid',
    transaction: (fn) => kysely.transaction().execute(fn),
    flag: (on) => (on ? 1 : 0),
    migrationLock: async () => undefined,
    tokenFacts: async (asks) => {
      const statement = driver.connection.statement(probe.sql);
      const read = (): Array<TokenFacts | null> =>
        asks.map((ask) => {
          const row = statement.get(...order.map((key) => ask[key])) as TokenFactsRow | undefined;
          return row ? toTokenFacts(row) : null;
        });
      // A synchronous read outside a transaction cannot interleave with anything: it need not queue for the
      // connection (the queue cost the batch a fifth more CPU). Inside one, it waits its turn like any query.
      return db.inTransaction ? kysely.connection().execute(async () => read()) : read();
    },
    ping: async () => {
      await sql`SELECT 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}

/** Opens (creating if needed) the SQLite database at `file` in WAL mode, migrates it and returns the store. */
export async function openSqliteStore(file: string, options: StoreOptions = {}): Promise<Store> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const engine = sqliteEngine(db);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return buildStore(engine, options);
}
