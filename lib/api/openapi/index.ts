import { ERROR_CATALOGUE, type ErrorCode } from "@/lib/errors";
import {
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS,
  MAX_USER_ID_LENGTH,
  MAX_USER_TOKEN_LENGTH,
} from "@/lib/auth/user-token";
import { MAX_REQUEST_ID_LENGTH } from "@/lib/api/request-context";
import { getResourceConfig } from "./config/resources/get";
import { importResourceConfig } from "./config/resources/import";
import { replaceResourceConfig } from "./config/resources/replace";
import { getWorkflowConfig } from "./config/workflows/get";
import { importWorkflowConfig } from "./config/workflows/import";
import { replaceWorkflowConfig } from "./config/workflows/replace";
import { createConnectSession } from "./connect-sessions/create";
import { connectUser } from "./connections/connect";
import { disconnectUser } from "./connections/disconnect";
import { sendEvent } from "./events/send";
import { sendRequest } from "./requests/send";
import { callTool } from "./tools/call";
import { listTools } from "./tools/list";
import {
  componentJsonSchemas,
  RATE_LIMIT_PER_MINUTE,
  SECRET_KEY_RATE_LIMIT_PER_MINUTE,
  SECRET_KEY_SCHEME,
  SECURITY_SCHEME,
  userTokenSecurity,
} from "./shared";
import type { ApiOperation, OpenApiDocument, PathItemObject } from "./types";
import { getUser } from "./users/me";
import { disableWorkflow } from "./workflows/disable";
import { enableWorkflow } from "./workflows/enable";
import { startWorkflowRun } from "./workflows/run";

// The Connect API as an OpenAPI 3.1 document, built from the zod schemas the route handlers answer with:
// one module per operation (lib/api/openapi/<resource>/<operation>.ts), assembled here.
// Served as /api/openapi.json and rendered by the dashboard's API Reference page.

export * from "./types";

/** Every operation, in the document's order: adding one is its module and a line here. */
const OPERATIONS: readonly ApiOperation[] = [
  connectUser,
  disconnectUser,
  createConnectSession,
  getUser,
  sendRequest,
  sendEvent,
  startWorkflowRun,
  enableWorkflow,
  disableWorkflow,
  listTools,
  callTool,
  getResourceConfig,
  replaceResourceConfig,
  importResourceConfig,
  getWorkflowConfig,
  replaceWorkflowConfig,
  importWorkflowConfig,
];

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
  `Clocks may differ by up to ${CLOCK_TOLERANCE_SECONDS} seconds. Tokens over ${MAX_USER_TOKEN_LENGTH} characters are refused.`,
].join("\n");

const apiDescription = [
  "Connect your users' credentials to a project's published resources, send requests through them, and start the project's workflows, from your backend or from the browser.",
  "",
  "Every call sends a User Token as Authorization: Bearer <token>; the request, event, workflow-run and enablement operations also take a Secret Key from your backend, and the configuration operations (resources and workflows as code) take a Secret Key only. Bodies are JSON.",
  'Every error answers as { "error": { "code", "message", "fields"?, "requestId" } }; code is a stable name to branch on.',
  `Every answer names its request in an X-Request-Id header (also error.requestId): the X-Request-Id you send, if it is at most ${MAX_REQUEST_ID_LENGTH} characters of A-Z, a-z, 0-9, '.', '_' and '-', else a new one.`,
  "",
  "Browsers may call the API only from the project's Allowed Origins (Settings → Signing Keys); other origins get 403.",
  `Each user may make ${RATE_LIMIT_PER_MINUTE} calls a minute per project with a User Token; calls with the project's Secret Keys share the project's limit (Settings → Rate Limits, ${SECRET_KEY_RATE_LIMIT_PER_MINUTE} a minute unless changed).`,
].join("\n");

/** The Connect API's OpenAPI 3.1 document; `serverUrl` (the app's origin) becomes its one server. */
export function connectApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const paths: Record<string, PathItemObject> = {};
  for (const { path, method, operation } of OPERATIONS) {
    const item = (paths[path] ??= {});
    if (item[method]) throw new Error(`${method.toUpperCase()} ${path} is documented twice.`);
    item[method] = operation;
  }
  return checkedAgainstCatalogue({
    openapi: "3.1.0",
    info: { title: "Switchboard Connect API", version: "1.0.0", description: apiDescription },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl, description: "This Switchboard" }] } : {}),
    tags: [
      { name: "Connections", description: "A user's credentials for one resource." },
      { name: "Users", description: "The user a User Token names." },
      { name: "Requests", description: "Calls to your API through a resource." },
      { name: "Workflows", description: "App Events, Request runs and each user's enablement of the project's deployed workflows." },
      { name: "Tools", description: "The user's tools for AI agents: operations of your API, called through the user's connection." },
      {
        name: "Configuration",
        description: "Resources and workflows as code: export, replace and import their configuration, with a Secret Key.",
      },
    ],
    security: userTokenSecurity,
    paths,
    components: {
      schemas: componentJsonSchemas(),
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
