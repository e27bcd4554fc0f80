// GET /projects/:projectId/api/resources/:resourceId/config — the resource's draft configuration as a document, no secret value.
// PUT /projects/:projectId/api/resources/:resourceId/config — replaces it with a document's (no secret set, nothing published).
import { isUuid } from "@/lib/uuid";
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { exportResource, replaceResourceConfig } from "@/lib/as-code/resource";
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { AppError } from "@/lib/errors";

const ENDPOINT = { route: "/projects/[projectId]/api/resources/[resourceId]/config", methods: "GET, PUT" };

function resourceIdOf(params: Record<string, string>): string {
  const id = params.resourceId;
  if (!isUuid(id)) throw new AppError("resource_not_found", { message: "No resource with this ID in this project." });
  return id;
}

export const GET = secretKeyRoute(ENDPOINT, async ({ project, params }) => exportResource({ projectId: project.id, resourceId: resourceIdOf(params) }));

export const PUT = secretKeyRoute(ENDPOINT, async ({ request, project, params, actor }) => {
  const resourceId = resourceIdOf(params);
  const document = await readJsonObject(request, "The body must be a resource document: a JSON object.", MAX_CONFIG_BODY_BYTES);
  return replaceResourceConfig({ projectId: project.id, resourceId, document, actor });
});
