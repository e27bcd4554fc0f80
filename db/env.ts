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

/**
 * A PGlite data directory dumped to a file (PGlite's `dumpDataDir`) that an in-memory database
 * starts as, instead of running initdb and every migration again: the tests' (see
 * db/test/pglite-global-setup.ts), where each test file opens a database of its own.
 */
export function pgliteTemplateFile(): string | undefined {
  return process.env.PGLITE_TEMPLATE_FILE || undefined;
}
