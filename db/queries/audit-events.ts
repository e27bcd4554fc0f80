import "server-only";
import { and, desc, eq, gte, ilike, lt, sql } from "drizzle-orm";
import { getDb, type Transaction } from "../client";
import { auditEvents, type AuditChanges, type AuditEvent } from "../schema";

/** Who made a change, as the server action or route handler knows them. */
export type AuditActor =
  | { kind: "user"; userId: string; email: string }
  | { kind: "api"; secretKeyId: string; secretKeyName: string }
  | { kind: "connected_user"; userId: string }
  | { kind: "system" };

/** What changed: `resource.published` on the resource "TaskLab", the fields by name. */
export interface AuditEventInput {
  projectId: string;
  actor: AuditActor;
  action: `${string}.${string}`;
  object: { type: string; id: string; name: string };
  /** Field names, and a publish's hosts (`API Base URL host: a → b`): never another value. */
  changes?: AuditChanges;
}

function actorColumns(actor: AuditActor): Pick<AuditEvent, "actorKind" | "actorId" | "actorName"> {
  switch (actor.kind) {
    case "user":
      return { actorKind: "user", actorId: actor.userId, actorName: actor.email };
    case "api":
      return { actorKind: "api", actorId: actor.secretKeyId, actorName: actor.secretKeyName };
    case "connected_user":
      return { actorKind: "connected_user", actorId: actor.userId, actorName: actor.userId };
    case "system":
      return { actorKind: "system", actorId: null, actorName: "System" };
  }
}

/** The row that records `event`. */
export function auditEventRow(event: AuditEventInput) {
  return {
    projectId: event.projectId,
    ...actorColumns(event.actor),
    action: event.action,
    objectType: event.object.type,
    objectId: event.object.id,
    objectName: event.object.name,
    changes: [...new Set(event.changes ?? [])],
  };
}

/** Records one change, in the transaction that makes it: if either fails, neither is kept. */
export async function recordAuditEvent(tx: Transaction, event: AuditEventInput): Promise<void> {
  await tx.insert(auditEvents).values(auditEventRow(event));
}

/** `%` and `_` in a user's filter are literal characters. */
const contains = (value: string) => `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * A project's events, newest first, filtered: `actor` and `objectName` are matched anywhere in
 * the name (case-insensitive), `objectType` exactly, `from` inclusive and `to` exclusive. A page
 * starts after `beforeId`, the last event of the page before.
 */
export async function listAuditEvents({
  projectId,
  actor,
  objectType,
  objectName,
  from,
  to,
  beforeId,
  limit,
}: {
  projectId: string;
  actor?: string;
  objectType?: string;
  objectName?: string;
  from?: Date;
  to?: Date;
  beforeId?: string;
  limit: number;
}): Promise<AuditEvent[]> {
  const db = await getDb();
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.projectId, projectId),
        actor ? ilike(auditEvents.actorName, contains(actor)) : undefined,
        objectType ? eq(auditEvents.objectType, objectType) : undefined,
        objectName ? ilike(auditEvents.objectName, contains(objectName)) : undefined,
        from ? gte(auditEvents.createdAt, from) : undefined,
        to ? lt(auditEvents.createdAt, to) : undefined,
        beforeId
          ? sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (select e.created_at, e.id from ${auditEvents} e where e.id = ${beforeId}::uuid and e.project_id = ${projectId}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
}

/** Deletes events recorded before `olderThan`; answers how many. */
export async function deleteAuditEventsOlderThan({ olderThan }: { olderThan: Date }): Promise<number> {
  const db = await getDb();
  const deleted = await db.delete(auditEvents).where(lt(auditEvents.createdAt, olderThan)).returning({ id: auditEvents.id });
  return deleted.length;
}
