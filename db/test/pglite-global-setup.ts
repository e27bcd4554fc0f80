import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/db/client";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplateFile: string;
  }
}

/**
 * Migrates one in-memory PGlite database for the run and dumps it to a file, which every test
 * file's database then starts from (db/test/pglite-setup.ts sets PGLITE_TEMPLATE_FILE): a fresh
 * PGlite runs initdb, several CPU-seconds in WebAssembly, and then every migration.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchboard-pglite-template-"));
  const file = path.join(dir, "template.tar");
  const handle = await openDatabase({ pgliteDir: "memory://" });
  if (handle.jobs.kind !== "pglite") throw new Error("the PGlite template must be made on PGlite");
  const dump = await handle.jobs.client.dumpDataDir("none");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide("pgliteTemplateFile", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
