import { z } from "zod";
import { findUnstorableText } from "@/lib/jsonb";
import { eventNameSchema } from "./definition";

// The workflow routes' shapes (App Events, Request runs, enablement), one source for the route
// handlers, the OpenAPI document and the SDK's types.

/** `POST /sdk/events`: an App Event. Unknown fields are refused, each named. */
export const appEventSchema = z
  .strictObject({
    name: eventNameSchema.meta({
      description: "The event's name, as a workflow's App Event trigger names it: letters, digits and . _ : -, at most 100 characters.",
    }),
    payload: z
      .record(z.string(), z.unknown())
      .superRefine((payload, context) => {
        const at = findUnstorableText(payload, "payload");
        if (at) context.addIssue({ code: "custom", message: `Holds a NUL character or a lone surrogate (at ${at}), which cannot be stored.` });
      })
      .optional()
      .meta({ description: "Any JSON object: the workflow's `trigger.payload.*` variables. Defaults to {}." }),
  })
  .meta({ id: "AppEvent", example: { name: "task.created", payload: { taskId: "t_123", title: "Write the report" } } });
export type AppEventInput = z.infer<typeof appEventSchema>;

export const appEventAcceptedSchema = z
  .object({
    runIds: z.array(z.uuid()).meta({ description: "One run per deployed workflow on this event that is enabled for the user; none when no workflow is." }),
  })
  .meta({ id: "AppEventAccepted" });
export type AppEventAccepted = z.infer<typeof appEventAcceptedSchema>;

/** `POST /sdk/workflows/{workflowId}/runs`: any JSON object, the run's `trigger.body`. */
export const workflowRunBodySchema = z
  .record(z.string(), z.unknown())
  .meta({ id: "WorkflowRunBody", description: "Any JSON object: the workflow's `trigger.body.*` variables.", example: { taskId: "t_123" } });

export const workflowRunStartedSchema = z
  .object({ runId: z.uuid().meta({ description: "The run, queued (or still running when ?wait=true ran out of time)." }) })
  .meta({ id: "WorkflowRunStarted" });

export const FINISHED_RUN_STATUSES = ["succeeded", "failed", "stopped", "cancelled"] as const;

export const workflowRunResultSchema = z
  .object({
    runId: z.uuid(),
    status: z.enum(FINISHED_RUN_STATUSES),
    output: z.unknown().meta({ description: "The last step's output (a Request step's { status, headers, body }), or null when no step ran." }),
  })
  .meta({ id: "WorkflowRunResult" });
export type WorkflowRunResult = z.infer<typeof workflowRunResultSchema>;

/** How long `?wait=true` waits for a run to finish before answering 202 with its ID. */
export const REQUEST_RUN_WAIT_MS = 30_000;

/** `?wait=true` waits for the run to finish (at most REQUEST_RUN_WAIT_MS); absent or false answers 202 at once. */
export const runOptionsSchema = z.object({
  wait: z
    .enum(["true", "false"], { error: "Use wait=true, or leave it out." })
    .optional()
    .transform((value) => value === "true"),
});

/** `POST /sdk/workflows/{workflowId}/enable` and `/disable`: the user's setting now. */
export const workflowEnablementSchema = z
  .object({ workflowId: z.uuid(), enabled: z.boolean() })
  .meta({ id: "WorkflowEnablement" });
export type WorkflowEnablement = z.infer<typeof workflowEnablementSchema>;
