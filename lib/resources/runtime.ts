import { getResource, getResourceSecretCiphertexts } from "@/db/queries/resources";
import type { Resource } from "@/db/schema";
import { RevisionCache } from "@/lib/cache/revision-cache";
import { appCredentialSecretName, CLIENT_SECRET, type PublishedResource, publishedSecretName } from "./config";
import { decryptResourceSecret } from "./secrets";

/** A resource as a request needs it: its configuration and its decrypted resource-level secrets. */
export interface ResourceRuntime extends PublishedResource {
  resourceId: string;
  version: "draft" | "published";
  clientSecret?: string;
  /** App-Level credential values by name (API keys, `refresh_token`). */
  appCredentials: Readonly<Record<string, string>>;
}

/** The draft (for tests) or published (for connections and requests) configuration of a resource. */
export function resourceSnapshot(resource: Resource, version: "draft" | "published"): PublishedResource | undefined {
  if (version === "published") return resource.published ?? undefined;
  if (!resource.level || !resource.authType) return undefined;
  return { level: resource.level, authType: resource.authType, grantType: resource.grantType, config: resource.config };
}

/** A resource with its resource-level secrets decrypted, ready to send requests. */
export async function loadResourceRuntime(resource: Resource, version: "draft" | "published"): Promise<ResourceRuntime | undefined> {
  const snapshot = resourceSnapshot(resource, version);
  if (!snapshot) return undefined;
  const stored = (name: string) => (version === "published" ? publishedSecretName(name) : name);
  const credentialNames = snapshot.level === "app" ? [...(snapshot.config.apiKeys ?? []).map((key) => key.name), "refresh_token"] : [];
  const names = [CLIENT_SECRET, ...credentialNames.map(appCredentialSecretName)];
  const ciphertexts = await getResourceSecretCiphertexts({ resourceId: resource.id, names: names.map(stored) });
  const decrypt = (name: string) => {
    const ciphertext = ciphertexts.get(stored(name));
    return ciphertext === undefined ? undefined : decryptResourceSecret(resource.id, stored(name), ciphertext);
  };
  const appCredentials: Record<string, string> = {};
  for (const name of credentialNames) {
    const value = decrypt(appCredentialSecretName(name));
    if (value !== undefined) appCredentials[name] = value;
  }
  return { ...snapshot, resourceId: resource.id, version, clientSecret: decrypt(CLIENT_SECRET), appCredentials };
}

/** Published resources a process keeps with their decrypted secrets (held in memory only, as during any request). */
const MAX_CACHED_RESOURCES = 2000;
const publishedResources = new RevisionCache<{ resource: Resource; runtime: ResourceRuntime } | undefined>(MAX_CACHED_RESOURCES);

/**
 * A published resource of the project with its runtime, as of the project's configuration
 * `revision` (read from the database by the caller) or newer — from this process's cache when
 * it is current: every change to a resource or its secrets bumps the revision. Undefined when
 * the project has no such resource or it is not published.
 */
export function publishedResourceAt({
  projectId,
  resourceId,
  revision,
}: {
  projectId: string;
  resourceId: string;
  revision: number;
}): Promise<{ resource: Resource; runtime: ResourceRuntime } | undefined> {
  // Keyed by project too: a resource id sent for another project must not find this one.
  return publishedResources.get(`${projectId}:${resourceId}`, revision, async () => {
    const resource = await getResource({ projectId, resourceId });
    const runtime = resource?.published ? await loadResourceRuntime(resource, "published") : undefined;
    return { revision, value: resource && runtime ? { resource, runtime } : undefined };
  });
}
