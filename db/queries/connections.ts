import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb, preparedStatement, type Transaction } from "../client";
import { connections, resources, resourceTestRuns, type Connection, type ResourceTestRun } from "../schema";
import { type AuditActor, type AuditEventInput, auditEventRow, recordAuditEvent } from "./audit-events";

// Every write that replaces a row's credentials from outside a refresh bumps credentials_version
// and clears the refresh lease, so that a refresh already in flight cannot overwrite them.
const replacedCredentials = {
  status: "VALID" as const,
  invalidReason: null,
  failureCount: 0,
  unauthorizedCount: 0,
  credentialsVersion: sql`${connections.credentialsVersion} + 1`,
  refreshLeaseId: null,
  refreshLeaseUntil: null,
};

/**
 * `kind = '<kind>'` as a literal, never a parameter. The partial unique indexes (one connection
 * per resource and user, one test and one App-Level connection per resource) match only a
 * literal predicate, and a generic plan — PostgreSQL's choice for a prepared statement from its
 * sixth call on a connection, when it seems no dearer — cannot match `kind = $1`: an upsert then
 * finds no arbiter index, and a lookup scans the whole table.
 */
export const KIND_IS = {
  user: sql`${connections.kind} = 'user'`,
  test: sql`${connections.kind} = 'test'`,
  app: sql`${connections.kind} = 'app'`,
} as const;

/** How the audit log names a connection: its resource's name, and whose it is. */
export async function connectionAuditObject(
  tx: Transaction,
  connection: Pick<Connection, "id" | "resourceId" | "kind" | "userId">,
): Promise<AuditEventInput["object"]> {
  const [resource] = await tx.select({ name: resources.name }).from(resources).where(eq(resources.id, connection.resourceId));
  return namedConnectionAuditObject(connection, resource?.name ?? connection.resourceId);
}

/** `connectionAuditObject` when the caller knows the resource's name. */
function namedConnectionAuditObject(
  connection: Pick<Connection, "id" | "kind" | "userId">,
  resourceName: string,
): AuditEventInput["object"] {
  const owner = connection.kind === "user" ? `user ${connection.userId}` : `${connection.kind} connection`;
  return { type: "connection", id: connection.id, name: `${resourceName}: ${owner}` };
}

export async function getConnection({ connectionId }: { connectionId: string }): Promise<Connection | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  return row;
}

const preparedUserConnection = preparedStatement((db) =>
  db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.projectId, sql.placeholder("projectId")),
        eq(connections.resourceId, sql.placeholder("resourceId")),
        KIND_IS.user,
        eq(connections.userId, sql.placeholder("userId")),
      ),
    )
    .prepare("user_connection"),
);

export async function getUserConnection({
  projectId,
  resourceId,
  userId,
}: {
  projectId: string;
  resourceId: string;
  userId: string;
}): Promise<Connection | undefined> {
  const [row] = await preparedUserConnection(await getDb()).execute({ projectId, resourceId, userId });
  return row;
}

/** The resource's test connection (Test and Publish) or its app connection (App-Level tokens). */
export async function getResourceConnection({
  resourceId,
  kind,
}: {
  resourceId: string;
  kind: "test" | "app";
}): Promise<Connection | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), KIND_IS[kind]));
  return row;
}

/**
 * Creates the resource's test or app connection, or replaces its credentials. `encrypt`
 * receives the row's id, which the ciphertext is bound to, so it runs once the id is known.
 * With `onlyWhenGrantChanged`, a row that already holds tokens of this grant (another process
 * seeded it a moment ago) is kept as it is: seeding it twice would reuse a spent refresh token.
 */
export async function saveResourceConnection({
  projectId,
  resourceId,
  kind,
  encrypt,
  accessTokenExpiresAt,
  grantFingerprint,
  onlyWhenGrantChanged = false,
  audit,
}: {
  projectId: string;
  resourceId: string;
  kind: "test" | "app";
  encrypt: (connectionId: string) => string;
  accessTokenExpiresAt: Date | null;
  grantFingerprint: string | null;
  onlyWhenGrantChanged?: boolean;
  /** A change someone made (test credentials entered), recorded with the write. */
  audit?: { actor: AuditActor; changes: string[] };
}): Promise<Connection> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const saved = await writeResourceConnection(tx);
    if (audit) {
      const object = await connectionAuditObject(tx, saved);
      await recordAuditEvent(tx, { projectId, actor: audit.actor, action: "connection.updated", object, changes: audit.changes });
    }
    return saved;
  });

  async function writeResourceConnection(tx: Transaction): Promise<Connection> {
    const id = randomUUID();
    const [inserted] = await tx
      .insert(connections)
      .values({ id, projectId, resourceId, kind, credentials: encrypt(id), accessTokenExpiresAt, grantFingerprint })
      .onConflictDoNothing({ target: connections.resourceId, where: KIND_IS[kind] })
      .returning();
    if (inserted) return inserted;
    const [existing] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), KIND_IS[kind]))
      .for("update");
    if (onlyWhenGrantChanged && existing!.grantFingerprint === grantFingerprint) return existing!;
    const [updated] = await tx
      .update(connections)
      .set({ ...replacedCredentials, credentials: encrypt(existing!.id), accessTokenExpiresAt, grantFingerprint, updatedAt: new Date() })
      .where(eq(connections.id, existing!.id))
      .returning();
    return updated!;
  }
}

export async function deleteResourceConnection({ resourceId, kind }: { resourceId: string; kind: "test" | "app" }): Promise<void> {
  const db = await getDb();
  await db.delete(connections).where(and(eq(connections.resourceId, resourceId), KIND_IS[kind]));
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

// A connect's usual write, replacing a connection that is not INVALID: the update and its audit
// record in one prepared statement, no transaction. The row is found by its id and by the status
// read just before; a connection that changed meanwhile is left to the transaction.
const preparedReplaceConnection = preparedStatement((db) => {
  const replaced = db.$with("replaced").as(
    db
      .update(connections)
      .set({
        ...replacedCredentials,
        credentials: sql`${sql.placeholder("credentials")}::text`,
        profile: sql`${sql.placeholder("profile")}::jsonb`,
        accessTokenExpiresAt: sql`${sql.placeholder("accessTokenExpiresAt")}::timestamptz`,
        updatedAt: sql`now()`,
        refreshedAt: sql`now()`,
      })
      .where(and(eq(connections.id, sql.placeholder("id")), eq(connections.status, sql.placeholder("status"))))
      .returning(),
  );
  const audit = db.$with("audit", {}).as(sql`
    insert into audit_events (project_id, actor_kind, actor_id, actor_name, action, object_type, object_id, object_name, changes)
    select ${sql.placeholder("projectId")}::uuid, ${sql.placeholder("actorKind")}::audit_actor_kind, ${sql.placeholder("actorId")}::text,
      ${sql.placeholder("actorName")}::text, ${sql.placeholder("action")}::text, ${sql.placeholder("objectType")}::text,
      ${sql.placeholder("objectId")}::text, ${sql.placeholder("objectName")}::text, ${sql.placeholder("changes")}::jsonb
    from replaced`);
  return db.with(replaced, audit).select().from(replaced).prepare("replace_connection");
});

/**
 * Creates or replaces the connection of one user to one resource, with its audit record, the
 * credentials encrypted for the row's own id. A plain replace (the connection is not INVALID) is
 * one statement; otherwise one transaction, where the insert claims the (resource, user) pair or
 * waits for whoever holds it. `onWrite` runs in that transaction when the row was created or
 * recovered (it was INVALID). With `uniqueProfileValue` it is always the transaction: under a
 * lock on that value, it throws ProfileValueTakenError when another user's VALID connection to
 * the resource holds it, and writes nothing.
 */
export async function upsertConnection({
  projectId,
  resourceId,
  resourceName,
  userId,
  encrypt,
  profile,
  accessTokenExpiresAt,
  actor,
  changes,
  onWrite,
  current,
  uniqueProfileValue,
}: {
  projectId: string;
  resourceId: string;
  /** For the audit log's record of the write. */
  resourceName: string;
  userId: string;
  encrypt: (connectionId: string) => string;
  profile: Record<string, unknown> | null;
  accessTokenExpiresAt: Date | null;
  actor: AuditActor;
  /** The names of the credentials given. */
  changes: string[];
  onWrite?: (
    tx: Transaction,
    written: { connection: Connection; change: "created" | "recovered"; previousReason?: string | null },
  ) => Promise<void>;
  /** The user's connection as the caller read it (null: none), e.g. in the Connect API's statement; read here when not given. */
  current?: Pick<Connection, "id" | "status"> | null;
  /** The profile's value at `path` (as text), which no other user's VALID connection may hold. */
  uniqueProfileValue?: { path: string; value: string };
}): Promise<Connection> {
  const db = await getDb();
  const replacedAudit = (id: string): AuditEventInput => ({
    projectId,
    actor,
    action: "connection.replaced",
    object: namedConnectionAuditObject({ id, kind: "user", userId }, resourceName),
    changes,
  });
  // Most connects replace a VALID connection (a reconnect, new tokens). The update below finds
  // the row by its id and by the status read, so a row that changed since is left to the transaction.
  const found = current !== undefined ? current : (await preparedUserConnection(db).execute({ projectId, resourceId, userId }))[0];
  if (found && found.status !== "INVALID" && !uniqueProfileValue) {
    const row = auditEventRow(replacedAudit(found.id));
    const [replaced] = await preparedReplaceConnection(db).execute({
      id: found.id,
      status: found.status,
      credentials: encrypt(found.id),
      profile: profile === null ? null : JSON.stringify(profile),
      accessTokenExpiresAt: accessTokenExpiresAt?.toISOString() ?? null,
      ...row,
      changes: JSON.stringify(row.changes),
    });
    if (replaced) return replaced;
  }
  return db.transaction(async (tx) => {
    const now = new Date();
    if (uniqueProfileValue) await claimProfileValue(tx, { resourceId, userId, ...uniqueProfileValue });
    // The user's connection, locked while it is replaced.
    const current = () =>
      tx
        .select({ id: connections.id, status: connections.status, invalidReason: connections.invalidReason })
        .from(connections)
        .where(and(eq(connections.resourceId, resourceId), KIND_IS.user, eq(connections.userId, userId)))
        .for("update");
    let [existing] = await current();
    if (!existing) {
      const id = randomUUID();
      const [inserted] = await tx
        .insert(connections)
        .values({
          id,
          projectId,
          resourceId,
          kind: "user",
          userId,
          credentials: encrypt(id),
          profile,
          accessTokenExpiresAt,
          refreshedAt: now,
        })
        .onConflictDoNothing({ target: [connections.resourceId, connections.userId], where: sql`${connections.kind} = 'user'` })
        .returning();
      if (inserted) {
        await recordAuditEvent(tx, {
          projectId,
          actor,
          action: "connection.created",
          object: namedConnectionAuditObject(inserted, resourceName),
          changes,
        });
        await onWrite?.(tx, { connection: inserted, change: "created" });
        return inserted;
      }
      // Another connect for this user inserted it meanwhile: this one replaces it.
      [existing] = await current();
    }
    const { id, status, invalidReason } = existing!;
    // The update and its audit record are sent together (one round trip).
    const [[updated]] = await Promise.all([
      tx
        .update(connections)
        .set({ ...replacedCredentials, credentials: encrypt(id), profile, accessTokenExpiresAt, updatedAt: now, refreshedAt: now })
        .where(eq(connections.id, id))
        .returning(),
      recordAuditEvent(tx, replacedAudit(id)),
    ]);
    if (status === "INVALID") await onWrite?.(tx, { connection: updated!, change: "recovered", previousReason: invalidReason });
    return updated!;
  });
}

/** A connect claimed a User Profile value that another user's VALID connection to the resource holds. */
export class ProfileValueTakenError extends Error {
  constructor(
    readonly path: string,
    readonly value: string,
  ) {
    super(`The User Profile value at ${path} is held by another user's connection.`);
  }
}

/**
 * Throws ProfileValueTakenError when another user's VALID connection to the resource holds `value`
 * at `path` (read as webhook matching reads it). The transaction-scoped lock on the value makes two
 * connects claiming it at once take turns, so the second sees the first's row.
 */
async function claimProfileValue(
  tx: Transaction,
  { resourceId, userId, path, value }: { resourceId: string; userId: string; path: string; value: string },
) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`profile-value:${resourceId}:${path}:${value}`}, 0))`);
  const [held] = await tx
    .select({ id: connections.id })
    .from(connections)
    .where(
      and(
        eq(connections.resourceId, resourceId),
        KIND_IS.user,
        eq(connections.status, "VALID"),
        sql`${connections.userId} <> ${userId}`,
        sql`coalesce(${connections.profile} ->> ${path}, ${connections.profile} #>> ${`{${path.split(".").join(",")}}`}::text[]) = ${value}`,
      ),
    )
    .limit(1);
  if (held) throw new ProfileValueTakenError(path, value);
}

/** Records where a connection's webhook Subscription stands (lib/webhooks/subscription.ts). */
export async function setSubscriptionStatus({
  connectionId,
  status,
  error,
}: {
  connectionId: string;
  status: NonNullable<Connection["subscriptionStatus"]>;
  error: string | null;
}): Promise<void> {
  const db = await getDb();
  await db.update(connections).set({ subscriptionStatus: status, subscriptionError: error }).where(eq(connections.id, connectionId));
}

/** Deletes a user's connection; `onDeleted` runs in the same transaction. */
export async function deleteConnection({
  projectId,
  resourceId,
  userId,
  actor,
  onDeleted,
}: {
  projectId: string;
  resourceId: string;
  userId: string;
  actor: AuditActor;
  onDeleted?: (tx: Transaction, connection: Connection) => Promise<void>;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(connections)
      .where(
        and(eq(connections.projectId, projectId), eq(connections.resourceId, resourceId), KIND_IS.user, eq(connections.userId, userId)),
      )
      .returning();
    if (!deleted) return false;
    await recordAuditEvent(tx, { projectId, actor, action: "connection.deleted", object: await connectionAuditObject(tx, deleted) });
    await onDeleted?.(tx, deleted);
    return true;
  });
}

/** A Connected User's connections in a project, by resource. */
export async function listConnectionsOfUser({ projectId, userId }: { projectId: string; userId: string }) {
  const db = await getDb();
  return db
    .select({ id: connections.id, resourceId: connections.resourceId, status: connections.status })
    .from(connections)
    .where(and(eq(connections.projectId, projectId), KIND_IS.user, eq(connections.userId, userId)));
}

/**
 * A resource's Connected Users for the dashboard: INVALID ones (needing a reconnect) first, then
 * newest first; optionally for user ids containing `userIdFilter`, or INVALID ones only.
 */
export async function listResourceConnections({
  projectId,
  resourceId,
  userIdFilter,
  invalidOnly = false,
  limit = 100,
}: {
  projectId: string;
  resourceId: string;
  userIdFilter?: string;
  invalidOnly?: boolean;
  limit?: number;
}) {
  const db = await getDb();
  const conditions = [eq(connections.projectId, projectId), eq(connections.resourceId, resourceId), KIND_IS.user];
  if (userIdFilter) conditions.push(sql`strpos(lower(${connections.userId}), lower(${userIdFilter})) > 0`);
  if (invalidOnly) conditions.push(eq(connections.status, "INVALID"));
  return db
    .select({
      id: connections.id,
      userId: connections.userId,
      status: connections.status,
      profile: connections.profile,
      invalidReason: connections.invalidReason,
      subscriptionStatus: connections.subscriptionStatus,
      subscriptionError: connections.subscriptionError,
      createdAt: connections.createdAt,
      updatedAt: connections.updatedAt,
      refreshedAt: connections.refreshedAt,
    })
    .from(connections)
    .where(and(...conditions))
    .orderBy(sql`${connections.status} = 'INVALID' desc`, desc(connections.createdAt))
    .limit(limit);
}
