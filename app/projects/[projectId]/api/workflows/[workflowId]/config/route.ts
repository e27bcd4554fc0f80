// GET /projects/:projectId/api/workflows/:workflowId/config — the workflow's draft as a document, resources named by name.
// PUT /projects/:projectId/api/workflows/:workflowId/config — replaces the draft with a document's (the deployed version stays).
import { isUuid } from "@/lib/uuid";
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { exportWorkflow, replaceWorkflowConfig } from "@/lib/as-code/workflow";
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { AppError } from "@/lib/errors";

const ENDPOINT = { route: "/projects/[projectId]/api/workflows/[workflowId]/config", methods: "GET, PUT" };

function workflowIdOf(params: Record<string, string>): string {
  const id = params.workflowId;
  if (!isUuid(id)) throw new AppError("workflow_not_found");
  return id;
}

export const GET = secretKeyRoute(ENDPOINT, async ({ project, params }) => exportWorkflow({ projectId: project.id, workflowId: workflowIdOf(params) }));

export const PUT = secretKeyRoute(ENDPOINT, async ({ request, project, params, actor }) => {
  const workflowId = workflowIdOf(params);
  const document = await readJsonObject(request, "The body must be a workflow document: a JSON object.", MAX_CONFIG_BODY_BYTES);
  return replaceWorkflowConfig({ projectId: project.id, workflowId, document, actor });
});
