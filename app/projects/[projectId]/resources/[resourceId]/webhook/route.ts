// POST /projects/:projectId/resources/:resourceId/webhook — webhook intake: events from the team's API.
import { z } from "zod";
import { observeRoute } from "@/lib/api/observe";
import { AppError } from "@/lib/errors";
import { receiveWebhook } from "@/lib/webhooks/intake";

export const POST = observeRoute<{ projectId: string; resourceId: string }>("/projects/[projectId]/resources/[resourceId]/webhook", async (request, context) => {
  const { projectId, resourceId } = await context.params;
  if (!z.uuid().safeParse(projectId).success || !z.uuid().safeParse(resourceId).success) throw new AppError("resource_not_found");
  return Response.json(await receiveWebhook({ projectId, resourceId, request }));
});
