// GET /projects/:projectId/api/resources/:resourceId/config — the resource's draft configuration as a document, no secret value.
// PUT /projects/:projectId/api/resources/:resourceId/config — replaces it with a document's (no secret set, nothing published).
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { configDocumentBody, exportConfigHandler, replaceConfigHandler } from "@/lib/as-code/config-api";

const ENDPOINT = { route: "/projects/[projectId]/api/resources/[resourceId]/config", methods: "GET, PUT" };
const ID = { resourceId: { code: "resource_not_found", message: "No resource with this ID in this project." } } as const;

export const GET = secretKeyRoute(ENDPOINT, { ids: ID }, exportConfigHandler("resource"));
export const PUT = secretKeyRoute(ENDPOINT, { ids: ID, body: configDocumentBody("resource") }, replaceConfigHandler("resource"));
