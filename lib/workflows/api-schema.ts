import { z } from "zod";
import { findUnstorableText, unstorableTextMessage } from "@/lib/jsonb";
import { eventNameSchema, MAX_EVENT_NAME_LENGTH } from "./definition";

// The workflow routes' shapes (App Events, Request runs, enablement), one source for the route
// handlers, the OpenAPI document and the SDK's types.

/** A JSON object PostgreSQL can store (lib/jsonb.ts): text it cannot is named from `path`. */
function storableObject(path: string) {
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    const at = findUnstorableText(value, path);
    if (at) context.addIssue({ code: "custom", message: unstorableTextMessage(at) });
  });
}

/** `POST /sdk/events`: an App Event. Unknown fields are refused, each named. */
export const appEventSchema = z
  .strictObject({
    name: eventNameSchema.meta({
      description: `The event's name, as a workflow's App Event trigger names it: letters, digits and . _ : -, at most ${MAX_EVENT_NAME_LENGTH} characters.`,
    }),
    payload: storableObject("payload").optional().meta({
      description:
        "Any JSON object: the workflow's `trigger.payload.*` variables. Defaults to {}. Its strings and keys must not hold NUL (\\u0000) or a lone surrogate, which cannot be stored.",
    }),
  })
  .meta({ id: "AppEvent", example: { name: "task.created", payload: { taskId: "t_123", title: "Write the report" } } });
export type AppEventInput = z.infer<typeof appEventSchema>;

export const appEventAcceptedSchema = z
  .object({
    runIds: z
      .array(z.uuid())
      .meta({ description: "One run per deployed workflow on this event that is enabled for the user; none when no workflow is." }),
  })
  .meta({ id: "AppEventAccepted" });
export type AppEventAccepted = z.infer<typeof appEventAcceptedSchema>;

/** `POST /sdk/workflows/{workflowId}/runs`: any JSON object, the run's `trigger.body`. */
export const workflowRunBodySchema = storableObject("body").meta({
  id: "WorkflowRunBody",
  description:
    "Any JSON object: the workflow's `trigger.body.*` variables. Its strings and keys must not hold NUL (\\u0000) or a lone surrogate, which cannot be stored.",
  example: { taskId: "t_123" },
});

export const workflowRunStartedSchema = z
  .object({ runId: z.uuid().meta({ description: "The run, queued (or still running when ?wait=true ran out of time)." }) })
  .meta({ id: "WorkflowRunStarted" });

export const FINISHED_RUN_STATUSES = ["succeeded", "failed", "stopped", "cancelled"] as const;

export const workflowRunResultSchema = z
  .object({
    runId: z.uuid(),
    status: z.enum(FINISHED_RUN_STATUSES),
    output: z
      .unknown()
      .meta({ description: "The last step's output (a Request step's { status, headers, body }), or null when no step ran." }),
  })
  .meta({ id: "WorkflowRunResult" });
export type WorkflowRunResult = z.infer<typeof workflowRunResultSchema>;

/** How long `?wait=true` waits for a run to finish before answering 202 with its ID. */
export const REQUEST_RUN_WAIT_MS = 30_000;

/** How long a call of a workflow exposed as a tool waits for its answer before answering that the run goes on (get_run_status answers later). */
export const TOOL_CALL_WAIT_MS = 30_000;

/** Waits (`?wait=true`) one Connected User of a project may hold at once in a server process; the next answers 429 too_many_waits. */
export const MAX_WAITS_PER_USER = 10;
export const TOO_MANY_WAITS_MESSAGE = `This user already waits for ${MAX_WAITS_PER_USER} runs with ?wait=true: wait for one to finish, or start the run without waiting.`;

/** What a User Token hears when it tries to start a workflow that uses an App-Level resource (lib/workflows/starters.ts). */
export const SECRET_KEY_REQUIRED_TO_START =
  "This workflow uses an App-Level resource: only your backend, with a Secret Key, may start it (the team can turn on End users may start this workflow).";

/** What an App Event body that is not one JSON object hears (400 invalid_body). */
export const EVENT_NOT_AN_OBJECT_MESSAGE = 'The body must be a JSON object: { "name", "payload" }.';

/** What a run's body that is not one JSON object hears (400 invalid_body). */
export const RUN_BODY_NOT_AN_OBJECT_MESSAGE = "The body must be a JSON object: it becomes the run's trigger.body.";

/** `?wait=true` waits for the run to finish (at most REQUEST_RUN_WAIT_MS); absent or false answers 202 at once. */
export const runOptionsSchema = z.object({
  wait: z
    .enum(["true", "false"], { error: "Use wait=true, or leave it out." })
    .optional()
    .transform((value) => value === "true"),
});

/** `POST /sdk/workflows/{workflowId}/enable` and `/disable`: the user's setting now. */
export const workflowEnablementSchema = z.object({ workflowId: z.uuid(), enabled: z.boolean() }).meta({ id: "WorkflowEnablement" });
export type WorkflowEnablement = z.infer<typeof workflowEnablementSchema>;
