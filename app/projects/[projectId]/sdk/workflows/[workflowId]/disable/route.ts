// POST /projects/:projectId/sdk/workflows/:workflowId/disable — turn a workflow off for the user (it no longer runs for them).
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { setWorkflowEnablement } from "@/lib/workflows/enablement";

const ENDPOINT = { route: "/projects/[projectId]/sdk/workflows/[workflowId]/disable", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, { ids: { workflowId: "workflow_not_found" } }, ({ project, caller, actor, ids }) =>
  setWorkflowEnablement({ projectId: project.id, caller, workflowId: ids.workflowId, enabled: false, actor }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
