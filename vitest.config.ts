import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

// Data-access tests (*.db.test.ts) run on an in-memory PGlite always ("pglite"), and also on the
// PostgreSQL server DATABASE_URL names (each file in a database of its own) when it is set ("postgres");
// the other tests ("unit") need no database, or open a PGlite when they do.
// A fixed encryption key keeps tests from generating one into the repository's .data/.
const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
// Warnings and errors only: a line per API request would bury the test output (tests that read the
// request lines capture them, test/support/logs.ts).
const TEST_LOG_LEVEL = process.env.SWITCHBOARD_LOG_LEVEL || "warn";

/** Tests run on an in-memory PGlite of their own (a file's database opens on first use). */
const PGLITE_ENV = {
  DATABASE_URL: "",
  PGLITE_DATA_DIR: "memory://",
  SWITCHBOARD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  SWITCHBOARD_LOG_LEVEL: TEST_LOG_LEVEL,
};

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React Server Components; here it guards nothing.
      { find: /^server-only$/, replacement: path.join(root, "db/test/server-only.ts") },
    ],
  },
  test: {
    // PGlite starts a WebAssembly PostgreSQL per test file: on two cores under load that can take seconds.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Vitest's default on two cores is one file at a time, and a file spends much of its time waiting
    // for its servers, child processes and database: three run at once (each with a database of its
    // own: an in-memory PGlite, or a copy made by db/test/postgres-setup.ts).
    maxWorkers: 3,
    projects: [
      {
        extends: true as const,
        test: { name: "unit", include: ["{lib,db,app}/**/*.test.ts", "test/**/*.test.ts"], exclude: ["**/*.db.test.ts"], env: PGLITE_ENV },
      },
      {
        extends: true as const,
        test: {
          name: "pglite",
          include: ["{lib,db,app}/**/*.db.test.ts"],
          env: PGLITE_ENV,
          globalSetup: ["db/test/pglite-global-setup.ts"],
          setupFiles: ["db/test/pglite-setup.ts"],
        },
      },
      ...(process.env.DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["{lib,db,app}/**/*.db.test.ts"],
                env: { SWITCHBOARD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, SWITCHBOARD_LOG_LEVEL: TEST_LOG_LEVEL },
                globalSetup: ["db/test/postgres-global-setup.ts"],
                setupFiles: ["db/test/postgres-setup.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
