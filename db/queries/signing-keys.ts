import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { signingKeys, type SigningKey } from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";

/** At most this many keys verify a project's User Tokens at once: the current one and the next, while rotating. */
export const MAX_ACTIVE_SIGNING_KEYS = 2;

export async function listSigningKeys({ projectId }: { projectId: string }): Promise<SigningKey[]> {
  const db = await getDb();
  return db.select().from(signingKeys).where(eq(signingKeys.projectId, projectId)).orderBy(asc(signingKeys.createdAt));
}

/**
 * Adds a key unless the project already has the maximum of active keys. The count and the
 * insert happen under a lock on the project's keys, so two additions at once cannot exceed it.
 */
export async function addSigningKey({
  actor,
  ...values
}: {
  projectId: string;
  kid: string;
  publicKeyJwk: Record<string, unknown>;
  source: "generated" | "pasted";
  actor: AuditActor;
}): Promise<SigningKey | { error: "too-many-active" | "kid-taken" }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`signing-keys:${values.projectId}`}, 0))`);
    const active = await tx
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(and(eq(signingKeys.projectId, values.projectId), isNull(signingKeys.revokedAt)));
    if (active.length >= MAX_ACTIVE_SIGNING_KEYS) return { error: "too-many-active" as const };
    const [row] = await tx.insert(signingKeys).values(values).onConflictDoNothing().returning();
    if (!row) return { error: "kid-taken" as const };
    await recordAuditEvent(tx, {
      projectId: values.projectId,
      actor,
      action: "signing_key.created",
      object: { type: "signing_key", id: row.id, name: row.kid },
    });
    return row;
  });
}

export async function revokeSigningKey({
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
      .update(signingKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(signingKeys.projectId, projectId), eq(signingKeys.id, keyId), isNull(signingKeys.revokedAt)))
      .returning({ id: signingKeys.id, kid: signingKeys.kid });
    if (!revoked) return false;
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: "signing_key.revoked",
      object: { type: "signing_key", id: revoked.id, name: revoked.kid },
    });
    return true;
  });
}
