// POST, DELETE /projects/:projectId/sdk/resources/:resourceId/connect — connect or disconnect a user's credentials.
import { sdkPreflight, sdkRoute } from "@/lib/api/sdk-route";
import { connectUser, disconnectUser } from "@/lib/connections/connect";

const ENDPOINT = { route: "/projects/[projectId]/sdk/resources/[resourceId]/connect", methods: "POST, DELETE, OPTIONS" };

export const POST = sdkRoute(
  ENDPOINT,
  { ids: { resourceId: "resource_not_found" }, body: {} },
  ({ project, userId, actor, connection, ids, body }) =>
    connectUser({ project, resourceId: ids.resourceId, userId, body, actor, current: connection }),
);

export const DELETE = sdkRoute(ENDPOINT, { ids: { resourceId: "resource_not_found" } }, ({ project, userId, actor, ids }) =>
  disconnectUser({ project, resourceId: ids.resourceId, userId, actor }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
