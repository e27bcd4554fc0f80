import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { type ConnectSession, connectSessions, projects, resources } from "../schema";

/**
 * Creates a session (nothing secret yet): a Connected User's (`userId`), or, with `userId` null, one
 * for the resource's test connection (Test and Publish's Connect test account). Answers the row.
 */
export async function insertConnectSession({
  projectId,
  resourceId,
  userId,
  tokenHash,
  origin,
  expiresAt,
}: {
  projectId: string;
  resourceId: string;
  userId: string | null;
  tokenHash: string;
  origin: string | null;
  expiresAt: Date;
}): Promise<ConnectSession> {
  const db = await getDb();
  const [row] = await db
    .insert(connectSessions)
    .values({ id: randomUUID(), projectId, resourceId, target: userId === null ? "test" : "user", userId, tokenHash, origin, expiresAt })
    .returning();
  return row!;
}

/** A session by its token's hash, with its resource and project names (the portal page shows them). */
export async function getConnectSessionByTokenHash({ tokenHash }: { tokenHash: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ session: connectSessions, resourceName: resources.name, projectName: projects.name })
    .from(connectSessions)
    .innerJoin(resources, eq(resources.id, connectSessions.resourceId))
    .innerJoin(projects, eq(projects.id, connectSessions.projectId))
    .where(eq(connectSessions.tokenHash, tokenHash));
  return row;
}

export async function getConnectSession({ sessionId }: { sessionId: string }): Promise<ConnectSession | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(connectSessions).where(eq(connectSessions.id, sessionId));
  return row;
}

/** The session whose last Continue made this OAuth state (by hash). */
export async function getConnectSessionByStateHash({ stateHash }: { stateHash: string }): Promise<ConnectSession | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(connectSessions).where(eq(connectSessions.stateHash, stateHash));
  return row;
}

/**
 * Records a Continue on a live session: its new state and cookie hashes and its encrypted
 * authorization data replace any earlier Continue's (whose state then no longer matches).
 * Answers false when the session has ended or expired meanwhile.
 */
export async function startConnectAuthorization({
  sessionId,
  stateHash,
  bindingHash,
  authorization,
}: {
  sessionId: string;
  stateHash: string;
  bindingHash: string;
  authorization: string;
}): Promise<boolean> {
  const db = await getDb();
  const updated = await db
    .update(connectSessions)
    .set({ stateHash, bindingHash, authorization })
    .where(and(eq(connectSessions.id, sessionId), isNull(connectSessions.usedAt), gt(connectSessions.expiresAt, sql`now()`)))
    .returning({ id: connectSessions.id });
  return updated.length === 1;
}

/**
 * Takes the session for good, once: sets used_at when it is unused and unexpired (one statement, so
 * of two concurrent callers one wins). Answers the row as taken, or undefined.
 */
export async function claimConnectSession({ sessionId }: { sessionId: string }): Promise<ConnectSession | undefined> {
  const db = await getDb();
  const [row] = await db
    .update(connectSessions)
    .set({ usedAt: sql`now()` })
    .where(and(eq(connectSessions.id, sessionId), isNull(connectSessions.usedAt), gt(connectSessions.expiresAt, sql`now()`)))
    .returning();
  return row;
}

/** Gives a claimed session back (the API refused what was typed; the user may try again), unless it has an outcome. */
export async function releaseConnectSession({ sessionId }: { sessionId: string }): Promise<void> {
  const db = await getDb();
  await db
    .update(connectSessions)
    .set({ usedAt: null })
    .where(and(eq(connectSessions.id, sessionId), isNull(connectSessions.outcome)));
}

/** How a claimed session's flow ended; its state and secrets are forgotten. */
export async function recordConnectOutcome({
  sessionId,
  outcome,
  error,
}: {
  sessionId: string;
  outcome: "connected" | "error";
  error?: { code: string; message: string };
}): Promise<void> {
  const db = await getDb();
  await db
    .update(connectSessions)
    .set({ outcome, outcomeCode: error?.code ?? null, outcomeError: error?.message ?? null, authorization: null, bindingHash: null })
    .where(eq(connectSessions.id, sessionId));
}

/** Deletes the sessions that expired over a day ago (the retention job); answers how many. */
export async function deleteExpiredConnectSessions(now: Date): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const deleted = await db.delete(connectSessions).where(lt(connectSessions.expiresAt, cutoff)).returning({ id: connectSessions.id });
  return deleted.length;
}
