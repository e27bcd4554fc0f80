import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { databaseUrl, pgliteDataDir, pgliteTemplateFile } from "./env";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction, for writes that must commit together (a row and the job it enqueues, a change and its audit event). */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
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
export async function openDatabase(options: { url?: string; pgliteDir?: string; pgliteTemplate?: string }): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url);
  return openPglite(options.pgliteDir ?? "memory://", options.pgliteTemplate);
}

/**
 * How the app's postgres.js pool meets an outage. A query waits for its connection's reconnect
 * delay before it even tries: postgres.js's default delay grows with every failed connect to 20 s
 * (3^n / 100 s), so calls held on after the database was back (13.6 s, measured on the 2-core dev
 * machine on 2026-12-07). Here it stays
 * under half a second, so a call during an outage fails at once (ECONNREFUSED → 503
 * database_unavailable) and the first after it connects within a second. A server that does not
 * answer at all (a dropped network) is given up on after 5 s.
 */
const RECONNECTING = {
  connect_timeout: 5,
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2),
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;

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
  const client = postgres(url, { max: 10, onnotice: () => {}, ...RECONNECTING });
  const db = drizzlePostgres({ client: preparingEveryStatement(client), schema }) as unknown as Database;
  return { db, kind: "postgres", jobs: { kind: "postgres", url }, close: () => client.end() };
}

/**
 * The postgres.js client drizzle is given: every statement runs prepared. drizzle asks for
 * `prepare: false` unless a query is `.prepare(name)`d, and postgres.js then sends a statement
 * with parameters in two round trips (Parse and Describe, wait for the parameter types, then
 * Bind and Execute), which PostgreSQL parses and plans again on every call. Prepared, a statement
 * is one round trip and, from its sixth call on a connection, may run on a generic plan made once
 * (statements are kept per connection, which postgres.js replaces every 30–60 minutes). A
 * generic plan does not know the parameters' values, so neither what a statement means nor the
 * index it can use may hang on one: a partial index's predicate is written as a literal
 * (`KIND_IS` in queries/connections.ts, for upserts' `on conflict … where` and for lookups).
 * Transactions and savepoints hand drizzle a scoped client: it is wrapped the same way.
 */
function preparingEveryStatement(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters, { ...options, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const scope = args.pop() as (scoped: postgres.Sql) => unknown;
          return (Reflect.get(target, property) as (...rest: unknown[]) => unknown)(...args, (scoped: postgres.Sql) =>
            scope(preparingEveryStatement(scoped)),
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** `template`: a dumped data directory an in-memory database starts as (see db/env.ts `pgliteTemplateFile`). */
async function openPglite(dataDir: string, template?: string): Promise<DatabaseHandle> {
  if (!dataDir.includes("://")) mkdirSync(dataDir, { recursive: true });
  const fromTemplate = template && dataDir === "memory://" ? { loadDataDir: new Blob([readFileSync(template)]) } : {};
  const client = await PGlite.create(dataDir, fromTemplate);
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
    const opening = openDatabase({ url: databaseUrl(), pgliteDir: pgliteDataDir(), pgliteTemplate: pgliteTemplateFile() });
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

/** The rows of a raw `db.execute(sql…)`: postgres.js answers a row array, PGlite an object holding `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** A json or jsonb value read through a raw `db.execute(sql…)`: PGlite hands it over parsed, postgres.js as text. */
export function parseJsonb<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export async function getDb(): Promise<Database> {
  return (await getDatabase()).db;
}
