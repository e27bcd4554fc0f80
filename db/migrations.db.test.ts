import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";

const journal = JSON.parse(readFileSync(path.join(import.meta.dirname, "migrations/meta/_journal.json"), "utf8")) as {
  entries: unknown[];
};
const expectedTables = ["project_members", "projects", "resource_secrets", "resources", "sign_in_throttles", "users", "vault_keys"];

// postgres.js answers a row array, PGlite an object holding `rows`.
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

async function tablesOf({ db }: DatabaseHandle): Promise<string[]> {
  const result = await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
  return rowsOf<{ table_name: string }>(result).map((row) => row.table_name);
}

async function appliedMigrations({ db }: DatabaseHandle): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
  return rowsOf<{ count: number }>(result)[0]!.count;
}

describe("migrations", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  // The first open migrates an empty database; the second finds nothing left to do.
  function openTwice(): Array<() => Promise<DatabaseHandle>> {
    if (process.env.DATABASE_URL) {
      const url = process.env.DATABASE_URL;
      return [() => openDatabase({ url }), () => openDatabase({ url })];
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchboard-migrations-"));
    dirs.push(dir);
    return [() => openDatabase({ pgliteDir: dir }), () => openDatabase({ pgliteDir: dir })];
  }

  it("create every table on an empty database and apply only once", async () => {
    const [first, second] = openTwice();
    const handle = await first!();
    expect(await tablesOf(handle)).toEqual(expect.arrayContaining(expectedTables));
    expect(await appliedMigrations(handle)).toBe(journal.entries.length);
    await handle.close();

    const again = await second!();
    expect(await appliedMigrations(again)).toBe(journal.entries.length);
    await again.close();
  });
});
