export type { PublishedResource, ResourceConfig } from "@/db/resource-config";

/** Names of a resource's secrets in resource_secrets. */
export const CLIENT_SECRET = "client_secret";
export function appCredentialSecretName(name: string): string {
  return `credential:${name}`;
}

/** The published copy of a draft secret (re-encrypted under its own name by Finish). */
export function publishedSecretName(name: string): string {
  return `published:${name}`;
}
