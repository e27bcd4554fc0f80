import { workflowEnablementSchema } from "@/lib/workflows/api-schema";
import {
  errorResponse,
  invalidUser,
  jsonResponse,
  missingUser,
  projectIdParameter,
  serverErrors,
  serverSecurity,
  workflowIdParameter,
  workflowOrProjectNotFound,
} from "../shared";
import type { ApiOperation } from "../types";
import { workflowUser } from "./shared";

/** POST …/enable and …/disable: the same operation, turning the workflow on or off for the user. */
export function workflowEnablement(enabled: boolean): ApiOperation {
  return {
    path: `/projects/{projectId}/sdk/workflows/{workflowId}/${enabled ? "enable" : "disable"}`,
    method: "post",
    operation: {
      operationId: enabled ? "enableWorkflow" : "disableWorkflow",
      summary: enabled ? "Enable a workflow for a user" : "Disable a workflow for a user",
      description: [
        enabled
          ? "Turns the workflow on for the user: its triggers start runs for them again."
          : "Turns the workflow off for the user: its triggers start no runs for them (a Request run answers 409 workflow_disabled).",
        "The user's own setting wins over the workflow's Enabled for all users. GET /sdk/me lists each deployed workflow with the user's setting.",
        "A User Token acts for its own user; with a Secret Key, name the user in X-Switchboard-User.",
      ].join("\n"),
      tags: ["Workflows"],
      parameters: [projectIdParameter, workflowIdParameter, workflowUser],
      responses: {
        "200": jsonResponse(`${enabled ? "Enabled" : "Disabled"} for the user.`, workflowEnablementSchema),
        "400": errorResponse("A Secret Key call names no user in X-Switchboard-User, or names an invalid one.", [missingUser, invalidUser]),
        "404": workflowOrProjectNotFound,
        ...serverErrors,
      },
      security: serverSecurity,
    },
  };
}
