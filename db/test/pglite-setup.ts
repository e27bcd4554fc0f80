import { inject } from "vitest";

// This file's in-memory database starts as the run's migrated template (db/test/pglite-global-setup.ts).
process.env.PGLITE_TEMPLATE_FILE = inject("pgliteTemplateFile");
