// POST /projects/:projectId/sdk/resources/:resourceId/request — send a request to the team's API through a resource.
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { apiRequestSchema } from "@/lib/connections/api-schema";
import { requestThroughResource } from "@/lib/connections/request";

const METHODS = "POST, OPTIONS";

export const POST = sdkServerRoute(METHODS, async ({ request, project, userId, params }) => {
  const resourceId = params.resourceId ?? "";
  if (!z.uuid().safeParse(resourceId).success) {
    throw new ApiError({ status: 404, code: "resource_not_found", message: "No published resource with this ID in this project." });
  }
  const parsed = apiRequestSchema.safeParse(await readJsonObject(request));
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join(".") || "body", issue.message]));
    throw new ApiError({ status: 400, code: "invalid_request", message: "The request body is not a valid request.", fields });
  }
  return requestThroughResource({ project, resourceId, userId, input: parsed.data });
});

export const OPTIONS = sdkPreflight(METHODS);
