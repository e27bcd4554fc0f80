import "server-only";
import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { getDb, preparedStatement, type Transaction } from "../client";
import { resourceSecrets, resources, type AuditChanges, type Resource } from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";
import { isUniqueViolation } from "./errors";

export async function listResources({ projectId }: { projectId: string }): Promise<Resource[]> {
  const db = await getDb();
  return db.select().from(resources).where(eq(resources.projectId, projectId)).orderBy(desc(resources.updatedAt));
}

export async function getResource({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<Resource | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(resources)
    .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)));
  return row;
}

/** A resource with one of its secrets' ciphertext, in one query (the webhook intake's hot path). */
export async function getResourceWithSecret({
  projectId,
  resourceId,
  secretName,
}: {
  projectId: string;
  resourceId: string;
  secretName: string;
}): Promise<{ resource: Resource; ciphertext: string | null } | undefined> {
  const [row] = await preparedResourceWithSecret(await getDb()).execute({ projectId, resourceId, secretName });
  return row;
}

const preparedResourceWithSecret = preparedStatement((db) =>
  db
    .select({ resource: resources, ciphertext: resourceSecrets.ciphertext })
    .from(resources)
    .leftJoin(resourceSecrets, and(eq(resourceSecrets.resourceId, resources.id), eq(resourceSecrets.name, sql.placeholder("secretName"))))
    .where(and(eq(resources.projectId, sql.placeholder("projectId")), eq(resources.id, sql.placeholder("resourceId"))))
    .prepare("resource_with_secret"),
);

/** Which of these resources of the project are published at this level (one query for many workflow steps). */
export async function listResourceIdsAtLevel({
  projectId,
  resourceIds,
  level,
}: {
  projectId: string;
  resourceIds: string[];
  level: "user" | "app";
}): Promise<string[]> {
  if (!resourceIds.length) return [];
  const db = await getDb();
  const rows = await db
    .select({ id: resources.id })
    .from(resources)
    .where(and(eq(resources.projectId, projectId), inArray(resources.id, resourceIds), sql`${resources.published} ->> 'level' = ${level}`));
  return rows.map((row) => row.id);
}

export type NameConflict = { conflict: "name" | "slug" };

function nameConflict(error: unknown): NameConflict | undefined {
  if (isUniqueViolation(error, "resources_project_name_key")) return { conflict: "name" };
  if (isUniqueViolation(error, "resources_project_slug_key")) return { conflict: "slug" };
  return undefined;
}

const resourceObject = (row: Resource) => ({ type: "resource", id: row.id, name: row.name });

/** A new draft: named (the Name step), or with its whole configuration (an import, lib/as-code). */
export async function createResource({
  actor,
  ...values
}: {
  projectId: string;
  name: string;
  slug: string;
  stepReached: string;
  actor: AuditActor;
} & Partial<Pick<Resource, "level" | "authType" | "grantType" | "config" | "webhook">>): Promise<Resource | NameConflict> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(resources).values(values).returning();
      await recordAuditEvent(tx, {
        projectId: values.projectId,
        actor,
        action: "resource.created",
        object: resourceObject(row!),
        changes: ["name"],
      });
      return row!;
    });
  } catch (error) {
    const conflict = nameConflict(error);
    if (conflict) return conflict;
    throw error;
  }
}

export type ResourceUpdate = Partial<
  Pick<Resource, "name" | "slug" | "level" | "authType" | "grantType" | "stepReached" | "config" | "configChangedAt" | "webhook">
>;

/**
 * Saves one wizard step in one transaction: the resource's fields, and its secrets —
 * `setSecrets` are written (already encrypted), `deleteSecrets` removed — and, when `changes`
 * names any field, the audit event.
 */
export async function saveResource({
  projectId,
  resourceId,
  update,
  setSecrets = [],
  deleteSecrets = [],
  actor,
  changes,
}: {
  projectId: string;
  resourceId: string;
  update: ResourceUpdate;
  setSecrets?: Array<{ name: string; ciphertext: string }>;
  deleteSecrets?: readonly string[];
  actor: AuditActor;
  changes: AuditChanges;
}): Promise<Resource | NameConflict | undefined> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(resources)
        .set({ ...update, updatedAt: sql`now()` })
        .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
        .returning();
      if (!row) return undefined;
      if (deleteSecrets.length) {
        await tx
          .delete(resourceSecrets)
          .where(and(eq(resourceSecrets.resourceId, resourceId), inArray(resourceSecrets.name, [...deleteSecrets])));
      }
      for (const secret of setSecrets) {
        await tx
          .insert(resourceSecrets)
          .values({ resourceId, ...secret })
          .onConflictDoUpdate({
            target: [resourceSecrets.resourceId, resourceSecrets.name],
            set: { ciphertext: secret.ciphertext, updatedAt: sql`now()` },
          });
      }
      if (changes.length)
        await recordAuditEvent(tx, { projectId, actor, action: "resource.updated", object: resourceObject(row), changes });
      return row;
    });
  } catch (error) {
    const conflict = nameConflict(error);
    if (conflict) return conflict;
    throw error;
  }
}

export async function deleteResource({
  projectId,
  resourceId,
  actor,
}: {
  projectId: string;
  resourceId: string;
  actor: AuditActor;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(resources)
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .returning();
    if (!deleted) return false;
    await recordAuditEvent(tx, { projectId, actor, action: "resource.deleted", object: resourceObject(deleted) });
    return true;
  });
}

export async function listResourceSecretNames({ resourceId }: { resourceId: string }): Promise<string[]> {
  const db = await getDb();
  const rows = await db.select({ name: resourceSecrets.name }).from(resourceSecrets).where(eq(resourceSecrets.resourceId, resourceId));
  return rows.map((row) => row.name);
}

/** Encrypted secrets by name, for the code that sends requests (never for rendering). */
export async function getResourceSecretCiphertexts({
  resourceId,
  names,
}: {
  resourceId: string;
  names: readonly string[];
}): Promise<Map<string, string>> {
  if (!names.length) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ name: resourceSecrets.name, ciphertext: resourceSecrets.ciphertext })
    .from(resourceSecrets)
    .where(and(eq(resourceSecrets.resourceId, resourceId), inArray(resourceSecrets.name, [...names])));
  return new Map(rows.map((row) => [row.name, row.ciphertext]));
}

/**
 * Publishes a resource: the given snapshot becomes the configuration in force, and its
 * secrets (already re-encrypted under their published names) replace the published ones.
 */
export async function publishResource({
  projectId,
  resourceId,
  published,
  secrets,
  publishedSecretPrefix,
  actor,
  changes,
  onPublished,
}: {
  projectId: string;
  resourceId: string;
  published: NonNullable<Resource["published"]>;
  secrets: Array<{ name: string; ciphertext: string }>;
  publishedSecretPrefix: string;
  actor: AuditActor;
  /** What differs from the configuration published before. */
  changes: AuditChanges;
  /** Runs in the publish's transaction (its notification is recorded exactly when it commits). */
  onPublished?: (tx: Transaction) => Promise<void>;
}): Promise<Resource | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(resources)
      .set({ published, publishedAt: sql`now()`, status: "published" })
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .returning();
    if (!row) return undefined;
    await tx
      .delete(resourceSecrets)
      .where(and(eq(resourceSecrets.resourceId, resourceId), sql`starts_with(${resourceSecrets.name}, ${publishedSecretPrefix})`));
    if (secrets.length) await tx.insert(resourceSecrets).values(secrets.map((secret) => ({ resourceId, ...secret })));
    await recordAuditEvent(tx, { projectId, actor, action: "resource.published", object: resourceObject(row), changes });
    await onPublished?.(tx);
    return row;
  });
}

/** A project's published resources, as the Connect API lists them. */
export async function listPublishedResources({ projectId }: { projectId: string }) {
  const db = await getDb();
  const rows = await db
    .select({ id: resources.id, slug: resources.slug, name: resources.name, published: resources.published })
    .from(resources)
    .where(and(eq(resources.projectId, projectId), isNotNull(resources.published)))
    .orderBy(resources.name);
  return rows.map(({ published, ...row }) => ({ ...row, level: published!.level }));
}
