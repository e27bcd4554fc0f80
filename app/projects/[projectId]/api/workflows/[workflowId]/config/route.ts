// GET /projects/:projectId/api/workflows/:workflowId/config — the workflow's draft as a document, resources named by name.
// PUT /projects/:projectId/api/workflows/:workflowId/config — replaces the draft with a document's (the deployed version stays).
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { exportWorkflow, replaceWorkflowConfig } from "@/lib/as-code/workflow";
import { secretKeyRoute } from "@/lib/api/sdk-route";

const ENDPOINT = { route: "/projects/[projectId]/api/workflows/[workflowId]/config", methods: "GET, PUT" };
const ID = { workflowId: "workflow_not_found" } as const;
const DOCUMENT = { notAnObject: "The body must be a workflow document: a JSON object.", maxBytes: MAX_CONFIG_BODY_BYTES };

export const GET = secretKeyRoute(ENDPOINT, { ids: ID }, async ({ project, ids }) =>
  exportWorkflow({ projectId: project.id, workflowId: ids.workflowId }),
);

export const PUT = secretKeyRoute(ENDPOINT, { ids: ID, body: DOCUMENT }, async ({ project, actor, ids, body }) =>
  replaceWorkflowConfig({ projectId: project.id, workflowId: ids.workflowId, document: body, actor }),
);
