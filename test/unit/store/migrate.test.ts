import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../src/store/migrate.ts";
import { openEmbedded, openPostgres, type Sql } from "../../../src/store/sql.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/database.ts";

const MIGRATIONS = [
  { version: 2, name: "second", sql: "ALTER TABLE t ADD COLUMN b text; INSERT INTO t (a, b) VALUES (2, 'two');" },
  { version: 1, name: "first", sql: "CREATE TABLE t (a integer PRIMARY KEY); INSERT INTO t (a) VALUES (1);" },
];

/** The same behaviour from both engines: one dialect, one set of migrations. */
function behaves(name: string, open: () => Promise<Sql | undefined>) {
  describe(`migrations on ${name}`, () => {
    let sql: Sql | undefined;
    beforeAll(async () => {
      sql = await open();
    });
    afterAll(async () => {
      await sql?.close();
    });

    it("applies pending migrations in version order, once", async (ctx) => {
      if (!sql) return ctx.skip();
      expect(await migrate(sql, MIGRATIONS)).toEqual([1, 2]);
      expect(await migrate(sql, MIGRATIONS)).toEqual([]);
      expect(await sql.query("SELECT a, b FROM t ORDER BY a")).toEqual([{ a: 1, b: null }, { a: 2, b: "two" }]);
    });

    it("rolls a failing migration back whole", async (ctx) => {
      if (!sql) return ctx.skip();
      const bad = [...MIGRATIONS, { version: 3, name: "bad", sql: "INSERT INTO t (a) VALUES (3); SELECT no_such_column FROM t;" }];
      await expect(migrate(sql, bad)).rejects.toThrow(/no_such_column/);
      expect(await sql.query("SELECT a FROM t WHERE a = 3")).toEqual([]);
      expect(await sql.query("SELECT version FROM schema_migrations ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }]);
    });

    it("commits a transaction that resolves and rolls back one that throws", async (ctx) => {
      if (!sql) return ctx.skip();
      await sql.transaction((tx) => tx.query("INSERT INTO t (a) VALUES (10)"));
      await expect(
        sql.transaction(async (tx) => {
          await tx.query("INSERT INTO t (a) VALUES (11)");
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await sql.query("SELECT a FROM t WHERE a >= 10 ORDER BY a")).toEqual([{ a: 10 }]);
    });
  });
}

let db: TestDatabase | undefined;
behaves("the embedded engine (PGlite)", () => openEmbedded());
behaves("PostgreSQL", async () => {
  db = await freshDatabase();
  return db ? openPostgres(db.url) : undefined;
});
afterAll(async () => {
  await db?.drop();
});
