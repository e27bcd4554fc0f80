// GET /projects/:projectId/api/workflows/:workflowId/config — the workflow's draft as a document, resources named by name.
// PUT /projects/:projectId/api/workflows/:workflowId/config — replaces the draft with a document's (the deployed version stays).
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { configDocumentBody, exportConfigHandler, replaceConfigHandler } from "@/lib/as-code/config-api";

const ENDPOINT = { route: "/projects/[projectId]/api/workflows/[workflowId]/config", methods: "GET, PUT" };
const ID = { workflowId: "workflow_not_found" } as const;

export const GET = secretKeyRoute(ENDPOINT, { ids: ID }, exportConfigHandler("workflow"));
export const PUT = secretKeyRoute(ENDPOINT, { ids: ID, body: configDocumentBody("workflow") }, replaceConfigHandler("workflow"));
