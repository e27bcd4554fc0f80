import { z } from "zod";
import { deleteAuditEventsOlderThan, listAuditEvents, type AuditActor } from "@/db/queries/audit-events";
import type { AuditEvent } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session-user";
import { retentionCutoff } from "@/lib/jobs/retention-cutoff";
import { canonicalJson, isPlainObject } from "@/lib/json";

// Settings → Audit Log: who changed what in a project's configuration, kept AUDIT_RETENTION_DAYS.

export type { AuditActor };

/** A team member acting in the dashboard, with the email they have now (kept as it was). */
export function dashboardActor(user: SessionUser): AuditActor {
  return { kind: "user", userId: user.id, email: user.email };
}

/** Switchboard itself: a refresh that finds a connection's refresh token refused. */
export const SYSTEM_ACTOR: AuditActor = { kind: "system" };

/**
 * The fields that differ between two versions of an object, by dotted name: nested plain
 * objects are compared field by field up to `depth` levels, anything else (arrays included) as
 * a whole. Only names come out — values never leave this function.
 */
export function changedFields(
  before: unknown,
  after: unknown,
  { depth = 2, prefix = "" }: { depth?: number; prefix?: string } = {},
): string[] {
  if (depth > 0 && isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedFields(before[key], after[key], { depth: depth - 1, prefix: prefix ? `${prefix}.${key}` : key }));
  }
  return canonicalJson(before ?? null) === canonicalJson(after ?? null) ? [] : [prefix || "value"];
}

export const AUDIT_OBJECT_TYPES = [
  { type: "project", label: "Project" },
  { type: "resource", label: "Resource" },
  { type: "workflow", label: "Workflow" },
  { type: "signing_key", label: "Signing key" },
  { type: "secret_key", label: "Secret key" },
  { type: "member", label: "Team member" },
  { type: "connection", label: "Connection" },
  { type: "tool", label: "Tool" },
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number]["type"];

export function objectTypeLabel(type: string): string {
  return AUDIT_OBJECT_TYPES.find((entry) => entry.type === type)?.label ?? type;
}

/** How the log names an actor. */
export function actorLabel(event: Pick<AuditEvent, "actorKind" | "actorName">): string {
  switch (event.actorKind) {
    case "user":
      return event.actorName;
    case "api":
      return `API (Secret Key "${event.actorName}")`;
    case "connected_user":
      return `Connected User ${event.actorName} (User Token)`;
    case "system":
      return "System";
  }
}

/** Audit events are kept this long, then deleted by the daily retention job. */
export const AUDIT_RETENTION_DAYS = 90;

export function deleteExpiredAuditEvents(now = new Date()): Promise<number> {
  return deleteAuditEventsOlderThan({ olderThan: retentionCutoff(now, AUDIT_RETENTION_DAYS) });
}

export const AUDIT_LOG_PAGE_SIZE = 50;

const blankToUndefined = (value: unknown) => {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== "string") return first;
  const trimmed = first.trim();
  return trimmed === "" ? undefined : trimmed;
};
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const day = z.iso.date({ error: "Not a date (YYYY-MM-DD)." });

/**
 * The Audit Log's filters, from its URL: Actor and Object name are text matched anywhere, the
 * object type one of AUDIT_OBJECT_TYPES, From and To days (UTC, both included), `before` the
 * last event of the page before.
 */
export const auditLogSearchParamsSchema = z
  .object({
    actor: optional(z.string().max(320)),
    objectType: optional(z.enum(AUDIT_OBJECT_TYPES.map((entry) => entry.type) as [AuditObjectType, ...AuditObjectType[]])),
    objectName: optional(z.string().max(200)),
    from: optional(day),
    to: optional(day),
    before: optional(z.uuid({ error: "Not a page cursor." })),
  })
  .refine(({ from, to }) => !from || !to || from <= to, { error: "To must not be before From.", path: ["to"] });
export type AuditLogFilters = z.output<typeof auditLogSearchParamsSchema>;

/** An Audit Log URL with these filters (and page); empty values are left out. */
export function auditLogHref(base: string, filters: Partial<AuditLogFilters>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const search = query.toString();
  return search ? `${base}?${search}` : base;
}

export interface AuditLogPage {
  events: AuditEvent[];
  /** The `before` of the next (older) page, when there is one. */
  next?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One page of a project's Audit Log, newest first. */
export async function listAuditLogPage({ projectId, filters }: { projectId: string; filters: AuditLogFilters }): Promise<AuditLogPage> {
  const rows = await listAuditEvents({
    projectId,
    actor: filters.actor,
    objectType: filters.objectType,
    objectName: filters.objectName,
    from: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
    // To is a whole day: events until its end.
    to: filters.to ? new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
    beforeId: filters.before,
    limit: AUDIT_LOG_PAGE_SIZE + 1,
  });
  const events = rows.slice(0, AUDIT_LOG_PAGE_SIZE);
  return { events, ...(rows.length > AUDIT_LOG_PAGE_SIZE ? { next: events.at(-1)!.id } : {}) };
}
