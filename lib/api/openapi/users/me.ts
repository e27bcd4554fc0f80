import { sdkUserSchema } from "@/lib/connections/api-schema";
import { jsonResponse, projectIdParameter, projectNotFoundResponse, userTokenErrors, userTokenSecurity } from "../shared";
import type { ApiOperation } from "../types";

export const getUser: ApiOperation = {
  path: "/projects/{projectId}/sdk/me",
  method: "get",
  operation: {
    operationId: "getUser",
    summary: "Get the connected user",
    description: [
      "The user the User Token names, every published resource of the project with the user's connection to it, if any,",
      "and every deployed workflow the user may start with whether it runs for them (their own setting, else Enabled for all users):",
      "a workflow that uses an App-Level resource is listed only when the team turned on End users may start this workflow for it.",
    ].join("\n"),
    tags: ["Users"],
    parameters: [projectIdParameter],
    responses: {
      "200": jsonResponse("The user, the project's published resources and its deployed workflows.", sdkUserSchema),
      "404": projectNotFoundResponse,
      ...userTokenErrors,
    },
    security: userTokenSecurity,
  },
};
