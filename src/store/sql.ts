import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * One SQL dialect (PostgreSQL) behind one small interface, with two engines: a PostgreSQL server when
 * `DATABASE_URL` is set, else PGlite (PostgreSQL compiled to WASM, in-process: in memory, or in
 * `PRICE_STORE_DIR` to survive restarts). Both run the same migrations and the same queries.
 */
export interface Sql {
  /** `postgres` (a server) or `embedded` (PGlite). */
  readonly engine: "postgres" | "embedded";
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlTx {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration). */
  exec(text: string): Promise<void>;
}

export interface PostgresOptions {
  /** Connections in the pool (default 5). */
  max?: number;
  /** Bound on acquiring a connection, ms (default 2000): a down database fails fast instead of queueing. */
  connectTimeoutMs?: number;
  /** Bound on one statement, ms (default 5000). */
  statementTimeoutMs?: number;
  onError?: (error: Error) => void;
}

export function openPostgres(url: string, options: PostgresOptions = {}): Sql {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client's error (the server restarted) must not crash the process; the pool drops it.
  pool.on("error", (error) => options.onError?.(error));
  return {
    engine: "postgres",
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pool.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const tx: SqlTx = {
          query: async <Row>(text: string, params: readonly unknown[] = []) =>
            (await client.query(text, params as unknown[])).rows as Row[],
          exec: async (text: string) => {
            await client.query(text);
          },
        };
        const result = await work(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** PGlite in memory (`dataDir` undefined) or on disk. One connection; calls are serialised by PGlite. */
export async function openEmbedded(dataDir?: string): Promise<Sql> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    engine: "embedded",
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
    async transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
      return db.transaction(async (t) =>
        work({
          query: async <Row>(text: string, params: readonly unknown[] = []) => (await t.query<Row>(text, params as unknown[])).rows,
          exec: async (text: string) => {
            await t.exec(text);
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

/** The configured store: PostgreSQL at `databaseUrl`, else the embedded engine. */
export async function openSql(databaseUrl: string | undefined, dataDir: string | undefined, options: PostgresOptions = {}): Promise<Sql> {
  return databaseUrl ? openPostgres(databaseUrl, options) : openEmbedded(dataDir);
}
