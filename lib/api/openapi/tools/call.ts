import { toolArgumentsSchema, toolCallAnswerSchema } from "@/lib/tools/api-schema";
import { toolNotFoundMessage } from "@/lib/tools/names";
import {
  errorExample,
  errorResponse,
  exampleOf,
  invalidJson,
  invalidUser,
  jsonBodyErrors,
  jsonResponse,
  missingUser,
  projectIdParameter,
  projectNotFound,
  ref,
  serverErrors,
  serverSecurity,
  switchboardUserParameter,
} from "../shared";
import type { ApiOperation } from "../types";

export const callTool: ApiOperation = {
  path: "/projects/{projectId}/sdk/tools/{toolName}",
  method: "post",
  operation: {
    operationId: "callTool",
    summary: "Call one of the user's tools",
    description: [
      "Checks the arguments against the tool's input schema, builds the request (path parameters percent-encoded, one segment each; only the operation's own parameters) and sends it through the user's connection exactly as the request API does.",
      "Answers 200 whenever the tool ran: { isError: false, content: { status, body } } with the API's 2xx answer, or { isError: true, content: { code, message, status? } } when the call failed —",
      "invalid_arguments (the message names the argument, e.g. /body/title: must be string), api_error (the API answered 4xx/5xx: its status and an excerpt), reconnect_needed (the connection is INVALID), upstream_unreachable (a timeout or a network error).",
    ].join("\n"),
    tags: ["Tools"],
    parameters: [
      projectIdParameter,
      {
        name: "toolName",
        in: "path",
        required: true,
        description: "The tool's name, as listTools gives it.",
        schema: { type: "string", pattern: "^[a-z][a-z0-9_]{0,63}$" },
      },
      switchboardUserParameter("With a Secret Key: the Connected User (a User Token's sub) to call the tool for."),
    ],
    requestBody: {
      description: "The tool's arguments, one JSON object.",
      required: true,
      content: { "application/json": { schema: ref(toolArgumentsSchema), ...exampleOf(toolArgumentsSchema) } },
    },
    responses: {
      "200": jsonResponse("What the tool answered, or why it failed.", toolCallAnswerSchema),
      "400": errorResponse("The body is not one JSON object, or a Secret Key call names no user.", [
        invalidJson,
        errorExample("invalid_body", { message: "Send the tool's arguments as one JSON object." }),
        missingUser,
        invalidUser,
      ]),
      "404": errorResponse("No project has this ID, or the user has no tool with this name.", [
        projectNotFound,
        errorExample("tool_not_found", { message: toolNotFoundMessage("create_task") }),
      ]),
      ...jsonBodyErrors(),
      ...serverErrors,
    },
    security: serverSecurity,
  },
};
