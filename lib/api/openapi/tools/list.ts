import { toolListSchema } from "@/lib/tools/api-schema";
import {
  errorResponse,
  invalidUser,
  jsonResponse,
  missingUser,
  projectIdParameter,
  projectNotFoundResponse,
  serverErrors,
  serverSecurity,
  switchboardUserParameter,
} from "../shared";
import type { ApiOperation } from "../types";

export const listTools: ApiOperation = {
  path: "/projects/{projectId}/sdk/tools",
  method: "get",
  operation: {
    operationId: "listTools",
    summary: "List the user's tools",
    description: [
      "The tools an AI agent may call for this user: the operations the team turned on (a resource's Tools tab) of published User-Level resources the user has a connection to,",
      "and of App-Level resources offered to every user. Each has a name, a description and the JSON Schema of its arguments (and of its answer, when the API documents one).",
      "A tool of an INVALID connection is listed with a description that says the user must connect again.",
    ].join("\n"),
    tags: ["Tools"],
    parameters: [
      projectIdParameter,
      switchboardUserParameter("With a Secret Key: the Connected User (a User Token's sub) whose tools to list."),
    ],
    responses: {
      "200": jsonResponse("The user's tools, by name.", toolListSchema),
      "400": errorResponse("A Secret Key call names no user, or names one badly.", [missingUser, invalidUser]),
      "404": projectNotFoundResponse,
      ...serverErrors,
    },
    security: serverSecurity,
  },
};
