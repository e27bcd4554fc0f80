import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, rowsOf } from "./client";
import { connections, projects, resources } from "./schema";

// On PostgreSQL every statement drizzle sends is prepared: parsed once per connection (planned with
// its values each time), one round trip per call (db/client.ts preparingEveryStatement). PGlite has no such cost.

describe.skipIf(!process.env.DATABASE_URL)("statements on PostgreSQL", () => {
  it("run prepared, once per connection however often they are sent, in transactions too", async () => {
    const db = await getDb();
    const name = `prepared ${randomUUID()}`;
    const counts = await db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.select({ id: projects.id }).from(projects).where(eq(projects.name, name));
      return rowsOf<{ count: number }>(
        await tx.execute(sql`select count(*)::int as count from pg_prepared_statements where statement = ${'select "id" from "projects" where "projects"."name" = $1'}`),
      );
    });
    expect(counts[0]!.count).toBe(1);
  });

  it("are planned with their parameters every time: an upsert whose arbiter index depends on one works past the fifth call", async () => {
    const db = await getDb();
    const [project] = await db.select({ id: projects.id }).from(projects).limit(1);
    const target = project ?? (await db.insert(projects).values({ name: `plans ${randomUUID()}` }).returning({ id: projects.id }))[0]!;
    // One connection (a transaction), rolled back: the same statement ten times, `kind` a parameter.
    const attempts = await db
      .transaction(async (tx) => {
        const [resource] = await tx.insert(resources).values({ projectId: target.id, name: `plans ${randomUUID()}`, slug: `plans-${randomUUID()}`, stepReached: "name" }).returning({ id: resources.id });
        let inserted = 0;
        for (let i = 0; i < 10; i++) {
          const rows = await tx
            .insert(connections)
            .values({ id: randomUUID(), projectId: target.id, resourceId: resource!.id, kind: "app", credentials: "x" })
            .onConflictDoNothing({ target: connections.resourceId, where: sql`${connections.kind} = ${"app"}` })
            .returning({ id: connections.id });
          inserted += rows.length;
        }
        throw new RolledBack(inserted);
      })
      .catch((error: unknown) => (error instanceof RolledBack ? error.inserted : Promise.reject(error)));
    expect(attempts).toBe(1);
  });
});

class RolledBack extends Error {
  constructor(readonly inserted: number) {
    super("rolled back");
  }
}
