// POST /projects/:projectId/sdk/resources/:resourceId/request — send a request to the team's API through a resource.
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { apiRequestSchema } from "@/lib/connections/api-schema";
import { requestThroughResource } from "@/lib/connections/request";

const ENDPOINT = { route: "/projects/[projectId]/sdk/resources/[resourceId]/request", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(
  ENDPOINT,
  { ids: { resourceId: "resource_not_found" }, body: { schema: apiRequestSchema, invalid: "invalid_request" } },
  ({ project, caller, connection, ids, body }) =>
    requestThroughResource({ project, resourceId: ids.resourceId, caller, input: body, connection }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
