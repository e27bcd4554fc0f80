import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, rowsOf } from "./client";
import { projects } from "./schema";

// On PostgreSQL every statement drizzle sends is prepared: parsed and planned once per connection,
// one round trip per call (db/client.ts preparingEveryStatement). PGlite has no such cost.

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
});
