import "server-only";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getResource, listResourceSecretNames } from "@/db/queries/resources";
import { toResourceDraft } from "@/lib/resources/draft";
import { requireProjectAccess } from "../../../require-user";

/** A resource of a project the user is a member of, as the wizard may show it; 404 otherwise. */
export async function requireResourceDraft(projectId: string, resourceId: string) {
  await requireProjectAccess(projectId);
  if (!z.uuid().safeParse(resourceId).success) notFound();
  const resource = await getResource({ projectId, resourceId });
  if (!resource) notFound();
  return toResourceDraft(resource, await listResourceSecretNames({ resourceId }));
}
