// POST /projects/:projectId/sdk/workflows/:workflowId/runs — start a run of a Request-triggered workflow; ?wait=true answers its Response step's answer, or its output.
import { sdkPreflight, sdkServerRoute, withStatus } from "@/lib/api/sdk-route";
import { REQUEST_RUN_WAIT_MS, RUN_BODY_NOT_AN_OBJECT_MESSAGE, runOptionsSchema, workflowRunBodySchema } from "@/lib/workflows/api-schema";
import { startRequestRun } from "@/lib/workflows/triggers";

const ENDPOINT = { route: "/projects/[projectId]/sdk/workflows/[workflowId]/runs", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(
  ENDPOINT,
  {
    ids: { workflowId: "workflow_not_found" },
    query: runOptionsSchema,
    body: {
      schema: workflowRunBodySchema,
      invalid: "invalid_body",
      notAnObject: RUN_BODY_NOT_AN_OBJECT_MESSAGE,
    },
  },
  async ({ project, caller, ids, query, body }) => {
    const result = await startRequestRun({
      projectId: project.id,
      caller,
      workflowId: ids.workflowId,
      body,
      wait: query.wait,
      waitMs: REQUEST_RUN_WAIT_MS,
    });
    switch (result.kind) {
      case "started":
        return withStatus(202, { runId: result.runId });
      case "answered":
        // Exactly what the Response step answered; a null body is none.
        return withStatus(result.answer.status, result.answer.body ?? undefined, result.answer.headers);
      case "ended":
        return withStatus(200, result.answer);
    }
  },
);

export const OPTIONS = sdkPreflight(ENDPOINT);
