import type { Sql } from "./sql.ts";

/**
 * Versioned migrations, run at start-up in version order, each in its own transaction and recorded in
 * `schema_migrations`. A fleet starting together is serialised by a PostgreSQL advisory lock, so each
 * migration runs once. A migration is never edited after it has landed: add the next version instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** An arbitrary constant: the advisory-lock key of Pricebook's migrations. */
const MIGRATION_LOCK = 7_261_524_001;

export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) throw new Error(`two migrations have version ${sorted[i]!.version}`);
  }
  return sql.transaction(async (tx) => {
    // Transaction-scoped: released at commit or rollback, even if this process dies.
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set((await tx.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of sorted) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
