import { appEventAcceptedSchema, appEventSchema, EVENT_NOT_AN_OBJECT_MESSAGE } from "@/lib/workflows/api-schema";
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
  projectNotFoundResponse,
  ref,
  serverErrors,
  serverSecurity,
} from "../shared";
import type { ApiOperation } from "../types";
import { workflowStartForbidden, workflowUser } from "../workflows/shared";

export const sendEvent: ApiOperation = {
  path: "/projects/{projectId}/sdk/events",
  method: "post",
  operation: {
    operationId: "sendEvent",
    summary: "Send an App Event",
    description: [
      "Starts a run of every deployed workflow whose App Event trigger names this event and that is enabled for the user; answers 202 with the runs' IDs at once (the runs go on in the background: see the workflow's Runs tab).",
      "A workflow the user has disabled starts no run; when no workflow is on this event, runIds is empty.",
      "From your backend, authenticate with a Secret Key and name the user in X-Switchboard-User. A Secret Key may name no user only for workflows on App-Level resources alone.",
      "A User Token starts no workflow that uses an App-Level resource unless the team turned on End users may start this workflow for it: those are left out of runIds (403 secret_key_required when every workflow on the event is such a one).",
    ].join("\n"),
    tags: ["Workflows"],
    parameters: [projectIdParameter, workflowUser],
    requestBody: {
      description: `The event: its name and an optional JSON object payload (${maxBodyKb} KB at most for the whole body). Unknown fields are refused.`,
      required: true,
      content: { "application/json": { schema: ref(appEventSchema), ...exampleOf(appEventSchema) } },
    },
    responses: {
      "202": jsonResponse("Accepted: the runs started, one per workflow enabled for the user.", appEventAcceptedSchema),
      // Its own 403 below replaces the shared one.
      ...serverErrors,
      "400": errorResponse(
        "The body is not valid JSON, not a JSON object, or not a valid event (fields names each bad or unknown field); or a Secret Key call names no user for a workflow on User-Level resources.",
        [
          invalidInputExample("invalid_event", appEventSchema, { name: "task created" }),
          invalidJson,
          errorExample("invalid_body", { message: EVENT_NOT_AN_OBJECT_MESSAGE }),
          missingUser,
          invalidUser,
        ],
      ),
      "403": workflowStartForbidden("sent an event whose every workflow uses an App-Level resource"),
      "404": projectNotFoundResponse,
      ...jsonBodyErrors(),
    },
    security: serverSecurity,
  },
};
