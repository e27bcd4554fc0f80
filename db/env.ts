import path from "node:path";

// The database's environment (the README's table lists every variable Switchboard reads;
// the rest are read in lib/config/env.ts).

/** A PostgreSQL URL; when unset, the embedded PGlite database is used. */
export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/** Where the embedded defaults keep their files (PGlite data, generated secrets). */
export function dataDir(): string {
  // The comment keeps Turbopack from tracing the whole project for this run-time path.
  return path.resolve(/* turbopackIgnore: true */ process.env.SWITCHBOARD_DATA_DIR || ".data");
}

/** PGlite's data directory; `memory://` keeps the database in memory (tests). */
export function pgliteDataDir(): string {
  return process.env.PGLITE_DATA_DIR || path.join(/* turbopackIgnore: true */ dataDir(), "pglite");
}
