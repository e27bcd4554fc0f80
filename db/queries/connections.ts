import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { getDb } from "../client";
import { connections, resourceTestRuns, type Connection, type ResourceTestRun } from "../schema";

export async function getTestConnection({ resourceId }: { resourceId: string }): Promise<Connection | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.isTest, true)));
  return row;
}

/**
 * Creates or replaces a resource's test connection. `encrypt` receives the connection's id,
 * which the ciphertext is bound to, so it runs inside the transaction once the id is known.
 */
export async function saveTestConnection({
  projectId,
  resourceId,
  encrypt,
  accessTokenExpiresAt,
}: {
  projectId: string;
  resourceId: string;
  encrypt: (connectionId: string) => string;
  accessTokenExpiresAt: Date | null;
}): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.isTest, true)))
      .for("update");
    if (existing) {
      await tx
        .update(connections)
        .set({ credentials: encrypt(existing.id), accessTokenExpiresAt, status: "VALID", updatedAt: new Date() })
        .where(eq(connections.id, existing.id));
      return;
    }
    const id = randomUUID();
    await tx.insert(connections).values({ id, projectId, resourceId, isTest: true, credentials: encrypt(id), accessTokenExpiresAt });
  });
}

/** Stores tokens obtained while using a connection. */
export async function updateConnectionCredentials({
  connectionId,
  credentials,
  accessTokenExpiresAt,
}: {
  connectionId: string;
  credentials: string;
  accessTokenExpiresAt: Date | null;
}): Promise<void> {
  const db = await getDb();
  const now = new Date();
  await db
    .update(connections)
    .set({ credentials, accessTokenExpiresAt, refreshedAt: now, updatedAt: now })
    .where(eq(connections.id, connectionId));
}

export async function recordTestRun(run: Omit<typeof resourceTestRuns.$inferInsert, "id" | "createdAt">): Promise<void> {
  const db = await getDb();
  await db.insert(resourceTestRuns).values(run);
}

export async function listTestRuns({ resourceId, limit = 10 }: { resourceId: string; limit?: number }): Promise<ResourceTestRun[]> {
  const db = await getDb();
  return db
    .select()
    .from(resourceTestRuns)
    .where(eq(resourceTestRuns.resourceId, resourceId))
    .orderBy(desc(resourceTestRuns.createdAt))
    .limit(limit);
}

export async function lastSuccessfulTestRunAt({ resourceId }: { resourceId: string }): Promise<Date | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ createdAt: resourceTestRuns.createdAt })
    .from(resourceTestRuns)
    .where(and(eq(resourceTestRuns.resourceId, resourceId), eq(resourceTestRuns.succeeded, true)))
    .orderBy(desc(resourceTestRuns.createdAt))
    .limit(1);
  return row?.createdAt;
}

/**
 * Creates or replaces the connection of one user to one resource, in one transaction: the
 * insert claims the (resource, user) pair or waits for whoever holds it, then the row is
 * written with credentials encrypted for its own id.
 */
export async function upsertConnection({
  projectId,
  resourceId,
  userId,
  encrypt,
  profile,
  accessTokenExpiresAt,
}: {
  projectId: string;
  resourceId: string;
  userId: string;
  encrypt: (connectionId: string) => string;
  profile: Record<string, unknown> | null;
  accessTokenExpiresAt: Date | null;
}): Promise<Connection> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const id = randomUUID();
    const now = new Date();
    const [inserted] = await tx
      .insert(connections)
      .values({ id, projectId, resourceId, userId, credentials: encrypt(id), profile, accessTokenExpiresAt, refreshedAt: now })
      .onConflictDoNothing({ target: [connections.resourceId, connections.userId] })
      .returning();
    if (inserted) return inserted;
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, userId)))
      .for("update");
    const [updated] = await tx
      .update(connections)
      .set({
        credentials: encrypt(existing!.id),
        profile,
        accessTokenExpiresAt,
        status: "VALID",
        invalidReason: null,
        failureCount: 0,
        updatedAt: now,
        refreshedAt: now,
      })
      .where(eq(connections.id, existing!.id))
      .returning();
    return updated!;
  });
}

export async function deleteConnection({ projectId, resourceId, userId }: { projectId: string; resourceId: string; userId: string }): Promise<boolean> {
  const db = await getDb();
  const deleted = await db
    .delete(connections)
    .where(and(eq(connections.projectId, projectId), eq(connections.resourceId, resourceId), eq(connections.userId, userId)))
    .returning({ id: connections.id });
  return deleted.length > 0;
}

/** A Connected User's connections in a project, by resource. */
export async function listConnectionsOfUser({ projectId, userId }: { projectId: string; userId: string }) {
  const db = await getDb();
  return db
    .select({ id: connections.id, resourceId: connections.resourceId, status: connections.status })
    .from(connections)
    .where(and(eq(connections.projectId, projectId), eq(connections.userId, userId)));
}

/** A resource's connections for the dashboard, newest first, optionally for user ids containing `userIdFilter`. */
export async function listResourceConnections({
  projectId,
  resourceId,
  userIdFilter,
  limit = 100,
}: {
  projectId: string;
  resourceId: string;
  userIdFilter?: string;
  limit?: number;
}) {
  const db = await getDb();
  // The App-Level token cache (user id "") is not a Connected User.
  const conditions = [
    eq(connections.projectId, projectId),
    eq(connections.resourceId, resourceId),
    eq(connections.isTest, false),
    ne(connections.userId, ""),
  ];
  if (userIdFilter) conditions.push(sql`strpos(lower(${connections.userId}), lower(${userIdFilter})) > 0`);
  return db
    .select({
      id: connections.id,
      userId: connections.userId,
      status: connections.status,
      profile: connections.profile,
      invalidReason: connections.invalidReason,
      createdAt: connections.createdAt,
      updatedAt: connections.updatedAt,
      refreshedAt: connections.refreshedAt,
    })
    .from(connections)
    .where(and(...conditions))
    .orderBy(desc(connections.createdAt))
    .limit(limit);
}
