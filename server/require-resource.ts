import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { isUuid } from "@/lib/uuid";
import { getResource, listResourceSecretNames } from "@/db/queries/resources";
import { toResourceDraft } from "@/lib/resources/draft";
import { requireProjectAccess } from "./require-user";

/** A resource row of a project the user is a member of; 404 otherwise. Read once per request. */
export const requireResource = cache(async (projectId: string, resourceId: string) => {
  await requireProjectAccess(projectId);
  if (!isUuid(resourceId)) notFound();
  const resource = await getResource({ projectId, resourceId });
  if (!resource) notFound();
  return resource;
});

/** The resource as the wizard may show it (no secrets, only which are set). */
export async function requireResourceDraft(projectId: string, resourceId: string) {
  const resource = await requireResource(projectId, resourceId);
  return toResourceDraft(resource, await listResourceSecretNames({ resourceId }));
}
