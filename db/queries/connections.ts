import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
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
