// GET /projects/:projectId/api/resources/:resourceId/config — the resource's draft configuration as a document, no secret value.
// PUT /projects/:projectId/api/resources/:resourceId/config — replaces it with a document's (no secret set, nothing published).
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { exportResource, replaceResourceConfig } from "@/lib/as-code/resource";
import { secretKeyRoute } from "@/lib/api/sdk-route";

const ENDPOINT = { route: "/projects/[projectId]/api/resources/[resourceId]/config", methods: "GET, PUT" };
const ID = { resourceId: { code: "resource_not_found", message: "No resource with this ID in this project." } } as const;
const DOCUMENT = { notAnObject: "The body must be a resource document: a JSON object.", maxBytes: MAX_CONFIG_BODY_BYTES };

export const GET = secretKeyRoute(ENDPOINT, { ids: ID }, async ({ project, ids }) =>
  exportResource({ projectId: project.id, resourceId: ids.resourceId }),
);

export const PUT = secretKeyRoute(ENDPOINT, { ids: ID, body: DOCUMENT }, async ({ project, actor, ids, body }) =>
  replaceResourceConfig({ projectId: project.id, resourceId: ids.resourceId, document: body, actor }),
);
