import path from "node:path";

// Every environment variable Switchboard reads is named here (the README's table lists them).

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

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** SWITCHBOARD_ALLOW_PRIVATE_NETWORK=true lets every project reach private and loopback addresses. */
export function allowPrivateNetworkEverywhere(): boolean {
  return process.env.SWITCHBOARD_ALLOW_PRIVATE_NETWORK === "true";
}
