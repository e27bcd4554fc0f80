import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { type AuditActor, recordAuditEvent } from "./audit-events";
import {
  connections,
  resourceSecrets,
  resources,
  webhookEvents,
  workflowRuns,
  workflows,
  type WebhookEvent,
  type WorkflowRun,
  type WorkflowRunStatus,
} from "../schema";
import type { NewRun, Transaction } from "./workflow-runs";

export type NewWebhookEvent = Omit<typeof webhookEvents.$inferInsert, "id" | "receivedAt" | "runIds">;

/**
 * Stores an accepted event and starts its runs in one transaction (`enqueue` writes each run's
 * first job in it). An event whose Event ID this resource has seen already is a duplicate:
 * nothing is written and nothing starts.
 */
export async function recordWebhookEvent({
  event,
  runs,
  enqueue,
}: {
  event: NewWebhookEvent;
  runs: NewRun[];
  enqueue: (tx: Transaction, run: { id: string; userId: string | null }) => Promise<void>;
}): Promise<{ duplicate: true } | { duplicate: false; event: WebhookEvent; runs: WorkflowRun[] }> {
  const db = await getDb();
  // Run ids are chosen here so the event row names them as it is inserted.
  const withIds = runs.map((run) => ({ ...run, id: randomUUID() }));
  const insertEvent = (executor: Pick<Transaction, "insert">) =>
    executor
      .insert(webhookEvents)
      .values({ ...event, runIds: withIds.map((run) => run.id) })
      .onConflictDoNothing({ target: [webhookEvents.resourceId, webhookEvents.eventId] })
      .returning();
  if (!withIds.length) {
    const [stored] = await insertEvent(db);
    return stored ? { duplicate: false as const, event: stored, runs: [] } : { duplicate: true as const };
  }
  // The event, its runs and their first jobs are sent together (pipelined on the transaction's
  // connection: one round trip, not one per statement); a duplicate event rolls them back.
  try {
    return await db.transaction(async (tx) => {
      const [[stored], created] = await Promise.all([
        insertEvent(tx),
        tx.insert(workflowRuns).values(withIds).returning(),
        ...withIds.map((run) => enqueue(tx, run)),
      ]);
      if (!stored) throw new DuplicateEvent();
      return { duplicate: false as const, event: stored, runs: created };
    });
  } catch (error) {
    if (error instanceof DuplicateEvent) return { duplicate: true as const };
    throw error;
  }
}

class DuplicateEvent extends Error {}

/** A rejected event (a bad signature, an unreadable body): kept for the Events list, without its content. */
export async function recordRejectedWebhookEvent(event: Pick<NewWebhookEvent, "projectId" | "resourceId" | "rejectedReason" | "signatureOk">): Promise<void> {
  const db = await getDb();
  await db.insert(webhookEvents).values({ ...event, matched: false });
}

/** The Connected User whose connection to the resource has this value at a User Profile path. */
export async function findUserByProfileField({ resourceId, path, value }: { resourceId: string; path: string; value: string }): Promise<string | undefined> {
  const db = await getDb();
  // The User Profile keeps a field under its dotted name ("team.name"); nested JSON is read too.
  const field = sql`coalesce(${connections.profile} ->> ${path}, ${connections.profile} #>> ${`{${path.split(".").join(",")}}`}::text[])`;
  const [row] = await db
    .select({ userId: connections.userId })
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user"), sql`${field} = ${value}`))
    .limit(1);
  return row?.userId ?? undefined;
}

/** The resource's events, newest first, for the Events list (optionally since a time: Listen for test event). */
export async function listWebhookEvents({
  projectId,
  resourceId,
  since,
  before,
  eventType,
  limit = 50,
}: {
  projectId: string;
  resourceId: string;
  since?: Date;
  before?: Date;
  eventType?: string;
  limit?: number;
}): Promise<WebhookEvent[]> {
  const db = await getDb();
  const conditions = [eq(webhookEvents.projectId, projectId), eq(webhookEvents.resourceId, resourceId)];
  if (since) conditions.push(gte(webhookEvents.receivedAt, since));
  if (before) conditions.push(lt(webhookEvents.receivedAt, before));
  if (eventType) conditions.push(eq(webhookEvents.eventType, eventType));
  return db
    .select()
    .from(webhookEvents)
    .where(and(...conditions))
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(limit);
}

export async function getWebhookEvent({ projectId, eventId }: { projectId: string; eventId: string }): Promise<WebhookEvent | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.projectId, projectId), eq(webhookEvents.id, eventId)));
  return row;
}

/** Deletes events received before `olderThan`; answers how many. */
export async function deleteWebhookEventsOlderThan({ olderThan }: { olderThan: Date }): Promise<number> {
  const db = await getDb();
  const deleted = await db.delete(webhookEvents).where(lt(webhookEvents.receivedAt, olderThan)).returning({ id: webhookEvents.id });
  return deleted.length;
}

/**
 * Saves a resource's webhook settings and, in the same transaction, its signing secret:
 * `secret` replaces it (already encrypted), "delete" removes it, undefined keeps it.
 */
export async function saveWebhookSettings({
  projectId,
  resourceId,
  webhook,
  secret,
  actor,
  changes,
}: {
  projectId: string;
  resourceId: string;
  webhook: NonNullable<typeof resources.$inferInsert.webhook>;
  secret?: { name: string; ciphertext: string } | { name: string; delete: true };
  actor: AuditActor;
  /** The settings' names that changed (the secret's too): recorded with the write when any did. */
  changes: string[];
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(resources)
      .set({ webhook })
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .returning({ id: resources.id, name: resources.name });
    if (!row) return false;
    if (secret && "delete" in secret) {
      await tx.delete(resourceSecrets).where(and(eq(resourceSecrets.resourceId, resourceId), eq(resourceSecrets.name, secret.name)));
    } else if (secret) {
      await tx
        .insert(resourceSecrets)
        .values({ resourceId, name: secret.name, ciphertext: secret.ciphertext })
        .onConflictDoUpdate({
          target: [resourceSecrets.resourceId, resourceSecrets.name],
          set: { ciphertext: secret.ciphertext, updatedAt: sql`now()` },
        });
    }
    if (changes.length) {
      await recordAuditEvent(tx, { projectId, actor, action: "resource.webhook_updated", object: { type: "resource", id: row.id, name: row.name }, changes });
    }
    return true;
  });
}

/**
 * "Listen for test event" starts now, by the database's clock (the one that stamps events'
 * received_at); undefined when the project has no such resource.
 */
export async function webhookListenStart({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<Date | undefined> {
  const db = await getDb();
  // Rounded up to the millisecond a Date holds: received_at has microseconds, and an event received
  // earlier in the same millisecond as the click must not pass for the test event.
  const [row] = await db
    .select({
      now: sql<Date>`date_trunc('milliseconds', now()) + interval '1 millisecond'`.mapWith((value: string | Date) => new Date(value)),
    })
    .from(resources)
    .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)));
  return row?.now;
}

/** The runs an event started, with their workflows' names (runs deleted since are left out). */
export async function listWebhookEventRuns({
  projectId,
  runIds,
}: {
  projectId: string;
  runIds: readonly string[];
}): Promise<{ id: string; workflowId: string; workflowName: string; status: WorkflowRunStatus }[]> {
  if (!runIds.length) return [];
  const db = await getDb();
  return db
    .select({ id: workflowRuns.id, workflowId: workflowRuns.workflowId, workflowName: workflows.name, status: workflowRuns.status })
    .from(workflowRuns)
    .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
    .where(and(eq(workflowRuns.projectId, projectId), inArray(workflowRuns.id, [...runIds])))
    .orderBy(workflows.name, workflowRuns.id);
}

/** "Use as sample": the event the workflow editor lists variables from. */
export async function saveWebhookSample({
  projectId,
  resourceId,
  sample,
}: {
  projectId: string;
  resourceId: string;
  sample: NonNullable<typeof resources.$inferInsert.webhookSample>;
}): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(resources)
    .set({ webhookSample: sample })
    .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
    .returning({ id: resources.id });
  return rows.length > 0;
}
