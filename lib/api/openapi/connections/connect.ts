import { connectBodySchema, connectionSchema } from "@/lib/connections/api-schema";
import { credentialsPayloadMessage, MAX_VALUE_LENGTH } from "@/lib/connections/connect-body";
import {
  errorExample,
  errorResponse,
  exampleOf,
  invalidJson,
  jsonBodyErrors,
  jsonResponse,
  maxBodyKb,
  projectIdParameter,
  projectNotFound,
  ref,
  resourceIdParameter,
  resourceNotFound,
  userTokenErrors,
  userTokenSecurity,
} from "../shared";
import type { ApiOperation } from "../types";

export const connectUser: ApiOperation = {
  path: "/projects/{projectId}/sdk/resources/{resourceId}/connect",
  method: "post",
  operation: {
    operationId: "connectUser",
    summary: "Connect a user to a resource",
    description: [
      "Stores the user's credentials for a published User-Level resource and answers with the connection. Credentials are never returned.",
      "When the resource fetches a User Profile, the credentials are checked with it first: if the API refuses them, nothing is stored (422).",
      "A User Profile read from the access token (a JWT field) is kept only when the token's signature verifies against the resource's JWKS URL or, without one, the API answers 2xx to a request made with it (GET / on the API Base URL); otherwise nothing is stored (422 profile_unverified).",
      "When the resource's webhooks match users on a User Profile field marked unique, a value another user's VALID connection holds is refused (409 profile_value_taken).",
      "Connecting again replaces the user's earlier credentials: there is one connection per user and resource.",
    ].join("\n"),
    tags: ["Connections"],
    parameters: [projectIdParameter, resourceIdParameter],
    requestBody: {
      description: `The resource's required keys, each a string of at most ${MAX_VALUE_LENGTH.toLocaleString("en-US")} characters (${maxBodyKb} KB for the whole body). Unknown keys are refused.`,
      required: true,
      content: {
        "application/json": { schema: ref(connectBodySchema), ...exampleOf(connectBodySchema) },
      },
    },
    responses: {
      "200": jsonResponse("Connected: the connection, created or replaced.", connectionSchema),
      "400": errorResponse(
        "The body is not valid JSON, not a JSON object, or does not match the resource's required keys; fields names each key that is missing, unknown or not a string.",
        [
          errorExample("invalid_credentials_payload", {
            message: credentialsPayloadMessage(["access_token"]),
            fields: { access_token: "Required." },
          }),
          invalidJson,
          errorExample("invalid_body"),
        ],
      ),
      "404": errorResponse("No project has this ID, or the project has no published resource with this ID.", [
        projectNotFound,
        resourceNotFound,
      ]),
      "409": errorResponse(
        "The resource is App-Level, or the User Profile value is held by another user's connection and the resource's webhooks match users on it as a unique field. Nothing was stored.",
        [
          errorExample("app_level_resource"),
          // What lib/connections/connect.ts says, for an account_id of "acct_42".
          errorExample("profile_value_taken", {
            message:
              "Another user's connection to this resource already has account_id = \"acct_42\" in its User Profile, and the resource's webhooks match users on it (Profile field is unique). Nothing was stored.",
          }),
        ],
      ),
      ...jsonBodyErrors(),
      "422": errorResponse(
        "The resource's API refused the credentials while Switchboard fetched the User Profile (for example it answered 401 or 403, or refused the token request), or the access token a JWT field is read from was not vouched for (profile_unverified) or its claim cannot be kept (invalid_profile). Nothing was stored.",
        [
          // What lib/connections/connect.ts and jwt-profile.ts say for a profile request answering 401, a bad signature, a claim that is an object.
          errorExample("credentials_rejected", { message: "The API refused these credentials: the profile request answered 401." }),
          errorExample("profile_unverified", {
            message:
              "The User Profile's JWT field was not kept: the access token's signature does not verify against the resource's JWKS URL.",
          }),
          errorExample("invalid_profile", { message: "The access token's claim account_id is not a string, number or boolean." }),
        ],
      ),
      ...userTokenErrors,
      "502": errorResponse(
        "The User Profile could not be fetched: the resource's API failed, timed out or did not answer JSON, or its JWKS URL could not be read. Nothing was stored.",
        // What lib/connections/connect.ts says for a profile request answering 503.
        [errorExample("profile_request_failed", { message: "The User Profile could not be fetched: the profile request answered 503." })],
      ),
    },
    security: userTokenSecurity,
  },
};
