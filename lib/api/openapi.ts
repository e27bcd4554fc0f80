import { z } from "zod";
import { ERROR_CATALOGUE, type ErrorCode } from "@/lib/errors";
import { DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS, MAX_USER_ID_LENGTH, MAX_USER_TOKEN_LENGTH } from "@/lib/auth/user-token";
import {
  apiErrorSchema,
  apiRequestSchema,
  apiResponseSchema,
  connectBodySchema,
  connectionSchema,
  disconnectedSchema,
  EXAMPLE_REQUEST_ID,
  sdkUserSchema,
} from "@/lib/connections/api-schema";
import { MAX_JSON_BODY_BYTES } from "@/lib/api/request-body";
import {
  configImportedSchema,
  MAX_CONFIG_BODY_BYTES,
  resourceConfigDocumentSchema,
  workflowConfigDocumentSchema,
} from "@/lib/as-code/api-schema";
import {
  appEventAcceptedSchema,
  appEventSchema,
  MAX_WAITS_PER_USER,
  REQUEST_RUN_WAIT_MS,
  SECRET_KEY_REQUIRED_TO_START,
  TOO_MANY_WAITS_MESSAGE,
  workflowEnablementSchema,
  workflowRunBodySchema,
  workflowRunResultSchema,
  workflowRunStartedSchema,
} from "@/lib/workflows/api-schema";

// The Connect API as an OpenAPI 3.1 document, built from the zod schemas the route handlers answer with.
// Served as /api/openapi.json and rendered by the dashboard's API Reference page.

/** A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses). */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

export type HttpMethod = "get" | "put" | "post" | "delete";
export const HTTP_METHODS: readonly HttpMethod[] = ["get", "put", "post", "delete"];

export interface ExampleObject {
  summary?: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, ExampleObject>;
}

export interface HeaderObject {
  description: string;
  schema: JsonSchema;
}

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface RequestBodyObject {
  description: string;
  required: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  security: Record<string, string[]>[];
}

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

export interface SecuritySchemeObject {
  type: "http";
  scheme: "bearer";
  bearerFormat: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: `3.1.${number}`;
  info: { title: string; version: string; description: string };
  servers?: { url: string; description?: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
  };
}

/** Connect API calls one Connected User may make by User Token per project and minute (lib/api/sdk-route.ts enforces it). */
const RATE_LIMIT_PER_MINUTE = 120;
const SECURITY_SCHEME = "UserToken";
const SECRET_KEY_SCHEME = "SecretKey";

const componentSchemas = [
  apiErrorSchema,
  connectBodySchema,
  connectionSchema,
  disconnectedSchema,
  sdkUserSchema,
  apiRequestSchema,
  apiResponseSchema,
  appEventSchema,
  appEventAcceptedSchema,
  workflowRunBodySchema,
  workflowRunStartedSchema,
  workflowRunResultSchema,
  workflowEnablementSchema,
  resourceConfigDocumentSchema,
  workflowConfigDocumentSchema,
  configImportedSchema,
] as const;
type ComponentSchema = (typeof componentSchemas)[number];

function schemaId(schema: ComponentSchema): string {
  const id = schema.meta()?.id;
  if (typeof id !== "string" || !id) throw new Error("Every Connect API schema needs a .meta({ id }).");
  return id;
}

function ref(schema: ComponentSchema): JsonSchema {
  return { $ref: `#/components/schemas/${schemaId(schema)}` };
}

/** The components' JSON Schemas, named by their `.meta({ id })`. */
function buildSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const schema of componentSchemas) registry.add(schema, { id: schemaId(schema) });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      // zod's own UUID and date-time patterns only restate the format, and make the document hard to read.
      if (jsonSchema.format && jsonSchema.pattern) delete jsonSchema.pattern;
      // 2020-12 (and OpenAPI 3.1) name examples as an array; `example` is deprecated there.
      if ("example" in jsonSchema) {
        jsonSchema.examples = [jsonSchema.example];
        delete jsonSchema.example;
      }
    },
  });
  // Inside an OpenAPI document the dialect is the document's, and a component is named by its key.
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

const uuidParameter = (name: string, description: string): ParameterObject => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", format: "uuid" },
});

const projectIdParameter = uuidParameter("projectId", "The Project ID (Settings → Project ID).");
const resourceIdParameter = uuidParameter("resourceId", "The ID of a published User-Level resource of the project.");
const workflowIdParameter = uuidParameter("workflowId", "The ID of a workflow of the project (its editor's address shows it).");

const switchboardUserParameter = (description: string): ParameterObject => ({
  name: "X-Switchboard-User",
  in: "header",
  required: false,
  description,
  schema: { type: "string", minLength: 1, maxLength: MAX_USER_ID_LENGTH },
});

type ErrorExample = { code: ErrorCode; message: string; fields?: Record<string, string> };

function errorResponse(description: string, examples: ErrorExample[], headers?: Record<string, HeaderObject>): ResponseObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      "application/json": {
        schema: ref(apiErrorSchema),
        examples: Object.fromEntries(
          examples.map(({ code, message, fields }) => [
            code,
            { value: { error: { code, message, ...(fields ? { fields } : {}), requestId: EXAMPLE_REQUEST_ID } } },
          ]),
        ),
      },
    },
  };
}

/** A request body's example: the first of its schema's examples, if any (the API Reference's curl sends it). */
function exampleOf(schemas: Record<string, JsonSchema>, schema: ComponentSchema): { example?: unknown } {
  const example = schemas[schemaId(schema)]?.examples?.[0];
  return example === undefined ? {} : { example };
}

function jsonResponse(description: string, schema: ComponentSchema): ResponseObject {
  return { description, content: { "application/json": { schema: ref(schema) } } };
}

const unauthorized = errorResponse(
  "The User Token is missing, or it does not verify: wrong signature or algorithm, expired, issued in the future, living longer than the lifetime limit, an aud that is not this project, or a sub that is not a valid user ID.",
  [
    { code: "missing_user_token", message: "Send the User Token as Authorization: Bearer <token>." },
    { code: "invalid_user_token", message: "The User Token has expired." },
  ],
);

const originNotAllowedExample: ErrorExample = {
  code: "origin_not_allowed",
  message: "https://app.example.com is not an Allowed Origin of this project. Add it in Settings → Signing Keys → Allowed Origins.",
};
const originNotAllowed = errorResponse("A browser called from an origin that is not one of the project's Allowed Origins.", [
  originNotAllowedExample,
]);

const rateLimitedExample: ErrorExample = {
  code: "rate_limited",
  message: `Too many requests for this user: at most ${RATE_LIMIT_PER_MINUTE} a minute.`,
};
const retryAfter: Record<string, HeaderObject> = {
  "Retry-After": { description: "Seconds until the window resets.", schema: { type: "integer", minimum: 1 } },
};
const rateLimitedCalls = `Too many calls: at most ${RATE_LIMIT_PER_MINUTE} a minute per user with a User Token, or the project's Secret Key limit (Settings → Rate Limits; 6000 a minute unless changed) for all Secret Key calls together.`;
const rateLimited = errorResponse(`${rateLimitedCalls} Wait for the number of seconds in Retry-After.`, [rateLimitedExample], retryAfter);

const internalError = errorResponse("Something failed on Switchboard's side; the details are logged, not returned.", [
  { code: "internal_error", message: "Something went wrong on our side." },
]);

const serverUnauthorized = errorResponse("The User Token or the Secret Key is missing or does not verify.", [
  { code: "missing_user_token", message: "Send the User Token as Authorization: Bearer <token>." },
  { code: "invalid_user_token", message: "The User Token has expired." },
  { code: "invalid_secret_key", message: "The Secret Key is unknown or revoked." },
]);

const projectNotFound: ErrorExample = { code: "project_not_found", message: "No project has this ID." };
const workflowNotFound: ErrorExample = { code: "workflow_not_found", message: "No workflow with this ID in this project." };
const missingUser: ErrorExample = { code: "missing_user", message: "Name the Connected User in the X-Switchboard-User header." };
const invalidUser: ErrorExample = { code: "invalid_user", message: `X-Switchboard-User must be at most ${MAX_USER_ID_LENGTH} characters.` };
const resourceNotFound: ErrorExample = { code: "resource_not_found", message: "No published resource with this ID in this project." };
const appLevelResource = errorResponse("The resource is App-Level: it uses the app's own credentials, so users do not connect to it.", [
  { code: "app_level_resource", message: "This is an App-Level resource: it uses the app's credentials, so users do not connect to it." },
]);

const userTokenDescription = [
  "A JWT your backend signs for one of your users with a signing key of the project (Settings → Signing Keys). RS256 only.",
  "",
  "Claims:",
  `- sub (required): your user's ID, 1–${MAX_USER_ID_LENGTH} characters with no control characters. It becomes the connection's userId.`,
  "- iat (required): when the token was issued; not in the future.",
  `- exp (required): when it expires, at most ${DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS / 3600} hours after iat. Keep tokens short-lived.`,
  "- aud (optional): when present, it must be the Project ID (or a list that includes it).",
  "",
  "A kid header picks the signing key; without one, each active key is tried.",
  `Clocks may differ by up to 30 seconds. Tokens over ${MAX_USER_TOKEN_LENGTH} characters are refused.`,
].join("\n");

const apiDescription = [
  "Connect your users' credentials to a project's published resources, send requests through them, and start the project's workflows, from your backend or from the browser.",
  "",
  "Every call sends a User Token as Authorization: Bearer <token>; the request, event, workflow-run and enablement operations also take a Secret Key from your backend, and the configuration operations (resources and workflows as code) take a Secret Key only. Bodies are JSON.",
  'Every error answers as { "error": { "code", "message", "fields"?, "requestId" } }; code is a stable name to branch on.',
  "Every answer names its request in an X-Request-Id header (also error.requestId): the X-Request-Id you send, if it is at most 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', else a new one.",
  "",
  "Browsers may call the API only from the project's Allowed Origins (Settings → Signing Keys); other origins get 403.",
  `Each user may make ${RATE_LIMIT_PER_MINUTE} calls a minute per project with a User Token; calls with the project's Secret Keys share the project's limit (Settings → Rate Limits, 6000 a minute unless changed).`,
].join("\n");

/** The Connect API's OpenAPI 3.1 document; `serverUrl` (the app's origin) becomes its one server. */
export function connectApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const schemas = buildSchemas();
  const security = [{ [SECURITY_SCHEME]: [] }];
  // The operations the team's backend may also call, with a Secret Key.
  const serverSecurity: Record<string, string[]>[] = [{ [SECURITY_SCHEME]: [] }, { [SECRET_KEY_SCHEME]: [] }];
  const maxBodyKb = MAX_JSON_BODY_BYTES / 1024;

  const connect: OperationObject = {
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
      description: `The resource's required keys, each a string of at most 16,384 characters (${maxBodyKb} KB for the whole body). Unknown keys are refused.`,
      required: true,
      content: {
        "application/json": { schema: ref(connectBodySchema), ...exampleOf(schemas, connectBodySchema) },
      },
    },
    responses: {
      "200": jsonResponse("Connected: the connection, created or replaced.", connectionSchema),
      "400": errorResponse(
        "The body is not valid JSON, not a JSON object, or does not match the resource's required keys; fields names each key that is missing, unknown or not a string.",
        [
          {
            code: "invalid_credentials_payload",
            message: "The body does not match the resource's required keys: access_token.",
            fields: { access_token: "Required." },
          },
          { code: "invalid_json", message: "The body is not valid JSON." },
          { code: "invalid_body", message: "The body must be a JSON object of the resource's required keys." },
        ],
      ),
      "401": unauthorized,
      "403": originNotAllowed,
      "404": errorResponse("No project has this ID, or the project has no published resource with this ID.", [
        projectNotFound,
        resourceNotFound,
      ]),
      "409": errorResponse(
        "The resource is App-Level, or the User Profile value is held by another user's connection and the resource's webhooks match users on it as a unique field. Nothing was stored.",
        [
          {
            code: "app_level_resource",
            message: "This is an App-Level resource: it uses the app's credentials, so users do not connect to it.",
          },
          {
            code: "profile_value_taken",
            message:
              "Another user's connection to this resource already has account_id = \"acct_42\" in its User Profile, and the resource's webhooks match users on it (Profile field is unique). Nothing was stored.",
          },
        ],
      ),
      "413": errorResponse(`The body is over ${maxBodyKb} KB.`, [
        { code: "payload_too_large", message: `The body is over ${maxBodyKb} KB.` },
      ]),
      "415": errorResponse("The body is not sent as Content-Type: application/json.", [
        { code: "unsupported_media_type", message: "Send the body as JSON, with Content-Type: application/json." },
      ]),
      "422": errorResponse(
        "The resource's API refused the credentials while Switchboard fetched the User Profile (for example it answered 401 or 403, or refused the token request), or the access token a JWT field is read from was not vouched for (profile_unverified) or its claim cannot be kept (invalid_profile). Nothing was stored.",
        [
          { code: "credentials_rejected", message: "The API refused these credentials: the profile request answered 401." },
          {
            code: "profile_unverified",
            message:
              "The User Profile's JWT field was not kept: the access token's signature does not verify against the resource's JWKS URL.",
          },
          { code: "invalid_profile", message: "The access token's claim account_id is not a string, number or boolean." },
        ],
      ),
      "429": rateLimited,
      "500": internalError,
      "502": errorResponse(
        "The User Profile could not be fetched: the resource's API failed, timed out or did not answer JSON, or its JWKS URL could not be read. Nothing was stored.",
        [{ code: "profile_request_failed", message: "The User Profile could not be fetched: the profile request answered 503." }],
      ),
    },
    security,
  };

  const disconnect: OperationObject = {
    operationId: "disconnectUser",
    summary: "Disconnect a user from a resource",
    description: "Deletes the user's connection to the resource, with its stored credentials.",
    tags: ["Connections"],
    parameters: [projectIdParameter, resourceIdParameter],
    responses: {
      "200": jsonResponse("Disconnected: the connection and its credentials are deleted.", disconnectedSchema),
      "401": unauthorized,
      "403": originNotAllowed,
      "404": errorResponse(
        "No project has this ID, the project has no published resource with this ID, or the user has no connection to it.",
        [projectNotFound, resourceNotFound, { code: "connection_not_found", message: "This user has no connection to this resource." }],
      ),
      "409": appLevelResource,
      "429": rateLimited,
      "500": internalError,
    },
    security,
  };

  const me: OperationObject = {
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
      "401": unauthorized,
      "403": originNotAllowed,
      "404": errorResponse("No project has this ID.", [projectNotFound]),
      "429": rateLimited,
      "500": internalError,
    },
    security,
  };

  const request: OperationObject = {
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
      "400": errorResponse("The body is not a valid request, a full URL names another origin, or a Secret Key call names no user.", [
        { code: "invalid_request", message: "The request body is not a valid request.", fields: { method: "Invalid option." } },
        { code: "invalid_json", message: "The body is not valid JSON." },
        { code: "invalid_body", message: "The body must be a JSON object of the resource's required keys." },
        missingUser,
        { code: "resource_not_ready", message: ERROR_CATALOGUE.resource_not_ready.message },
        invalidUser,
      ]),
      "401": serverUnauthorized,
      "403": errorResponse(
        "A browser called from an origin that is not an Allowed Origin, or a User Token asked to use an App-Level resource: the app's credentials are for your backend (a Secret Key) only.",
        [originNotAllowedExample, { code: "secret_key_required", message: ERROR_CATALOGUE.secret_key_required.message }],
      ),
      "404": errorResponse("No project or published resource has this ID, or the user has not connected to the resource.", [
        projectNotFound,
        resourceNotFound,
        { code: "connection_not_found", message: "This user has not connected to this resource." },
      ]),
      "413": errorResponse(`The body is over ${maxBodyKb} KB.`, [
        { code: "payload_too_large", message: `The body is over ${maxBodyKb} KB.` },
      ]),
      "415": errorResponse("The body is not sent as Content-Type: application/json.", [
        { code: "unsupported_media_type", message: "Send the body as JSON, with Content-Type: application/json." },
      ]),
      "424": errorResponse(
        "The connection is INVALID (its refresh token was refused): the user must connect again. The token endpoint is not called.",
        [
          {
            code: "reconnect_needed",
            message: "This connection is no longer valid (the token endpoint answered invalid_grant): the user must connect again.",
          },
        ],
      ),
      "429": rateLimited,
      "500": internalError,
      "502": errorResponse("Your API or its token endpoint could not be reached or failed; the credentials are kept as they were.", [
        { code: "upstream_unreachable", message: "Could not connect to api.example.com:443." },
        {
          code: "token_refresh_failed",
          message: "The access token could not be refreshed: The token endpoint answered 503. The connection is kept as it was.",
        },
      ]),
      "503": errorResponse("Another request is refreshing this connection's token; try again shortly.", [
        { code: "refresh_in_progress", message: "The access token is being refreshed; try again shortly." },
      ]),
    },
    security: serverSecurity,
  };

  const payloadTooLarge = errorResponse(`The body is over ${maxBodyKb} KB.`, [
    { code: "payload_too_large", message: `The body is over ${maxBodyKb} KB.` },
  ]);
  const unsupportedMediaType = errorResponse("The body is not sent as Content-Type: application/json.", [
    { code: "unsupported_media_type", message: "Send the body as JSON, with Content-Type: application/json." },
  ]);
  const workflowUser = switchboardUserParameter(
    "With a Secret Key: the Connected User to act for. A User Token always acts for its own user (its sub), and this header is ignored.",
  );

  const workflowStartForbidden = (what: string) =>
    errorResponse(`A browser called from an origin that is not one of the project's Allowed Origins, or a User Token ${what}.`, [
      originNotAllowedExample,
      { code: "secret_key_required", message: SECRET_KEY_REQUIRED_TO_START },
    ]);

  const sendEvent: OperationObject = {
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
      content: { "application/json": { schema: ref(appEventSchema), ...exampleOf(schemas, appEventSchema) } },
    },
    responses: {
      "202": jsonResponse("Accepted: the runs started, one per workflow enabled for the user.", appEventAcceptedSchema),
      "400": errorResponse(
        "The body is not valid JSON, not a JSON object, or not a valid event (fields names each bad or unknown field); or a Secret Key call names no user for a workflow on User-Level resources.",
        [
          {
            code: "invalid_event",
            message: ERROR_CATALOGUE.invalid_event.message,
            fields: { name: "Use letters, digits and . _ : - (e.g. task.sync)." },
          },
          { code: "invalid_json", message: "The body is not valid JSON." },
          { code: "invalid_body", message: 'The body must be a JSON object: { "name", "payload" }.' },
          missingUser,
          invalidUser,
        ],
      ),
      "401": serverUnauthorized,
      "403": workflowStartForbidden("sent an event whose every workflow uses an App-Level resource"),
      "404": errorResponse("No project has this ID.", [projectNotFound]),
      "413": payloadTooLarge,
      "415": unsupportedMediaType,
      "429": rateLimited,
      "500": internalError,
    },
    security: serverSecurity,
  };

  const waitSeconds = REQUEST_RUN_WAIT_MS / 1000;
  const startRun: OperationObject = {
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
      content: { "application/json": { schema: ref(workflowRunBodySchema), ...exampleOf(schemas, workflowRunBodySchema) } },
    },
    responses: {
      "200": jsonResponse(
        `With ?wait=true, the run finished within ${waitSeconds} s: its status and its last step's output.`,
        workflowRunResultSchema,
      ),
      "202": jsonResponse("Started: the run's ID (with ?wait=true, the run had not finished in time).", workflowRunStartedSchema),
      "400": errorResponse(
        "The body is not valid JSON or not a JSON object, wait is neither true nor false, or a Secret Key call names no user for a workflow on User-Level resources.",
        [
          { code: "invalid_json", message: "The body is not valid JSON." },
          { code: "invalid_body", message: "The body must be a JSON object: it becomes the run's trigger.body." },
          { code: "invalid_input", message: ERROR_CATALOGUE.invalid_input.message, fields: { wait: "Use wait=true, or leave it out." } },
          missingUser,
          invalidUser,
        ],
      ),
      "401": serverUnauthorized,
      "403": workflowStartForbidden("started a workflow that uses an App-Level resource"),
      "404": errorResponse("No project has this ID, or the project has no workflow with this ID.", [projectNotFound, workflowNotFound]),
      "409": errorResponse("The workflow has no deployed version, its trigger is not a Request trigger, or the user has disabled it.", [
        { code: "workflow_not_deployed", message: ERROR_CATALOGUE.workflow_not_deployed.message },
        { code: "wrong_trigger", message: ERROR_CATALOGUE.wrong_trigger.message },
        { code: "workflow_disabled", message: ERROR_CATALOGUE.workflow_disabled.message },
      ]),
      "413": payloadTooLarge,
      "415": unsupportedMediaType,
      "429": errorResponse(
        `${rateLimitedCalls} Or, with ?wait=true, the user already holds ${MAX_WAITS_PER_USER} waits. Wait for the number of seconds in Retry-After.`,
        [rateLimitedExample, { code: "too_many_waits", message: TOO_MANY_WAITS_MESSAGE }],
        retryAfter,
      ),
      "500": internalError,
    },
    security: serverSecurity,
  };

  const enablement = (enabled: boolean): OperationObject => ({
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
      "401": serverUnauthorized,
      "403": originNotAllowed,
      "404": errorResponse("No project has this ID, or the project has no workflow with this ID.", [projectNotFound, workflowNotFound]),
      "429": rateLimited,
      "500": internalError,
    },
    security: serverSecurity,
  });

  // The configuration API: a Secret Key only, the documents of lib/as-code.
  const configSecurity: Record<string, string[]>[] = [{ [SECRET_KEY_SCHEME]: [] }];
  const maxConfigKb = MAX_CONFIG_BODY_BYTES / 1024;
  const configUnauthorized = errorResponse("The Secret Key is missing, unknown or revoked.", [
    { code: "missing_secret_key", message: ERROR_CATALOGUE.missing_secret_key.message },
    { code: "invalid_secret_key", message: "The Secret Key is unknown or revoked." },
  ]);
  const configForbidden = errorResponse(
    "A User Token was sent (this API takes a Secret Key only), or a browser called from an origin that is not an Allowed Origin.",
    [
      {
        code: "secret_key_required",
        message: "This API takes a Secret Key (Settings → Secret Keys): a User Token cannot read or change a project's configuration.",
      },
      originNotAllowedExample,
    ],
  );
  const configResourceNotFound: ErrorExample = { code: "resource_not_found", message: "No resource with this ID in this project." };
  const configTooLarge = errorResponse(`The body is over ${maxConfigKb} KB.`, [
    { code: "payload_too_large", message: `The body is over ${maxConfigKb} KB.` },
  ]);
  const invalidDocument = (kind: "resource" | "workflow", examples: ErrorExample[]) =>
    errorResponse(
      `The body is not valid JSON, not a JSON object, or not a valid ${kind} document: fields names each bad, unknown or prototype key (__proto__, constructor) by its path. Nothing is changed.`,
      [
        { code: "invalid_json", message: "The body is not valid JSON." },
        { code: "invalid_body", message: `The body must be a ${kind} document: a JSON object.` },
        ...examples,
      ],
    );
  const invalidResource = invalidDocument("resource", [
    {
      code: "invalid_input",
      message: ERROR_CATALOGUE.invalid_input.message,
      fields: {
        "config.request.baseUrl": 'Unknown variable "inputs.tenant".',
        "config.oauth.clientSecret":
          'An import never sets a secret: leave { "$secret": "client_secret" } here and enter the value in the dashboard.',
      },
    },
  ]);
  const invalidWorkflow = invalidDocument("workflow", [
    {
      code: "invalid_input",
      message: 'This project has no resource named "TaskLab": import or create them first.',
      fields: { "steps.0.resource": 'This project has no resource named "TaskLab".' },
    },
  ]);
  const nameTaken = errorResponse("The project already has a resource with this name (case-insensitive) or one with the same identifier.", [
    {
      code: "name_taken",
      message:
        'A resource named "TaskLab" already exists in this project: rename it in the document, or replace that resource\'s configuration.',
    },
  ]);
  const configResourceIdParameter = { ...resourceIdParameter, description: "The ID of a resource of the project (draft or published)." };
  const configDescription = [
    'Secrets are never in a document: each appears as a placeholder naming it, { "$secret": "client_secret" }, and a write never sets one (an imported resource shows them as still to be entered).',
    "Authenticate with a Secret Key (Settings → Secret Keys) from your backend or CI; a User Token is refused.",
  ];
  const resourceDocumentBody = (description: string): RequestBodyObject => ({
    description: `${description} (${maxConfigKb} KB at most). Unknown fields are refused.`,
    required: true,
    content: { "application/json": { schema: ref(resourceConfigDocumentSchema), ...exampleOf(schemas, resourceConfigDocumentSchema) } },
  });
  const workflowDocumentBody = (description: string): RequestBodyObject => ({
    description: `${description} (${maxConfigKb} KB at most). Unknown fields are refused.`,
    required: true,
    content: { "application/json": { schema: ref(workflowConfigDocumentSchema), ...exampleOf(schemas, workflowConfigDocumentSchema) } },
  });
  const configErrors = { "401": configUnauthorized, "403": configForbidden, "429": rateLimited, "500": internalError };

  const exportResourceConfig: OperationObject = {
    operationId: "getResourceConfig",
    summary: "Export a resource's configuration",
    description: [
      "The resource's draft configuration and webhook settings as a document, to keep in version control or import into another project.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, configResourceIdParameter],
    responses: {
      "200": jsonResponse("The resource's document.", resourceConfigDocumentSchema),
      ...configErrors,
      "404": errorResponse("No project has this ID, or the project has no resource with this ID.", [
        projectNotFound,
        configResourceNotFound,
      ]),
    },
    security: configSecurity,
  };
  const replaceResourceConfig: OperationObject = {
    operationId: "replaceResourceConfig",
    summary: "Replace a resource's configuration",
    description: [
      "Replaces the resource's draft configuration and webhook settings with the document's, validated as the wizard validates each step. The published configuration stays in force until Finish publishes the draft.",
      "A saved secret the new configuration would send elsewhere (a new Access Token URL or API Base URL origin, another level or signature) is dropped, to be entered again.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, configResourceIdParameter],
    requestBody: resourceDocumentBody("The resource's new document"),
    responses: {
      "200": jsonResponse("Replaced: the resource's document now.", resourceConfigDocumentSchema),
      "400": invalidResource,
      ...configErrors,
      "404": errorResponse("No project has this ID, or the project has no resource with this ID.", [
        projectNotFound,
        configResourceNotFound,
      ]),
      "409": nameTaken,
      "413": configTooLarge,
      "415": unsupportedMediaType,
    },
    security: configSecurity,
  };
  const importResourceConfig: OperationObject = {
    operationId: "importResourceConfig",
    summary: "Import a resource",
    description: [
      "Creates a draft resource from a document, validated as the wizard validates each step. Never publishes.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter],
    requestBody: resourceDocumentBody("A resource document, as exported"),
    responses: {
      "201": jsonResponse("Imported: the new draft resource's ID.", configImportedSchema),
      "400": invalidResource,
      ...configErrors,
      "404": errorResponse("No project has this ID.", [projectNotFound]),
      "409": nameTaken,
      "413": configTooLarge,
      "415": unsupportedMediaType,
    },
    security: configSecurity,
  };
  const workflowBinding =
    "Resources are named by name (resource): on import, each is bound to the project's resource of that name (case-insensitive); missing ones are listed.";
  const exportWorkflowConfig: OperationObject = {
    operationId: "getWorkflowConfig",
    summary: "Export a workflow's configuration",
    description: [
      "The workflow's draft (name, Sample trigger input, trigger, steps) as a document.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, workflowIdParameter],
    responses: {
      "200": jsonResponse("The workflow's document.", workflowConfigDocumentSchema),
      ...configErrors,
      "404": errorResponse("No project has this ID, or the project has no workflow with this ID.", [projectNotFound, workflowNotFound]),
    },
    security: configSecurity,
  };
  const replaceWorkflowConfig: OperationObject = {
    operationId: "replaceWorkflowConfig",
    summary: "Replace a workflow's configuration",
    description: [
      "Replaces the workflow's draft with the document's, validated as the editor validates a save. The deployed version stays in force until Deploy.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, workflowIdParameter],
    requestBody: workflowDocumentBody("The workflow's new document"),
    responses: {
      "200": jsonResponse("Replaced: the workflow's document now.", workflowConfigDocumentSchema),
      "400": invalidWorkflow,
      ...configErrors,
      "404": errorResponse("No project has this ID, or the project has no workflow with this ID.", [projectNotFound, workflowNotFound]),
      "413": configTooLarge,
      "415": unsupportedMediaType,
    },
    security: configSecurity,
  };
  const importWorkflowConfig: OperationObject = {
    operationId: "importWorkflowConfig",
    summary: "Import a workflow",
    description: [
      "Creates a draft workflow from a document, validated as the editor validates a save. Never deploys.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter],
    requestBody: workflowDocumentBody("A workflow document, as exported"),
    responses: {
      "201": jsonResponse("Imported: the new draft workflow's ID.", configImportedSchema),
      "400": invalidWorkflow,
      ...configErrors,
      "404": errorResponse("No project has this ID.", [projectNotFound]),
      "413": configTooLarge,
      "415": unsupportedMediaType,
    },
    security: configSecurity,
  };

  return checkedAgainstCatalogue({
    openapi: "3.1.0",
    info: { title: "Switchboard Connect API", version: "1.0.0", description: apiDescription },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl, description: "This Switchboard" }] } : {}),
    tags: [
      { name: "Connections", description: "A user's credentials for one resource." },
      { name: "Users", description: "The user a User Token names." },
      { name: "Requests", description: "Calls to your API through a resource." },
      { name: "Workflows", description: "App Events, Request runs and each user's enablement of the project's deployed workflows." },
      {
        name: "Configuration",
        description: "Resources and workflows as code: export, replace and import their configuration, with a Secret Key.",
      },
    ],
    security,
    paths: {
      "/projects/{projectId}/sdk/resources/{resourceId}/connect": { post: connect, delete: disconnect },
      "/projects/{projectId}/sdk/me": { get: me },
      "/projects/{projectId}/sdk/resources/{resourceId}/request": { post: request },
      "/projects/{projectId}/sdk/events": { post: sendEvent },
      "/projects/{projectId}/sdk/workflows/{workflowId}/runs": { post: startRun },
      "/projects/{projectId}/sdk/workflows/{workflowId}/enable": { post: enablement(true) },
      "/projects/{projectId}/sdk/workflows/{workflowId}/disable": { post: enablement(false) },
      "/projects/{projectId}/api/resources/{resourceId}/config": { get: exportResourceConfig, put: replaceResourceConfig },
      "/projects/{projectId}/api/resources/config": { post: importResourceConfig },
      "/projects/{projectId}/api/workflows/{workflowId}/config": { get: exportWorkflowConfig, put: replaceWorkflowConfig },
      "/projects/{projectId}/api/workflows/config": { post: importWorkflowConfig },
    },
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEME]: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: userTokenDescription },
        [SECRET_KEY_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "sk_…",
          description:
            "A project Secret Key (sk_…), for calls from your backend to the request, event, workflow-run and enablement operations (not connect or /sdk/me), where it names the user in X-Switchboard-User, and to the configuration operations, which take nothing else; stored by Switchboard as a hash.",
        },
      },
    },
  });
}

/** Every error code is documented under the status the catalogue gives it, or the document is not built. */
function checkedAgainstCatalogue(document: OpenApiDocument): OpenApiDocument {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const code of Object.keys(response.content?.["application/json"]?.examples ?? {})) {
          const entry = ERROR_CATALOGUE[code as ErrorCode];
          if (!entry || String(entry.status) !== status) {
            throw new Error(
              `${operation.operationId}: ${code} is documented under ${status}, the catalogue says ${entry?.status ?? "nothing"}.`,
            );
          }
        }
      }
    }
  }
  return document;
}
