// POST /projects/:projectId/sdk/workflows/:workflowId/enable — turn a workflow on for the user (it then runs for them).
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { setWorkflowEnablement } from "@/lib/workflows/enablement";

const ENDPOINT = { route: "/projects/[projectId]/sdk/workflows/[workflowId]/enable", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, ({ project, caller, actor, params }) =>
  setWorkflowEnablement({ projectId: project.id, caller, workflowId: params.workflowId ?? "", enabled: true, actor }),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
