import { beforeAll, inject } from "vitest";
import { getDatabase } from "@/db/client";

// This file's database starts as the run's migrated template (db/test/pglite-global-setup.ts).
process.env.PGLITE_TEMPLATE_FILE = inject("pgliteTemplateFile");

// Opened here, before the file's tests: a PGlite database takes a second or so to load in
// WebAssembly, far longer beside other test files on two cores, and the wait then counts against
// this hook's limit rather than the first test's.
beforeAll(async () => {
  await getDatabase();
});
