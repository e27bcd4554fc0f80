import { connectSessionBodySchema, connectSessionSchema } from "@/lib/connect-portal/api-schema";
import { ORIGIN_FROM_HEADER_MESSAGE, ORIGIN_REQUIRED_MESSAGE } from "@/lib/connect-portal/sessions";
import {
  errorExample,
  errorResponse,
  exampleOf,
  internalError,
  invalidJson,
  invalidUser,
  jsonResponse,
  missingUser,
  originNotAllowedExample,
  payloadTooLarge,
  projectIdParameter,
  projectNotFound,
  rateLimited,
  ref,
  resourceNotFound,
  serverSecurity,
  serverUnauthorized,
  switchboardUserParameter,
  unsupportedMediaType,
} from "../shared";
import type { ApiOperation } from "../types";

export const createConnectSession: ApiOperation = {
  path: "/projects/{projectId}/sdk/connect-sessions",
  method: "post",
  operation: {
    operationId: "createConnectSession",
    summary: "Create a Connect Portal session",
    description: [
      "Creates a single-use session of the Connect Portal, where the user connects to a resource themselves: the OAuth 2.0 Authorization Code flow (with PKCE), or a form for API keys checked by the resource's Validation request. The connection is saved as the connect operation saves it.",
      'A session lives 10 minutes and is bound to the project, the resource, the user and the origin of the page that opens it (an Allowed Origin): when done, the portal posts { type: "switchboard:connect", status, resourceId, error? } to that page only, then closes.',
      "From the browser (the SDK's connect()), send the user's User Token: the page's Origin is the session's origin. From your backend, send a Secret Key and name the user in X-Switchboard-User; name an Allowed Origin in origin, or none to send the link to the user.",
    ].join("\n"),
    tags: ["Connections"],
    parameters: [
      projectIdParameter,
      switchboardUserParameter("With a Secret Key: the Connected User (a User Token's sub) who will connect."),
    ],
    requestBody: {
      description: "The resource to connect to, and (Secret Key calls) the origin that hears the outcome.",
      required: true,
      content: { "application/json": { schema: ref(connectSessionBodySchema), ...exampleOf(connectSessionBodySchema) } },
    },
    responses: {
      "201": jsonResponse("The session: open its url in a popup, or send it to the user.", connectSessionSchema),
      "400": errorResponse("The body is not valid, or a Secret Key call names no user.", [
        errorExample("invalid_input", { fields: { origin: ORIGIN_FROM_HEADER_MESSAGE } }),
        invalidJson,
        errorExample("invalid_body"),
        missingUser,
        invalidUser,
      ]),
      "401": serverUnauthorized,
      "403": errorResponse(
        `The page's origin (or the origin named by a Secret Key call) is not an Allowed Origin, or a User Token call came from no page (it hears: ${ORIGIN_REQUIRED_MESSAGE}).`,
        [originNotAllowedExample],
      ),
      "404": errorResponse("No project has this ID, or the project has no published resource with this ID.", [
        projectNotFound,
        resourceNotFound,
      ]),
      "409": errorResponse(
        "The resource is App-Level, or its users connect with tokens your app obtains (OAuth 2.0 Refresh Token or Client Credentials).",
        [errorExample("app_level_resource"), errorExample("connect_portal_unsupported")],
      ),
      "413": payloadTooLarge(),
      "415": unsupportedMediaType,
      "429": rateLimited,
      "500": internalError,
    },
    security: serverSecurity,
  },
};
