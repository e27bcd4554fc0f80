// POST, DELETE /projects/:projectId/sdk/resources/:resourceId/connect — connect or disconnect a user's credentials.
import { isUuid } from "@/lib/uuid";
import { AppError } from "@/lib/errors";
import { sdkPreflight, sdkRoute } from "@/lib/api/sdk-route";
import { connectUser, disconnectUser } from "@/lib/connections/connect";
import { readJsonObject } from "@/lib/connections/connect-body";

const ENDPOINT = { route: "/projects/[projectId]/sdk/resources/[resourceId]/connect", methods: "POST, DELETE, OPTIONS" };

function resourceId(params: Record<string, string>): string {
  const id = params.resourceId ?? "";
  if (!isUuid(id)) {
    throw new AppError("resource_not_found");
  }
  return id;
}

export const POST = sdkRoute(ENDPOINT, async ({ request, project, userId, actor, params, connection }) =>
  connectUser({ project, resourceId: resourceId(params), userId, body: await readJsonObject(request), actor, current: connection }),
);

export const DELETE = sdkRoute(ENDPOINT, ({ project, userId, actor, params }) =>
  disconnectUser({ project, resourceId: resourceId(params), userId, actor }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
