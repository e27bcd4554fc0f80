// POST /projects/:projectId/resources/:resourceId/webhook — webhook intake: events from the team's API.
import { z } from "zod";
import { handleApiError } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";
import { receiveWebhook } from "@/lib/webhooks/intake";

type RouteContext = { params: Promise<{ projectId: string; resourceId: string }> };

export async function POST(request: Request, context: RouteContext): Promise<Response> {
  try {
    const { projectId, resourceId } = await context.params;
    if (!z.uuid().safeParse(projectId).success || !z.uuid().safeParse(resourceId).success) throw new AppError("resource_not_found");
    return Response.json(await receiveWebhook({ projectId, resourceId, request }));
  } catch (error) {
    return handleApiError(error);
  }
}
