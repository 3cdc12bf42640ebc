import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Tests of the PostgreSQL store talk to a real server at DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test). Each test file gets its own fresh database, dropped at the
 * end. When no server answers, the tests are skipped with a visible notice; with REQUIRE_DATABASE=1
 * (CI) that is a failure instead.
 */
const BASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const REQUIRED = process.env.REQUIRE_DATABASE === "1";

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 1_500 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, or undefined (with a notice) when none is reachable. */
export async function freshDatabase(): Promise<TestDatabase | undefined> {
  const name = `pricebook_t_${randomBytes(5).toString("hex")}`;
  try {
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    const message = `PostgreSQL not reachable at ${BASE_URL} (${(error as Error).message}): PostgreSQL tests are SKIPPED (set DATABASE_URL, or REQUIRE_DATABASE=1 to fail instead)`;
    if (REQUIRED) throw new Error(`REQUIRE_DATABASE=1 but ${message}`, { cause: error });
    console.warn(`\n⚠ ${message}\n`);
    return undefined;
  }
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
