// POST /projects/:projectId/resources/:resourceId/webhook — webhook intake: events from the team's API.
import { isUuid } from "@/lib/uuid";
import { observeRoute } from "@/lib/api/observe";
import { AppError } from "@/lib/errors";
import { receiveWebhook } from "@/lib/webhooks/intake";

export const POST = observeRoute<{ projectId: string; resourceId: string }>(
  "/projects/[projectId]/resources/[resourceId]/webhook",
  async (request, context) => {
    const { projectId, resourceId } = await context.params;
    if (!isUuid(projectId) || !isUuid(resourceId)) throw new AppError("resource_not_found");
    return Response.json(await receiveWebhook({ projectId, resourceId, request }));
  },
);
