import Database from 'better-sqlite3';

/** A SQL literal for one SQLite value (text quoted, blobs as X'..', numbers and NULL as they are). */
function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * A SQLite database as SQL text (schema, then rows, then AUTOINCREMENT counters): a fixture git can diff instead of
 * a binary database file. `loadSqliteDump` turns it back into a file.
 */
export function dumpSqlite(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const lines = ['BEGIN;'];
    const objects = db
      .prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, rowid",
      )
      .all() as { type: string; name: string; sql: string }[];
    for (const { sql } of objects) lines.push(`${sql};`);
    const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
    const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get();
    for (const table of hasSequence ? [...tables, 'sqlite_sequence'] : tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]) {
        lines.push(`INSERT INTO "${table}" VALUES(${row.map(literal).join(',')});`);
      }
    }
    lines.push('COMMIT;');
    return `${lines.join('\n')}\n`;
  } finally {
    db.close();
  }
}

/** Writes the database a `dumpSqlite` text describes into `file` (a new, empty file). */
export function loadSqliteDump(sql: string, file: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
