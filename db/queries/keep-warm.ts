import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { connections, resourceKeepWarm } from "../schema";

/** The resource's Keep-warm days; undefined when Keep-warm is off. */
export async function getKeepWarmDays({ resourceId }: { resourceId: string }): Promise<number | undefined> {
  const db = await getDb();
  const [row] = await db.select({ days: resourceKeepWarm.days }).from(resourceKeepWarm).where(eq(resourceKeepWarm.resourceId, resourceId));
  return row?.days;
}

/** Turns Keep-warm on (with its days) or off for a resource. */
export async function setKeepWarm({ resourceId, days }: { resourceId: string; days: number | null }): Promise<void> {
  const db = await getDb();
  if (days === null) {
    await db.delete(resourceKeepWarm).where(eq(resourceKeepWarm.resourceId, resourceId));
    return;
  }
  await db.insert(resourceKeepWarm).values({ resourceId, days }).onConflictDoUpdate({ target: resourceKeepWarm.resourceId, set: { days } });
}

/**
 * The VALID user connections of resources with Keep-warm on whose tokens were last obtained
 * (refreshed, or connected) more than the resource's days ago, oldest first.
 */
export async function listStaleKeepWarmConnections({ limit = 500 }: { limit?: number } = {}) {
  const db = await getDb();
  return db
    .select({ connectionId: connections.id, projectId: connections.projectId, resourceId: connections.resourceId, userId: connections.userId })
    .from(connections)
    .innerJoin(resourceKeepWarm, eq(resourceKeepWarm.resourceId, connections.resourceId))
    .where(
      and(
        eq(connections.kind, "user"),
        eq(connections.status, "VALID"),
        sql`coalesce(${connections.refreshedAt}, ${connections.createdAt}) < now() - make_interval(days => ${resourceKeepWarm.days})`,
      ),
    )
    .orderBy(sql`coalesce(${connections.refreshedAt}, ${connections.createdAt})`)
    .limit(limit);
}
