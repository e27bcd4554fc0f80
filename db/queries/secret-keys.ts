import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { projectSecretKeys, type ProjectSecretKey } from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";

export async function createSecretKey({
  actor,
  ...values
}: {
  projectId: string;
  name: string;
  prefix: string;
  hash: string;
  actor: AuditActor;
}): Promise<ProjectSecretKey> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(projectSecretKeys).values(values).returning();
    await recordAuditEvent(tx, {
      projectId: values.projectId,
      actor,
      action: "secret_key.created",
      object: { type: "secret_key", id: row!.id, name: row!.name },
    });
    return row!;
  });
}

export async function listSecretKeys({ projectId }: { projectId: string }) {
  const db = await getDb();
  return db
    .select({
      id: projectSecretKeys.id,
      name: projectSecretKeys.name,
      prefix: projectSecretKeys.prefix,
      createdAt: projectSecretKeys.createdAt,
      lastUsedAt: projectSecretKeys.lastUsedAt,
      revokedAt: projectSecretKeys.revokedAt,
    })
    .from(projectSecretKeys)
    .where(eq(projectSecretKeys.projectId, projectId))
    .orderBy(asc(projectSecretKeys.createdAt));
}

export async function revokeSecretKey({
  projectId,
  keyId,
  actor,
}: {
  projectId: string;
  keyId: string;
  actor: AuditActor;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(projectSecretKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(projectSecretKeys.projectId, projectId), eq(projectSecretKeys.id, keyId), isNull(projectSecretKeys.revokedAt)))
      .returning({ id: projectSecretKeys.id, name: projectSecretKeys.name });
    if (!revoked) return false;
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: "secret_key.revoked",
      object: { type: "secret_key", id: revoked.id, name: revoked.name },
    });
    return true;
  });
}
