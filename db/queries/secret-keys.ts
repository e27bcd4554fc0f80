import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { projectSecretKeys, type ProjectSecretKey } from "../schema";

export async function createSecretKey(values: { projectId: string; name: string; prefix: string; hash: string }): Promise<ProjectSecretKey> {
  const db = await getDb();
  const [row] = await db.insert(projectSecretKeys).values(values).returning();
  return row!;
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

export async function revokeSecretKey({ projectId, keyId }: { projectId: string; keyId: string }): Promise<boolean> {
  const db = await getDb();
  const revoked = await db
    .update(projectSecretKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(projectSecretKeys.projectId, projectId), eq(projectSecretKeys.id, keyId), isNull(projectSecretKeys.revokedAt)))
    .returning({ id: projectSecretKeys.id });
  return revoked.length > 0;
}
