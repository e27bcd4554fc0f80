import {
  MAX_WAITS_PER_USER,
  REQUEST_RUN_WAIT_MS,
  RUN_BODY_NOT_AN_OBJECT_MESSAGE,
  runOptionsSchema,
  TOO_MANY_WAITS_MESSAGE,
  workflowRunBodySchema,
  workflowRunResultSchema,
  workflowRunStartedSchema,
} from "@/lib/workflows/api-schema";
import {
  errorExample,
  errorResponse,
  exampleOf,
  invalidInputExample,
  invalidJson,
  invalidUser,
  jsonBodyErrors,
  jsonResponse,
  maxBodyKb,
  missingUser,
  projectIdParameter,
  rateLimitedCalls,
  rateLimitedExample,
  ref,
  retryAfter,
  serverErrors,
  serverSecurity,
  workflowIdParameter,
  workflowOrProjectNotFound,
} from "../shared";
import type { ApiOperation } from "../types";
import { workflowStartForbidden, workflowUser } from "./shared";

const waitSeconds = REQUEST_RUN_WAIT_MS / 1000;

export const startWorkflowRun: ApiOperation = {
  path: "/projects/{projectId}/sdk/workflows/{workflowId}/runs",
  method: "post",
  operation: {
    operationId: "startWorkflowRun",
    summary: "Start a workflow run",
    description: [
      "Starts a run of a deployed workflow with a Request trigger, for the user; the body becomes the run's trigger.body.",
      `Answers 202 with the run's ID at once; with ?wait=true, waits up to ${waitSeconds} s and answers 200 with the run's status and its last step's output, or 202 with its ID if it has not finished by then.`,
      "A workflow with a Response step answers a caller waiting with ?wait=true exactly what that step answers (its status, headers and JSON body) as soon as it runs, while the steps after it go on.",
      "From your backend, authenticate with a Secret Key and name the user in X-Switchboard-User (not needed for a workflow on App-Level resources alone).",
      "A User Token may not start a workflow that uses an App-Level resource unless the team turned on End users may start this workflow for it (403 secret_key_required).",
      `A user may hold at most ${MAX_WAITS_PER_USER} waits at once (per server process): the next answers 429 too_many_waits.`,
    ].join("\n"),
    tags: ["Workflows"],
    parameters: [
      projectIdParameter,
      workflowIdParameter,
      {
        name: "wait",
        in: "query",
        required: false,
        description: `true: wait up to ${waitSeconds} s for the run to finish and answer its output.`,
        schema: { type: "string", enum: ["true", "false"] },
      },
      workflowUser,
    ],
    requestBody: {
      description: `Any JSON object (${maxBodyKb} KB at most): the run's trigger.body. Send {} when the workflow needs no input.`,
      required: true,
      content: { "application/json": { schema: ref(workflowRunBodySchema), ...exampleOf(workflowRunBodySchema) } },
    },
    responses: {
      "200": jsonResponse(
        `With ?wait=true, the run finished within ${waitSeconds} s: its status and its last step's output.`,
        workflowRunResultSchema,
      ),
      "202": jsonResponse("Started: the run's ID (with ?wait=true, the run had not finished in time).", workflowRunStartedSchema),
      // Its own 403 and 429 below replace the shared ones.
      ...serverErrors,
      "400": errorResponse(
        "The body is not valid JSON or not a JSON object, wait is neither true nor false, or a Secret Key call names no user for a workflow on User-Level resources.",
        [
          invalidJson,
          errorExample("invalid_body", { message: RUN_BODY_NOT_AN_OBJECT_MESSAGE }),
          invalidInputExample("invalid_input", runOptionsSchema, { wait: "yes" }),
          missingUser,
          invalidUser,
        ],
      ),
      "403": workflowStartForbidden("started a workflow that uses an App-Level resource"),
      "404": workflowOrProjectNotFound,
      "409": errorResponse("The workflow has no deployed version, its trigger is not a Request trigger, or the user has disabled it.", [
        errorExample("workflow_not_deployed"),
        errorExample("wrong_trigger"),
        errorExample("workflow_disabled"),
      ]),
      ...jsonBodyErrors(),
      "429": errorResponse(
        `${rateLimitedCalls} Or, with ?wait=true, the user already holds ${MAX_WAITS_PER_USER} waits. Wait for the number of seconds in Retry-After.`,
        [rateLimitedExample, errorExample("too_many_waits", { message: TOO_MANY_WAITS_MESSAGE })],
        retryAfter,
      ),
    },
    security: serverSecurity,
  },
};
