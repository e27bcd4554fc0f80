import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { connections, resourceKeepWarm, resources } from "../schema";
import { KIND_IS } from "./connections";

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

/** The resources with Keep-warm on, with their days. */
export async function listKeepWarmResources(): Promise<{ resourceId: string; projectId: string; days: number }[]> {
  const db = await getDb();
  return db
    .select({ resourceId: resourceKeepWarm.resourceId, projectId: resources.projectId, days: resourceKeepWarm.days })
    .from(resourceKeepWarm)
    .innerJoin(resources, eq(resources.id, resourceKeepWarm.resourceId));
}

/**
 * The resource's VALID user connections whose tokens were last obtained (refreshed, or
 * connected) more than `days` days ago, oldest first.
 */
export async function listStaleConnections({
  resourceId,
  days,
  limit,
}: {
  resourceId: string;
  days: number;
  limit: number;
}): Promise<string[]> {
  const db = await getDb();
  const obtainedAt = sql`coalesce(${connections.refreshedAt}, ${connections.createdAt})`;
  const rows = await db
    .select({ id: connections.id })
    .from(connections)
    .where(
      and(
        eq(connections.resourceId, resourceId),
        KIND_IS.user,
        eq(connections.status, "VALID"),
        sql`${obtainedAt} < now() - make_interval(days => ${days})`,
      ),
    )
    .orderBy(obtainedAt)
    .limit(limit);
  return rows.map((row) => row.id);
}
