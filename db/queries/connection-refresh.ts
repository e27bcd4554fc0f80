import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { connections, type Connection } from "../schema";

export async function getConnection({ connectionId }: { connectionId: string }): Promise<Connection | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  return row;
}

export async function getUserConnection({ projectId, resourceId, userId }: { projectId: string; resourceId: string; userId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.projectId, projectId), eq(connections.resourceId, resourceId), eq(connections.userId, userId)));
  return row;
}

/**
 * Takes the connection's refresh lease in one atomic UPDATE, if nobody holds an unexpired
 * one: no transaction stays open while the holder calls the token endpoint.
 */
export async function acquireRefreshLease({
  connectionId,
  leaseId,
  seconds,
}: {
  connectionId: string;
  leaseId: string;
  seconds: number;
}): Promise<Connection | undefined> {
  const db = await getDb();
  const [row] = await db
    .update(connections)
    .set({ refreshLeaseId: leaseId, refreshLeaseUntil: sql`now() + make_interval(secs => ${seconds})` })
    .where(and(eq(connections.id, connectionId), or(isNull(connections.refreshLeaseUntil), lt(connections.refreshLeaseUntil, sql`now()`))))
    .returning();
  return row;
}

/** Stores refreshed tokens and releases the lease — only if this lease still holds it. */
export async function completeRefresh({
  connectionId,
  leaseId,
  credentials,
  accessTokenExpiresAt,
}: {
  connectionId: string;
  leaseId: string;
  credentials: string;
  accessTokenExpiresAt: Date | null;
}): Promise<boolean> {
  const db = await getDb();
  const updated = await db
    .update(connections)
    .set({
      credentials,
      accessTokenExpiresAt,
      refreshedAt: sql`now()`,
      updatedAt: sql`now()`,
      failureCount: 0,
      refreshLeaseId: null,
      refreshLeaseUntil: null,
    })
    .where(and(eq(connections.id, connectionId), eq(connections.refreshLeaseId, leaseId)))
    .returning({ id: connections.id });
  return updated.length > 0;
}

/** Releases the lease after a failed refresh; `invalidReason` marks the connection INVALID. */
export async function failRefresh({
  connectionId,
  leaseId,
  invalidReason,
}: {
  connectionId: string;
  leaseId: string;
  invalidReason?: string;
}): Promise<void> {
  const db = await getDb();
  await db
    .update(connections)
    .set({
      failureCount: sql`${connections.failureCount} + 1`,
      refreshLeaseId: null,
      refreshLeaseUntil: null,
      updatedAt: sql`now()`,
      ...(invalidReason ? { status: "INVALID" as const, invalidReason } : {}),
    })
    .where(and(eq(connections.id, connectionId), eq(connections.refreshLeaseId, leaseId)));
}

/**
 * An App-Level resource's own connection, which caches its OAuth tokens for every process
 * and lets them share the refresh lease. Its user id is empty: no User Token has an empty sub.
 */
export const APP_CONNECTION_USER_ID = "";

export async function getOrCreateAppConnection({
  projectId,
  resourceId,
  encrypt,
}: {
  projectId: string;
  resourceId: string;
  encrypt: (connectionId: string) => string;
}): Promise<Connection> {
  const db = await getDb();
  const id = randomUUID();
  await db
    .insert(connections)
    .values({ id, projectId, resourceId, userId: APP_CONNECTION_USER_ID, credentials: encrypt(id) })
    .onConflictDoNothing({ target: [connections.resourceId, connections.userId] });
  return (await getUserConnection({ projectId, resourceId, userId: APP_CONNECTION_USER_ID }))!;
}
