import { z } from "zod";
import { DEFAULT_SECRET_KEY_RATE_LIMIT } from "@/db/schema";
import { ERROR_CATALOGUE, type ErrorCode, invalidInputError } from "@/lib/errors";
import { MAX_USER_ID_LENGTH, USER_TOKEN_EXPIRED_MESSAGE, userIdProblem } from "@/lib/auth/user-token";
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
import { connectSessionBodySchema, connectSessionSchema } from "@/lib/connect-portal/api-schema";
import { bodyTooLargeMessage, MAX_JSON_BODY_BYTES } from "@/lib/api/request-body";
import { invalidSwitchboardUserMessage, originNotAllowedMessage, rateLimitedMessage, SDK_RATE_LIMIT } from "@/lib/api/sdk-route";
import { configImportedSchema, resourceConfigDocumentSchema, workflowConfigDocumentSchema } from "@/lib/as-code/api-schema";
import {
  appEventAcceptedSchema,
  appEventSchema,
  workflowEnablementSchema,
  workflowRunBodySchema,
  workflowRunResultSchema,
  workflowRunStartedSchema,
} from "@/lib/workflows/api-schema";
import { toolArgumentsSchema, toolCallAnswerSchema, toolListSchema, toolSchema } from "@/lib/tools/api-schema";
import type { HeaderObject, JsonSchema, ParameterObject, ResponseObject } from "./types";

// What the Connect API's operations share: their component schemas, parameters, security and the
// responses many of them answer. An error example's message is the catalogue's, or what the throw
// site says (its own constant or function, with example values); limits are the constants that enforce them.

export const SECURITY_SCHEME = "UserToken";
export const SECRET_KEY_SCHEME = "SecretKey";

/** A User Token only: the operations a browser calls for its user. */
export const userTokenSecurity: Record<string, string[]>[] = [{ [SECURITY_SCHEME]: [] }];
/** The operations the team's backend may also call, with a Secret Key. */
export const serverSecurity: Record<string, string[]>[] = [{ [SECURITY_SCHEME]: [] }, { [SECRET_KEY_SCHEME]: [] }];
/** The configuration API: a Secret Key only. */
export const configSecurity: Record<string, string[]>[] = [{ [SECRET_KEY_SCHEME]: [] }];

/** Connect API calls one Connected User may make by User Token per project and minute (lib/api/sdk-route.ts enforces it). */
export const RATE_LIMIT_PER_MINUTE = SDK_RATE_LIMIT.requests;
/** The Secret Key limit a project starts with (Settings → Rate Limits changes it). */
export const SECRET_KEY_RATE_LIMIT_PER_MINUTE = DEFAULT_SECRET_KEY_RATE_LIMIT;

/** The largest JSON body an operation takes, in KB, unless it says otherwise. */
export const maxBodyKb = MAX_JSON_BODY_BYTES / 1024;

const componentSchemas = [
  apiErrorSchema,
  connectBodySchema,
  connectionSchema,
  disconnectedSchema,
  connectSessionBodySchema,
  connectSessionSchema,
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
  toolSchema,
  toolListSchema,
  toolArgumentsSchema,
  toolCallAnswerSchema,
] as const;
type ComponentSchema = (typeof componentSchemas)[number];

function schemaId(schema: ComponentSchema): string {
  const id = schema.meta()?.id;
  if (typeof id !== "string" || !id) throw new Error("Every Connect API schema needs a .meta({ id }).");
  return id;
}

export function ref(schema: ComponentSchema): JsonSchema {
  return { $ref: `#/components/schemas/${schemaId(schema)}` };
}

/** The components' JSON Schemas, named by their `.meta({ id })`. */
export function componentJsonSchemas(): Record<string, JsonSchema> {
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

/** A request body's example: its schema's `.meta({ example })`, if any (the API Reference's curl sends it). */
export function exampleOf(schema: ComponentSchema): { example?: unknown } {
  const example: unknown = schema.meta()?.example;
  return example === undefined ? {} : { example };
}

export function jsonResponse(description: string, schema: ComponentSchema): ResponseObject {
  return { description, content: { "application/json": { schema: ref(schema) } } };
}

const uuidParameter = (name: string, description: string): ParameterObject => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", format: "uuid" },
});

export const projectIdParameter = uuidParameter("projectId", "The Project ID (Settings → Project ID).");
export const resourceIdParameter = uuidParameter("resourceId", "The ID of a published User-Level resource of the project.");
export const workflowIdParameter = uuidParameter("workflowId", "The ID of a workflow of the project (its editor's address shows it).");

export const switchboardUserParameter = (description: string): ParameterObject => ({
  name: "X-Switchboard-User",
  in: "header",
  required: false,
  description,
  schema: { type: "string", minLength: 1, maxLength: MAX_USER_ID_LENGTH },
});

export interface ErrorExample {
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
}

/**
 * An error example: the catalogue's message for `code`, unless the throw site says something more
 * precise — then `message` is that throw site's own constant or function, called with example values.
 */
export function errorExample(code: ErrorCode, options: { message?: string; fields?: Record<string, string> } = {}): ErrorExample {
  return { code, message: options.message ?? ERROR_CATALOGUE[code].message, ...(options.fields ? { fields: options.fields } : {}) };
}

/** What a route answers when `input` fails `schema` (its body or query): the example is the route's own invalidInputError. */
export function invalidInputExample(code: ErrorCode, schema: z.ZodType, input: unknown): ErrorExample {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error(`The ${code} example's input is valid.`);
  const { message, fields } = invalidInputError(parsed.error, code);
  return errorExample(code, { message, ...(fields ? { fields } : {}) });
}

export function errorResponse(description: string, examples: ErrorExample[], headers?: Record<string, HeaderObject>): ResponseObject {
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

export const missingUserTokenExample = errorExample("missing_user_token");
export const invalidUserTokenExample = errorExample("invalid_user_token", { message: USER_TOKEN_EXPIRED_MESSAGE });
export const invalidSecretKeyExample = errorExample("invalid_secret_key");

export const unauthorized = errorResponse(
  "The User Token is missing, or it does not verify: wrong signature or algorithm, expired, issued in the future, living longer than the lifetime limit, an aud that is not this project, or a sub that is not a valid user ID.",
  [missingUserTokenExample, invalidUserTokenExample],
);

export const serverUnauthorized = errorResponse("The User Token or the Secret Key is missing or does not verify.", [
  missingUserTokenExample,
  invalidUserTokenExample,
  invalidSecretKeyExample,
]);

export const originNotAllowedExample = errorExample("origin_not_allowed", {
  message: originNotAllowedMessage("https://app.example.com"),
});
export const originNotAllowed = errorResponse("A browser called from an origin that is not one of the project's Allowed Origins.", [
  originNotAllowedExample,
]);

export const rateLimitedExample = errorExample("rate_limited", { message: rateLimitedMessage("user_token", RATE_LIMIT_PER_MINUTE) });
export const retryAfter: Record<string, HeaderObject> = {
  "Retry-After": { description: "Seconds until the window resets.", schema: { type: "integer", minimum: 1 } },
};
export const rateLimitedCalls = `Too many calls: at most ${RATE_LIMIT_PER_MINUTE} a minute per user with a User Token, or the project's Secret Key limit (Settings → Rate Limits; ${SECRET_KEY_RATE_LIMIT_PER_MINUTE} a minute unless changed) for all Secret Key calls together.`;
export const rateLimited = errorResponse(
  `${rateLimitedCalls} Wait for the number of seconds in Retry-After.`,
  [rateLimitedExample],
  retryAfter,
);

export const internalError = errorResponse("Something failed on Switchboard's side; the details are logged, not returned.", [
  errorExample("internal_error"),
]);

export const projectNotFound = errorExample("project_not_found");
export const workflowNotFound = errorExample("workflow_not_found");
export const resourceNotFound = errorExample("resource_not_found");
export const missingUser = errorExample("missing_user");
/** What a Secret Key call naming a user ID one character too long hears. */
export const invalidUser = errorExample("invalid_user", {
  message: invalidSwitchboardUserMessage(userIdProblem("x".repeat(MAX_USER_ID_LENGTH + 1))!),
});
export const invalidJson = errorExample("invalid_json");

export const appLevelResource = errorResponse(
  "The resource is App-Level: it uses the app's own credentials, so users do not connect to it.",
  [errorExample("app_level_resource")],
);

/** 413 over `maxBytes` (the operations' default unless given). */
export const payloadTooLarge = (maxBytes: number = MAX_JSON_BODY_BYTES) =>
  errorResponse(`The body is over ${maxBytes / 1024} KB.`, [errorExample("payload_too_large", { message: bodyTooLargeMessage(maxBytes) })]);

export const unsupportedMediaType = errorResponse("The body is not sent as Content-Type: application/json.", [
  errorExample("unsupported_media_type"),
]);

type ResponseSet<Status extends string> = Record<Status, ResponseObject>;

/** The errors of every operation a User Token alone calls; an operation that answers more under one of these statuses overrides it after the spread. */
export const userTokenErrors: ResponseSet<"401" | "403" | "429" | "500"> = {
  "401": unauthorized,
  "403": originNotAllowed,
  "429": rateLimited,
  "500": internalError,
};

/** The errors of every operation that also takes a Secret Key; an operation that answers more under one of these statuses overrides it after the spread. */
export const serverErrors: ResponseSet<"401" | "403" | "429" | "500"> = {
  "401": serverUnauthorized,
  "403": originNotAllowed,
  "429": rateLimited,
  "500": internalError,
};

/** The errors of every operation that takes a JSON body of at most `maxBytes` (the operations' default unless given). */
export const jsonBodyErrors = (maxBytes: number = MAX_JSON_BODY_BYTES): ResponseSet<"413" | "415"> => ({
  "413": payloadTooLarge(maxBytes),
  "415": unsupportedMediaType,
});

/** 404 of an operation on the project alone. */
export const projectNotFoundResponse = errorResponse("No project has this ID.", [projectNotFound]);

/** 404 of an operation on one of the project's workflows. */
export const workflowOrProjectNotFound = errorResponse("No project has this ID, or the project has no workflow with this ID.", [
  projectNotFound,
  workflowNotFound,
]);
