import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { eq, sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unmigratedPostgresDatabase, waitFor } from "@/test/support/workflow-fixtures";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { getRunDetail, type RunDetail } from "@/lib/workflows/runs";
import { sendAppEvent } from "@/lib/workflows/triggers";
import { getDb, rowsOf } from "./client";
import { workflows, workflowVersions } from "./schema";

// Migration 0019 gives every Condition saved before it (no step lists: the steps after it ran when
// it held, and the run stopped when it did not) empty When true and Otherwise lists, in drafts and
// deployed versions alike. A database is migrated up to 0018, a workflow of that time stored in
// it, and the app then opens it (migrating to the latest) and runs it.

const MIGRATIONS = path.join(import.meta.dirname, "migrations");
/** 0000 to 0018: the migrations before the tree. */
const BEFORE_TREE = 19;

const EVENT = "old.condition";
/** A definition as saved before 0019: a flat Condition, then a step that runs when it holds. */
const flatDefinition = {
  trigger: { kind: "app_event", eventName: EVENT },
  steps: [
    { key: "check", type: "condition", left: "{{trigger.payload.go}}", operator: "equals", right: "yes" },
    { key: "after", type: "function", parameters: [], code: "function run() {\n  return 1;\n}" },
  ],
};

let database: Awaited<ReturnType<typeof unmigratedPostgresDatabase>>;
const dirs: string[] = [];
let projectId: string;
let workflowId: string;

/** A folder holding only the first `count` migrations, as drizzle's migrator reads them. */
function migrationsUpTo(count: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchboard-migrations-0018-"));
  dirs.push(dir);
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(0, count);
  mkdirSync(path.join(dir, "meta"));
  writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) cpSync(path.join(MIGRATIONS, `${tag}.sql`), path.join(dir, `${tag}.sql`));
  return dir;
}

/** Stores a project and a workflow of 0018's time (draft and deployed version 1: the flat definition) through `query`. */
async function storeOldWorkflow(query: (text: string, parameters: unknown[]) => Promise<Record<string, string>[]>): Promise<void> {
  [{ id: projectId }] = (await query("insert into projects (name) values ($1) returning id", ["Before the tree"])) as [{ id: string }];
  const definition = JSON.stringify(flatDefinition);
  [{ id: workflowId }] = (await query(
    "insert into workflows (project_id, name, draft, deployed_version, deployed_at) values ($1, $2, $3::jsonb, 1, now()) returning id",
    [projectId, "Flat condition", definition],
  )) as [{ id: string }];
  await query(
    "insert into workflow_versions (workflow_id, version, definition, trigger_kind, event_name) values ($1, 1, $2::jsonb, 'app_event', $3)",
    [workflowId, definition, EVENT],
  );
}

beforeAll(async () => {
  // Not the file's own database (migrated to the latest already): an empty one, migrated here up to 0018.
  database = await unmigratedPostgresDatabase("sb_migration_0019");
  const migrationsFolder = migrationsUpTo(BEFORE_TREE);
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
      await storeOldWorkflow(
        (text, parameters) => client.unsafe(text, parameters as never[]) as unknown as Promise<Record<string, string>[]>,
      );
    } finally {
      await client.end();
    }
  } else {
    // PGlite: a data directory the app opens next (getDb reads PGLITE_DATA_DIR at its first call).
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchboard-pglite-0018-"));
    dirs.push(dataDir);
    const client = await PGlite.create(dataDir);
    try {
      await migratePglite(drizzlePglite({ client }), { migrationsFolder });
      await storeOldWorkflow(async (text, parameters) => (await client.query<Record<string, string>>(text, parameters)).rows);
    } finally {
      await client.close();
    }
    process.env.PGLITE_DATA_DIR = dataDir;
  }
  // The app's first open migrates the rest.
  await getDb();
  await startWorkers();
}, 60_000);
afterAll(async () => {
  await stopJobQueue();
  await database?.drop();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe("migration 0019 (steps holding steps)", () => {
  it("gives the Conditions of drafts and deployed versions saved before it empty When true and Otherwise lists", async () => {
    const db = await getDb();
    const applied = rowsOf<{ count: number }>(await db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`))[0]!
      .count;
    expect(applied).toBeGreaterThan(BEFORE_TREE);
    const migrated = { ...flatDefinition, steps: [{ ...flatDefinition.steps[0], whenTrue: [], otherwise: [] }, flatDefinition.steps[1]] };
    const [workflow] = await db.select({ draft: workflows.draft }).from(workflows).where(eq(workflows.id, workflowId));
    expect(workflow!.draft).toEqual(migrated);
    const [version] = await db
      .select({ definition: workflowVersions.definition })
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, workflowId));
    expect(version!.definition).toEqual(migrated);
  });

  it("keeps the Condition's meaning: a run stops when it does not hold, and goes on to the steps after it when it does", async () => {
    const run = async (go: string): Promise<RunDetail> => {
      const { runIds } = await sendAppEvent({ projectId, caller: { kind: "backend", userId: undefined }, name: EVENT, payload: { go } });
      expect(runIds).toHaveLength(1);
      return waitFor(
        "the run to end",
        () => getRunDetail({ projectId, runId: runIds[0]! }),
        (detail) => !["queued", "running"].includes(detail.run.status),
      );
    };
    const stopped = await run("no");
    expect(stopped.run.status).toBe("stopped");
    expect(stopped.steps.map((step) => [step.stepKey, step.output])).toEqual([["check", { result: false }]]);
    const held = await run("yes");
    expect(held.run.status).toBe("succeeded");
    expect(held.steps.map((step) => step.stepKey)).toEqual(["check", "after"]);
  });
});
