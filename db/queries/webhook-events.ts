import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, gte, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import { getDb, parseJsonb, rowsOf, type Transaction } from "../client";
import { countInWindow } from "./rate-limits";
import { type AuditActor, recordAuditEvent } from "./audit-events";
import { resourceSecrets, resources, webhookEvents, workflowRuns, workflows, type WebhookEvent, type WorkflowRunStatus } from "../schema";
import type { NewRun } from "./workflow-runs";

export type NewWebhookEvent = Omit<typeof webhookEvents.$inferInsert, "id" | "receivedAt" | "runIds">;

/**
 * Stores an accepted event and starts its runs in one transaction (`enqueue` writes each run's
 * first job in it). An event whose Event ID this resource has seen already is a duplicate:
 * nothing is written and nothing starts. The event and its runs are one statement; with runs,
 * their jobs are sent beside it (pipelined on the transaction's connection) and a duplicate
 * rolls them back.
 */
export async function recordWebhookEvent({
  event,
  runs,
  enqueue,
}: {
  event: NewWebhookEvent;
  runs: NewRun[];
  enqueue: (tx: Transaction, run: { id: string; projectId: string; userId: string | null }) => Promise<void>;
}): Promise<{ duplicate: true } | { duplicate: false; id: string; runIds: string[] }> {
  const db = await getDb();
  // Run ids are chosen here so the event row names them as it is inserted.
  const withIds = runs.map((run) => ({ ...run, id: randomUUID() }));
  const runIds = withIds.map((run) => run.id);
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const statement = sql`
    with event as (
      insert into webhook_events (project_id, resource_id, event_id, event_type, user_id, matched, unmatched_reason, signature_ok, headers, payload, run_ids)
      values (${event.projectId}, ${event.resourceId}, ${event.eventId ?? null}, ${event.eventType ?? null}, ${event.userId ?? null}, ${event.matched},
        ${event.unmatchedReason ?? null}, ${event.signatureOk}, ${json(event.headers)}::jsonb, ${json(event.payload)}::jsonb, ${JSON.stringify(runIds)}::jsonb)
      on conflict (resource_id, event_id) do nothing
      returning id
    ), runs as (
      insert into workflow_runs (id, project_id, workflow_id, version, user_id, trigger, source_run_id)
      select r.id, r.project_id, r.workflow_id, r.version, r.user_id, r.trigger, r.source_run_id
      from jsonb_to_recordset(${JSON.stringify(
        withIds.map((run) => ({
          id: run.id,
          project_id: run.projectId,
          workflow_id: run.workflowId,
          version: run.version,
          user_id: run.userId ?? null,
          trigger: run.trigger,
          source_run_id: run.sourceRunId ?? null,
        })),
      )}::jsonb) as r(id uuid, project_id uuid, workflow_id uuid, version integer, user_id text, trigger jsonb, source_run_id uuid)
      where exists (select 1 from event)
      returning id
    )
    select (select id from event) as id, (select count(*) from runs)::int as runs`;
  const stored = (result: unknown) => rowsOf<{ id: string | null }>(result)[0]?.id ?? null;
  if (!withIds.length) {
    const id = stored(await db.execute(statement));
    return id ? { duplicate: false, id, runIds } : { duplicate: true };
  }
  try {
    return await db.transaction(async (tx) => {
      const [result] = await Promise.all([tx.execute(statement), ...withIds.map((run) => enqueue(tx, run))]);
      const id = stored(result);
      if (!id) throw new DuplicateEvent();
      return { duplicate: false as const, id, runIds };
    });
  } catch (error) {
    if (error instanceof DuplicateEvent) return { duplicate: true as const };
    throw error;
  }
}

class DuplicateEvent extends Error {}

/**
 * A rejected event (a bad signature, an unreadable body): kept for the Events list, without its
 * content, while the resource's rejected events of the current minute-long window number at most
 * `perMinute` (counted in rate_limit_windows, shared by every process, in the same statement).
 * Answers whether it was stored.
 */
export async function recordRejectedWebhookEvent({
  event,
  perMinute,
}: {
  event: Pick<NewWebhookEvent, "projectId" | "resourceId" | "rejectedReason" | "signatureOk">;
  perMinute: number;
}): Promise<boolean> {
  const db = await getDb();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with counted as (${countInWindow(`webhook-rejected:${event.resourceId}`, 60)})
      insert into webhook_events (project_id, resource_id, matched, signature_ok, rejected_reason)
      select ${event.projectId}, ${event.resourceId}, false, ${event.signatureOk}, ${event.rejectedReason ?? null}
      from counted where counted.count <= ${perMinute}
      returning id`),
  );
  return rows.length > 0;
}

/** Whom an event is for: a Connected User by user id, or by the value at a User Profile path. */
export type WebhookUserMatch = { userId: string } | { profilePath: string; value: string };

/**
 * The webhook intake's one read per event: the project's configuration revision (so the intake
 * knows whether what its process keeps is current), the Connected User of the resource that
 * `match` names (none: no user to look for), and that user's own settings for these workflows.
 * A profile value matches VALID connections only, and only when exactly one holds it: `ambiguous`
 * when several do (then no user). Undefined when the project no longer exists.
 */
export async function matchWebhookUser({
  projectId,
  resourceId,
  match,
  workflowIds,
}: {
  projectId: string;
  resourceId: string;
  match: WebhookUserMatch | undefined;
  workflowIds: readonly string[];
}): Promise<{ revision: number; userId: string | undefined; ambiguous: boolean; userSettings: Map<string, boolean> } | undefined> {
  const db = await getDb();
  // The User Profile keeps a field under its dotted name ("team.name"); nested JSON is read too.
  const condition = !match
    ? sql`false`
    : "userId" in match
      ? sql`c.user_id = ${match.userId}`
      : sql`c.status = 'VALID' and coalesce(c.profile ->> ${match.profilePath}, c.profile #>> ${`{${match.profilePath.split(".").join(",")}}`}::text[]) = ${match.value}`;
  const [row] = rowsOf<{
    revision: string | null;
    user_id: string | null;
    candidates: number;
    user_settings: Record<string, boolean> | string | null;
  }>(
    await db.execute(sql`
      with candidates as (
        select c.user_id from connections c where c.resource_id = ${resourceId} and c.kind = 'user' and ${condition} limit 2
      ), matched as (
        select user_id from candidates where (select count(*) from candidates) = 1
      )
      select (select config_revision::text from projects where id = ${projectId}) as revision,
        (select user_id from matched) as user_id, (select count(*) from candidates)::int as candidates,
        (select json_object_agg(s.workflow_id, s.enabled) from workflow_user_settings s join matched m on m.user_id = s.user_id
         where s.workflow_id = any(${`{${workflowIds.join(",")}}`}::uuid[])) as user_settings`),
  );
  if (!row || row.revision === null) return undefined;
  const settings = parseJsonb<Record<string, boolean> | null>(row.user_settings) ?? {};
  return {
    revision: Number(row.revision),
    userId: row.user_id ?? undefined,
    ambiguous: Number(row.candidates) > 1,
    userSettings: new Map(Object.entries(settings)),
  };
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

/** Deletes events received before `olderThan`, and rejected ones before `rejectedOlderThan`; answers how many. */
export async function deleteWebhookEventsOlderThan({
  olderThan,
  rejectedOlderThan,
}: {
  olderThan: Date;
  rejectedOlderThan: Date;
}): Promise<number> {
  const db = await getDb();
  const deleted = await db
    .delete(webhookEvents)
    .where(
      or(
        lt(webhookEvents.receivedAt, olderThan),
        and(isNotNull(webhookEvents.rejectedReason), lt(webhookEvents.receivedAt, rejectedOlderThan)),
      ),
    )
    .returning({ id: webhookEvents.id });
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
      await recordAuditEvent(tx, {
        projectId,
        actor,
        action: "resource.webhook_updated",
        object: { type: "resource", id: row.id, name: row.name },
        changes,
      });
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
