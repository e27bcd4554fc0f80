import { disconnectedSchema } from "@/lib/connections/api-schema";
import {
  appLevelResource,
  errorExample,
  errorResponse,
  jsonResponse,
  projectIdParameter,
  projectNotFound,
  resourceIdParameter,
  resourceNotFound,
  userTokenErrors,
  userTokenSecurity,
} from "../shared";
import type { ApiOperation } from "../types";

export const disconnectUser: ApiOperation = {
  path: "/projects/{projectId}/sdk/resources/{resourceId}/connect",
  method: "delete",
  operation: {
    operationId: "disconnectUser",
    summary: "Disconnect a user from a resource",
    description: "Deletes the user's connection to the resource, with its stored credentials.",
    tags: ["Connections"],
    parameters: [projectIdParameter, resourceIdParameter],
    responses: {
      "200": jsonResponse("Disconnected: the connection and its credentials are deleted.", disconnectedSchema),
      "404": errorResponse(
        "No project has this ID, the project has no published resource with this ID, or the user has no connection to it.",
        [projectNotFound, resourceNotFound, errorExample("connection_not_found")],
      ),
      "409": appLevelResource,
      ...userTokenErrors,
    },
    security: userTokenSecurity,
  },
};
