import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, type Transaction } from "../client";
import { connections, type Connection } from "../schema";
import { recordAuditEvent } from "./audit-events";
import { connectionAuditObject } from "./connections";

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

// A refresh ends with a compare-and-set: only while this lease holds the row and nobody
// replaced its credentials (a reconnect) since the lease was taken.
function heldBy(connectionId: string, leaseId: string, credentialsVersion: number) {
  return and(
    eq(connections.id, connectionId),
    eq(connections.refreshLeaseId, leaseId),
    eq(connections.credentialsVersion, credentialsVersion),
  );
}

/** Stores refreshed tokens and releases the lease; false when the lease or the credentials' version was lost. */
export async function completeRefresh({
  connectionId,
  leaseId,
  credentialsVersion,
  credentials,
  accessTokenExpiresAt,
}: {
  connectionId: string;
  leaseId: string;
  credentialsVersion: number;
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
    .where(heldBy(connectionId, leaseId, credentialsVersion))
    .returning({ id: connections.id });
  return updated.length > 0;
}

/** Releases the lease, without a write, when a refresh was not needed after all. */
export async function releaseRefreshLease({ connectionId, leaseId }: { connectionId: string; leaseId: string }): Promise<void> {
  const db = await getDb();
  await db
    .update(connections)
    .set({ refreshLeaseId: null, refreshLeaseUntil: null })
    .where(and(eq(connections.id, connectionId), eq(connections.refreshLeaseId, leaseId)));
}

/**
 * Releases the lease after a failed refresh; `invalidReason` marks the connection INVALID, which
 * the audit log records as Switchboard's own change, and then `onInvalid` runs, in the same transaction.
 */
export async function failRefresh({
  connectionId,
  leaseId,
  credentialsVersion,
  invalidReason,
  onInvalid,
}: {
  connectionId: string;
  leaseId: string;
  credentialsVersion: number;
  invalidReason?: string;
  onInvalid?: (tx: Transaction, connection: Connection) => Promise<void>;
}): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [failed] = await tx
      .update(connections)
      .set({
        failureCount: sql`${connections.failureCount} + 1`,
        refreshLeaseId: null,
        refreshLeaseUntil: null,
        updatedAt: sql`now()`,
        ...(invalidReason ? { status: "INVALID" as const, invalidReason } : {}),
      })
      .where(heldBy(connectionId, leaseId, credentialsVersion))
      .returning();
    if (failed && invalidReason) await recordInvalidated(tx, failed, onInvalid);
  });
}

/** A connection Switchboard turned INVALID: recorded by the audit log as its own change, then `onInvalid`, in the same transaction. */
async function recordInvalidated(
  tx: Transaction,
  connection: Connection,
  onInvalid?: (tx: Transaction, connection: Connection) => Promise<void>,
): Promise<void> {
  await recordAuditEvent(tx, {
    projectId: connection.projectId,
    actor: { kind: "system" },
    action: "connection.invalidated",
    object: await connectionAuditObject(tx, connection),
    changes: ["status"],
  });
  await onInvalid?.(tx, connection);
}

/**
 * Counts the API's answer to a request with a user's connection: a 401 adds one to the run of
 * 401s, anything else ends it. At `invalidAfter` 401s in a row the connection turns INVALID —
 * recorded by the audit log as Switchboard's own change, and `onInvalid` runs, in the same
 * transaction. Answers whether this answer made it INVALID.
 */
export async function recordApiAnswer({
  connection,
  unauthorized,
  invalidAfter,
  onInvalid,
}: {
  connection: Pick<Connection, "id" | "unauthorizedCount">;
  unauthorized: boolean;
  invalidAfter: number;
  onInvalid?: (tx: Transaction, connection: Connection) => Promise<void>;
}): Promise<boolean> {
  const db = await getDb();
  // Most answers are not 401s to a connection with none before them: nothing to write.
  if (!unauthorized) {
    if (connection.unauthorizedCount > 0)
      await db.update(connections).set({ unauthorizedCount: 0 }).where(eq(connections.id, connection.id));
    return false;
  }
  return db.transaction(async (tx) => {
    const reachesLimit = sql`${connections.unauthorizedCount} + 1 >= ${invalidAfter}`;
    const [counted] = await tx
      .update(connections)
      .set({
        unauthorizedCount: sql`${connections.unauthorizedCount} + 1`,
        status: sql`case when ${reachesLimit} then 'INVALID'::connection_status else ${connections.status} end`,
        invalidReason: sql`case when ${reachesLimit} then ${`the API answered 401 Unauthorized to ${invalidAfter} requests in a row`} else ${connections.invalidReason} end`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(connections.id, connection.id), eq(connections.status, "VALID")))
      .returning();
    if (!counted || counted.status !== "INVALID") return false;
    await recordInvalidated(tx, counted, onInvalid);
    return true;
  });
}
