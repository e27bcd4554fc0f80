import { importJWK, type JWK } from "jose";
import { getProjectRevision, getProjectSdkRow } from "@/db/queries/sdk-state";
import type { VerificationKey } from "@/lib/auth/user-token";
import { RevisionCache } from "@/lib/cache/revision-cache";

/** What every Connect API call and workflow step reads of a project, kept per process by revision. */
export interface ProjectSdkState {
  project: { id: string; allowPrivateNetwork: boolean; revision: number };
  revision: number;
  allowedOrigins: readonly string[];
  /** Connect API calls a minute with the project's Secret Keys, all of them together. */
  secretKeyRateLimit: number;
  /** The active signing keys, their public keys imported once. */
  signingKeys: readonly VerificationKey[];
  /** The active Secret Keys by SHA-256 hash. */
  secretKeys: ReadonlyMap<string, { id: string; name: string }>;
}

/** Projects a process keeps; one is a few kilobytes (its public keys). */
const MAX_CACHED_PROJECTS = 2000;
const states = new RevisionCache<ProjectSdkState | undefined>(MAX_CACHED_PROJECTS);

async function load(projectId: string): Promise<{ revision: number; value: ProjectSdkState | undefined }> {
  const row = await getProjectSdkRow({ projectId });
  if (!row) return { revision: -1, value: undefined };
  const signingKeys = await Promise.all(
    row.signingKeys.map(async (key) => ({
      ...key,
      // A key that does not import is left to verification, which then fails for it alone.
      publicKey: await importJWK(key.publicKeyJwk as JWK, "RS256").catch(() => undefined),
    })),
  );
  return {
    revision: row.revision,
    value: {
      project: { id: row.id, allowPrivateNetwork: row.allowPrivateNetwork, revision: row.revision },
      revision: row.revision,
      allowedOrigins: row.allowedOrigins,
      secretKeyRateLimit: row.secretKeyRateLimit,
      signingKeys,
      secretKeys: new Map(row.secretKeys.map((key) => [key.hash, { id: key.id, name: key.name }])),
    },
  };
}

/** The project's state at `revision` (read by the caller from the database) or newer; undefined: no such project. */
export function projectStateAt(projectId: string, revision: number): Promise<ProjectSdkState | undefined> {
  return states.get(projectId, revision, () => load(projectId));
}

/** What this process last read of the project, whatever the revision now: callers check it (see `projectStateAt`). */
export function lastKnownProjectState(projectId: string): Promise<ProjectSdkState | undefined> {
  return states.peek(projectId)?.value ?? states.refresh(projectId, () => load(projectId));
}

/** The project's state now: one small query for its revision, the rest from the cache when current. */
export async function currentProjectState(projectId: string): Promise<ProjectSdkState | undefined> {
  const revision = await getProjectRevision({ projectId });
  return revision === undefined ? undefined : projectStateAt(projectId, revision);
}
