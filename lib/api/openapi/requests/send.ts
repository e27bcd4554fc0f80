import { apiRequestSchema, apiResponseSchema } from "@/lib/connections/api-schema";
import { reconnectNeeded } from "@/lib/connections/refresh";
import {
  errorExample,
  errorResponse,
  invalidInputExample,
  invalidJson,
  invalidUser,
  jsonBodyErrors,
  jsonResponse,
  missingUser,
  originNotAllowedExample,
  projectIdParameter,
  projectNotFound,
  ref,
  resourceIdParameter,
  resourceNotFound,
  serverErrors,
  serverSecurity,
  switchboardUserParameter,
} from "../shared";
import type { ApiOperation } from "../types";

export const sendRequest: ApiOperation = {
  path: "/projects/{projectId}/sdk/resources/{resourceId}/request",
  method: "post",
  operation: {
    operationId: "sendRequest",
    summary: "Send a request through a resource",
    description: [
      "Sends the request to your API with the resource's API Authentication and the user's credentials (User-Level) or the app's (App-Level), and answers with your API's status, headers and body.",
      "OAuth access tokens are refreshed ahead of expiry and once more on a 401: exactly one refresh per connection at a time, across all Switchboard servers.",
      "From your backend, authenticate with a Secret Key (Settings → Secret Keys) and name the user in X-Switchboard-User.",
      "A full URL is accepted only on the API Base URL's origin: credentials never leave for another host.",
    ].join("\n"),
    tags: ["Requests"],
    parameters: [
      projectIdParameter,
      { ...resourceIdParameter, description: "The ID of a published resource of the project." },
      switchboardUserParameter(
        "With a Secret Key: the Connected User (a User Token's sub) whose credentials to use. Not needed for App-Level resources.",
      ),
    ],
    requestBody: {
      description: "What to send: method, path, and optional query, headers and body.",
      required: true,
      content: { "application/json": { schema: ref(apiRequestSchema) } },
    },
    responses: {
      "200": jsonResponse("Your API's answer (whatever its status).", apiResponseSchema),
      // Its own 403 below replaces the shared one.
      ...serverErrors,
      "400": errorResponse("The body is not a valid request, a full URL names another origin, or a Secret Key call names no user.", [
        invalidInputExample("invalid_request", apiRequestSchema, { method: "FETCH", path: "/tasks" }),
        invalidJson,
        errorExample("invalid_body"),
        missingUser,
        errorExample("resource_not_ready"),
        invalidUser,
      ]),
      "403": errorResponse(
        "A browser called from an origin that is not an Allowed Origin, or a User Token asked to use an App-Level resource: the app's credentials are for your backend (a Secret Key) only.",
        [originNotAllowedExample, errorExample("secret_key_required")],
      ),
      "404": errorResponse("No project or published resource has this ID, or the user has not connected to the resource.", [
        projectNotFound,
        resourceNotFound,
        errorExample("connection_not_found"),
      ]),
      ...jsonBodyErrors(),
      "424": errorResponse(
        "The connection is INVALID (its refresh token was refused): the user must connect again. The token endpoint is not called.",
        [errorExample("reconnect_needed", { message: reconnectNeeded("the token endpoint answered invalid_grant").message })],
      ),
      "502": errorResponse("Your API or its token endpoint could not be reached or failed; the credentials are kept as they were.", [
        // What lib/http/client.ts and lib/connections/refresh.ts say when api.example.com refuses the connection, and a token endpoint answers 503.
        errorExample("upstream_unreachable", { message: "Could not connect to api.example.com:443." }),
        errorExample("token_refresh_failed", {
          message: "The access token could not be refreshed: The token endpoint answered 503. The connection is kept as it was.",
        }),
      ]),
      "503": errorResponse("Another request is refreshing this connection's token; try again shortly.", [
        errorExample("refresh_in_progress"),
      ]),
    },
    security: serverSecurity,
  },
};
