import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, rowsOf } from "./client";
import { KIND_IS, saveResourceConnection } from "./queries/connections";
import { createUserWithProject } from "./queries/users";
import { connections, projects, resources } from "./schema";

// On PostgreSQL every statement drizzle sends is prepared: parsed and, after a few calls, planned
// once per connection, one round trip per call (db/client.ts preparingEveryStatement). PGlite has no such cost.

describe.skipIf(!process.env.DATABASE_URL)("statements on PostgreSQL", () => {
  it("run prepared, once per connection however often they are sent, in transactions too", async () => {
    const db = await getDb();
    const name = `prepared ${randomUUID()}`;
    const counts = await db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.select({ id: projects.id }).from(projects).where(eq(projects.name, name));
      return rowsOf<{ count: number }>(
        await tx.execute(
          sql`select count(*)::int as count from pg_prepared_statements where statement = ${'select "id" from "projects" where "projects"."name" = $1'}`,
        ),
      );
    });
    expect(counts[0]!.count).toBe(1);
  });

  it("keep working past the sixth call on a connection, when PostgreSQL tries a generic plan: an App-Level connection saved 60 times", async () => {
    const db = await getDb();
    const { projectId } = (await createUserWithProject({
      email: `plans-${randomUUID()}@example.test`,
      passwordHash: "hash",
      projectName: "Plans",
    }))!;
    const [resource] = await db
      .insert(resources)
      .values({ projectId, name: `plans ${randomUUID()}`, slug: `plans-${randomUUID()}`, stepReached: "name" })
      .returning({ id: resources.id });
    // One after another: the pool's 10 connections each send the upsert at least 6 times.
    const saved = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const connection = await saveResourceConnection({
        projectId,
        resourceId: resource!.id,
        kind: "app",
        encrypt: () => `ciphertext ${i}`,
        accessTokenExpiresAt: null,
        grantFingerprint: null,
      });
      saved.add(connection.id);
    }
    expect(saved.size).toBe(1);
  });

  it.each([
    ["a user's connection", "connections_resource_user_key", KIND_IS.user, true],
    ["a resource's test connection", "connections_resource_test_key", KIND_IS.test, false],
    ["a resource's App-Level connection", "connections_resource_app_key", KIND_IS.app, false],
  ] as const)("find %s through its partial index on a generic plan (the kind a literal)", async (_name, index, kindIs, byUser) => {
    const db = await getDb();
    const lookup = db
      .select({ id: connections.id })
      .from(connections)
      .where(
        and(
          eq(connections.resourceId, sql.placeholder("resourceId")),
          kindIs,
          ...(byUser ? [eq(connections.userId, sql.placeholder("userId"))] : []),
        ),
      )
      .toSQL().sql;
    const plan = await db.transaction(async (tx) => {
      // The plan a prepared statement gets from its sixth call, and no table scan to hide behind.
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      await tx.execute(sql`set local enable_seqscan = off`);
      // A name of its own: a statement PREPAREd in SQL outlives the transaction, on a pooled connection.
      const name = `lookup_${randomUUID().replaceAll("-", "")}`;
      await tx.execute(sql.raw(`prepare ${name} as ${lookup}`));
      const rows = rowsOf<{ "QUERY PLAN": string }>(
        await tx.execute(sql.raw(`explain execute ${name}('${randomUUID()}'${byUser ? ", 'someone'" : ""})`)),
      );
      await tx.execute(sql.raw(`deallocate ${name}`));
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain(`Index Scan using ${index}`);
  });
});
