// POST /projects/:projectId/sdk/workflows/:workflowId/runs — start a run of a Request-triggered workflow; ?wait=true answers its Response step's answer, or its output.
import { sdkPreflight, sdkServerRoute, withStatus } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { invalidInputError } from "@/lib/errors";
import { REQUEST_RUN_WAIT_MS, runOptionsSchema, workflowRunBodySchema } from "@/lib/workflows/api-schema";
import { requireWorkflowId } from "@/lib/workflows/enablement";
import { startRequestRun } from "@/lib/workflows/triggers";

const ENDPOINT = { route: "/projects/[projectId]/sdk/workflows/[workflowId]/runs", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, async ({ request, project, caller, params }) => {
  const workflowId = requireWorkflowId(params.workflowId);
  const options = runOptionsSchema.safeParse({ wait: new URL(request.url).searchParams.get("wait") ?? undefined });
  if (!options.success) throw invalidInputError(options.error);
  const body = workflowRunBodySchema.safeParse(await readJsonObject(request, "The body must be a JSON object: it becomes the run's trigger.body."));
  if (!body.success) throw invalidInputError(body.error, "invalid_body");
  const result = await startRequestRun({
    projectId: project.id,
    caller,
    workflowId,
    body: body.data,
    wait: options.data.wait,
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
});

export const OPTIONS = sdkPreflight(ENDPOINT);
