import { listConnectionsOfUser } from "@/db/queries/connections";
import { listPublishedResources } from "@/db/queries/resources";
import { listWorkflowsOfUser } from "@/db/queries/workflows";
import { workflowsClosedTo } from "@/lib/workflows/starters";
import type { SdkUser } from "./api-schema";

/**
 * `GET /sdk/me`: who the User Token names, each published resource with the user's connection
 * to it, and each deployed workflow it may start with whether it runs for the user.
 */
export async function describeSdkUser({ projectId, userId }: { projectId: string; userId: string }): Promise<SdkUser> {
  const [resources, connections, workflows] = await Promise.all([
    listPublishedResources({ projectId }),
    listConnectionsOfUser({ projectId, userId }),
    listWorkflowsOfUser({ projectId, userId }),
  ]);
  // A User Token sees only the workflows it may start.
  const closed = await workflowsClosedTo({
    projectId,
    caller: { kind: "user_token", userId },
    candidates: workflows.map((workflow) => ({ workflow, definition: workflow.definition })),
  });
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
    workflows: workflows.filter((workflow) => !closed.has(workflow.id)).map(({ id, name, enabled }) => ({ id, name, enabled })),
  };
}
