// POST /projects/:projectId/sdk/resources/:resourceId/request — send a request to the team's API through a resource.
import { isUuid } from "@/lib/uuid";
import { AppError, invalidInputError } from "@/lib/errors";
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { apiRequestSchema } from "@/lib/connections/api-schema";
import { requestThroughResource } from "@/lib/connections/request";

const ENDPOINT = { route: "/projects/[projectId]/sdk/resources/[resourceId]/request", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, async ({ request, project, caller, params, connection }) => {
  const resourceId = params.resourceId ?? "";
  if (!isUuid(resourceId)) {
    throw new AppError("resource_not_found");
  }
  const parsed = apiRequestSchema.safeParse(await readJsonObject(request));
  if (!parsed.success) throw invalidInputError(parsed.error, "invalid_request");
  return requestThroughResource({ project, resourceId, caller, input: parsed.data, connection });
});

export const OPTIONS = sdkPreflight(ENDPOINT);
