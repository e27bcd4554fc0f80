// POST /projects/:projectId/sdk/workflows/:workflowId/enable — turn a workflow on for the user (it then runs for them).
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { setWorkflowEnablement } from "@/lib/workflows/enablement";

const ENDPOINT = { route: "/projects/[projectId]/sdk/workflows/[workflowId]/enable", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, { ids: { workflowId: "workflow_not_found" } }, ({ project, caller, actor, ids }) =>
  setWorkflowEnablement({ projectId: project.id, caller, workflowId: ids.workflowId, enabled: true, actor }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
