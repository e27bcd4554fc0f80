import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "../client";
import { vaultKeys } from "../schema";

/** Records the fingerprint of a key version on first use; answers the one stored before. */
export async function registerVaultKey({ version, fingerprint }: { version: number; fingerprint: string }): Promise<string> {
  const db = await getDb();
  await db.insert(vaultKeys).values({ version, fingerprint }).onConflictDoNothing();
  const [row] = await db.select({ fingerprint: vaultKeys.fingerprint }).from(vaultKeys).where(eq(vaultKeys.version, version));
  return row!.fingerprint;
}
