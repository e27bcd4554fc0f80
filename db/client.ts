import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { is, type SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres, PostgresJsSession } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { databaseUrl, pgliteDataDir } from "./env";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** What the job queue (pg-boss) connects to: the same PostgreSQL, or the same PGlite instance. */
  jobs: { kind: "postgres"; url: string } | { kind: "pglite"; client: PGlite };
  close(): Promise<void>;
}

const migrationsFolder = path.join(/* turbopackIgnore: true */ process.cwd(), "db", "migrations");
// Any constant works; it only has to be the same in every process migrating one database.
const MIGRATION_LOCK_ID = 7_240_113;

/** Opens a database and brings its schema up to date with the committed migrations. */
export async function openDatabase(options: { url?: string; pgliteDir?: string }): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url);
  return openPglite(options.pgliteDir ?? "memory://");
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  // Migrate on a connection of its own holding an advisory lock, so that several app
  // processes starting against one database apply each migration exactly once.
  const migrationClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migratePostgres(drizzlePostgres({ client: migrationClient }), { migrationsFolder });
  } finally {
    await migrationClient.end();
  }
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  return { db, kind: "postgres", jobs: { kind: "postgres", url }, close: () => client.end() };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.includes("://")) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder });
  return { db: db as unknown as Database, kind: "pglite", jobs: { kind: "pglite", client }, close: () => client.close() };
}

// One handle per process: Next.js may load this module into several bundles, and PGlite
// must not open its data directory twice.
const globalForDb = globalThis as typeof globalThis & { switchboardDatabase?: Promise<DatabaseHandle> };

/** The app's database, chosen by the environment (DATABASE_URL, else PGlite). */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!globalForDb.switchboardDatabase) {
    const opening = openDatabase({ url: databaseUrl(), pgliteDir: pgliteDataDir() });
    globalForDb.switchboardDatabase = opening;
    // A failed start (PostgreSQL down) is retried on the next call rather than cached.
    opening.catch(() => {
      if (globalForDb.switchboardDatabase === opening) globalForDb.switchboardDatabase = undefined;
    });
  }
  return globalForDb.switchboardDatabase;
}

/**
 * A statement prepared once per database (`build` returns a drizzle `.prepare(name)`): drizzle
 * then skips building the SQL on every call — for the hot paths (the webhook intake).
 */
export function preparedStatement<T>(build: (db: Database) => T): (db: Database) => T {
  const statements = new WeakMap<Database, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) statements.set(db, (statement = build(db)));
    return statement;
  };
}

const dialect = new PgDialect();

/**
 * Runs a hot statement (the intake's, the Connect API's) as a prepared statement on PostgreSQL:
 * parsed and planned once per connection. drizzle sends every statement that is not
 * `.prepare(name)`d unnamed, so PostgreSQL parses and plans it again on every call. `executor` is
 * the database or a transaction (its connection). PGlite, in process: drizzle's own execute.
 */
export function executePrepared<T>(executor: Pick<Database, "_" | "execute">, query: SQL): Promise<T[]> {
  if (!is(executor._.session, PostgresJsSession)) return executor.execute(query).then((result) => rowsOf<T>(result));
  const built = dialect.sqlToQuery(query);
  return executePreparedText<T>(executor, built.sql, built.params);
}

/** `executePrepared` for a statement that is text with $1… parameters already (pg-boss's). */
export async function executePreparedText<T>(executor: Pick<Database, "_" | "execute">, text: string, values: readonly unknown[]): Promise<T[]> {
  const session = executor._.session;
  if (!is(session, PostgresJsSession)) throw new Error("executePreparedText runs on PostgreSQL only");
  return (await session.client.unsafe(text, values as never[], { prepare: true })) as unknown as T[];
}

/** Whether `executor` runs on PostgreSQL through postgres.js (where executePreparedText applies). */
export function onPostgresJs(executor: Pick<Database, "_">): boolean {
  return is(executor._.session, PostgresJsSession);
}

/** The rows of a raw `db.execute(sql…)`: postgres.js answers a row array, PGlite an object holding `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

export async function getDb(): Promise<Database> {
  return (await getDatabase()).db;
}
