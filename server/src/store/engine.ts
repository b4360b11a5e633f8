/**
 * What differs between SQLite and PostgreSQL, in one small interface: everything else of the store is written once
 * over the query builder. Each engine's adapter (sqlite.ts, postgres.ts) implements it.
 */
import type { Kysely } from 'kysely';
import type { Database, Flag } from './schema';
import type { TokenAsk, TokenFacts } from './types';

/** The query builder over the service's tables (a whole database, or one transaction's connection). */
export type Query = Kysely<Database>;

/** Column types the migrations write per engine (the schema's words for the same values). */
export interface ColumnTypes {
  /** Epoch milliseconds. */
  time: 'integer' | 'bigint';
  /** A yes/no column (see Flag). */
  flag: 'integer' | 'boolean';
}

/** One engine under the store. */
export interface Engine {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Query;
  readonly types: ColumnTypes;
  /**
   * Whether rows can be locked (SELECT ... FOR UPDATE: PostgreSQL). SQLite's transactions take the file's write
   * lock at BEGIN instead, so a decision made inside one sees no concurrent write either way.
   */
  readonly rowLocks: boolean;
  /** How a call room's members are ordered after their join time (SQLite's rowid; PostgreSQL's seq column). */
  readonly joinOrder: 'rowid' | 'seq';
  /**
   * Runs fn in one transaction and commits, or rolls back on a throw. The decisions (invite claim, co-host limit,
   * call seats) run in one: on SQLite it holds the write lock from BEGIN IMMEDIATE (processes sharing the file
   * queue up); on PostgreSQL the decision locks its room row (Query lockRoom in repos/lock.ts).
   */
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** The value a Flag column stores for yes or no. */
  flag(on: boolean): Flag;
  /** Serialises migrations across instances, inside the migration's transaction (PostgreSQL: an advisory lock). */
  migrationLock(q: Query): Promise<void>;
  /**
   * The token route's read, any number of asks at once (RoomRepository.getForSessions): each engine's measured
   * fastest way (SQLite: one prepared statement per ask, back to back; PostgreSQL: one statement for all).
   */
  tokenFacts(asks: readonly TokenAsk[]): Promise<Array<TokenFacts | null>>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
