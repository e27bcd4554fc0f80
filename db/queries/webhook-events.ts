import "server-only";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { connections, resources, webhookEvents, workflowRuns, type WebhookEvent, type WorkflowRun } from "../schema";
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
  enqueue: (tx: Transaction, run: WorkflowRun) => Promise<void>;
}): Promise<{ duplicate: true } | { duplicate: false; event: WebhookEvent; runs: WorkflowRun[] }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [stored] = await tx
      .insert(webhookEvents)
      .values(event)
      .onConflictDoNothing({ target: [webhookEvents.resourceId, webhookEvents.eventId] })
      .returning();
    if (!stored) return { duplicate: true as const };
    const created = runs.length ? await tx.insert(workflowRuns).values(runs).returning() : [];
    for (const run of created) await enqueue(tx, run);
    if (!created.length) return { duplicate: false as const, event: stored, runs: created };
    const [updated] = await tx
      .update(webhookEvents)
      .set({ runIds: created.map((run) => run.id) })
      .where(eq(webhookEvents.id, stored.id))
      .returning();
    return { duplicate: false as const, event: updated!, runs: created };
  });
}

/** A rejected event (a bad signature, an unreadable body): kept for the Events list, without its content. */
export async function recordRejectedWebhookEvent(event: Pick<NewWebhookEvent, "projectId" | "resourceId" | "rejectedReason" | "signatureOk">): Promise<void> {
  const db = await getDb();
  await db.insert(webhookEvents).values({ ...event, matched: false });
}

/** The Connected User whose connection to the resource has this value at a User Profile path. */
export async function findUserByProfileField({ resourceId, path, value }: { resourceId: string; path: string; value: string }): Promise<string | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ userId: connections.userId })
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user"), sql`${connections.profile} #>> ${path.split(".")} = ${value}`))
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

/** Saves a resource's webhook settings (the secret goes through the resource's secrets). */
export async function saveWebhookSettings({
  projectId,
  resourceId,
  webhook,
}: {
  projectId: string;
  resourceId: string;
  webhook: NonNullable<typeof resources.$inferInsert.webhook>;
}): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(resources)
    .set({ webhook })
    .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
    .returning({ id: resources.id });
  return rows.length > 0;
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
