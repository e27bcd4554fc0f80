import { listConnectionsOfUser } from "@/db/queries/connections";
import { listPublishedResources } from "@/db/queries/resources";
import { listWorkflowsOfUser } from "@/db/queries/workflows";
import type { SdkUser } from "./api-schema";

/**
 * `GET /sdk/me`: who the User Token names, each published resource with the user's connection
 * to it, and each deployed workflow with whether it runs for the user.
 */
export async function describeSdkUser({ projectId, userId }: { projectId: string; userId: string }): Promise<SdkUser> {
  const [resources, connections, workflows] = await Promise.all([
    listPublishedResources({ projectId }),
    listConnectionsOfUser({ projectId, userId }),
    listWorkflowsOfUser({ projectId, userId }),
  ]);
  const byResource = new Map(connections.map((connection) => [connection.resourceId, connection]));
  return {
    authenticated: true as const,
    userId,
    resources: resources.map((resource) => {
      const connection = byResource.get(resource.id);
      return {
        id: resource.id,
        slug: resource.slug,
        name: resource.name,
        level: resource.level,
        ...(connection ? { credentialId: connection.id, credentialStatus: connection.status } : {}),
      };
    }),
    workflows: workflows.map(({ id, name, enabled }) => ({ id, name, enabled })),
  };
}
