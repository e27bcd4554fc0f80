import {
  configNotAnObjectMessage,
  MAX_CONFIG_BODY_BYTES,
  resourceConfigDocumentSchema,
  workflowConfigDocumentSchema,
} from "@/lib/as-code/api-schema";
import type { ConfigKind } from "@/lib/as-code/document";
import { SECRET_KEY_ONLY_MESSAGE } from "@/lib/api/sdk-route";
import {
  type ErrorExample,
  errorExample,
  errorResponse,
  exampleOf,
  internalError,
  invalidJson,
  invalidSecretKeyExample,
  jsonBodyErrors,
  originNotAllowedExample,
  rateLimited,
  ref,
  resourceIdParameter,
} from "../shared";
import type { RequestBodyObject } from "../types";

// What the configuration operations (resources and workflows as code: a Secret Key only, the documents of lib/as-code) share.

const maxConfigKb = MAX_CONFIG_BODY_BYTES / 1024;

const configUnauthorized = errorResponse("The Secret Key is missing, unknown or revoked.", [
  errorExample("missing_secret_key"),
  invalidSecretKeyExample,
]);

const configForbidden = errorResponse(
  "A User Token was sent (this API takes a Secret Key only), or a browser called from an origin that is not an Allowed Origin.",
  [errorExample("secret_key_required", { message: SECRET_KEY_ONLY_MESSAGE }), originNotAllowedExample],
);

/** The errors every configuration operation may answer. */
export const configErrors = { "401": configUnauthorized, "403": configForbidden, "429": rateLimited, "500": internalError };

/** The errors of every configuration operation that takes a document. */
export const configBodyErrors = jsonBodyErrors(MAX_CONFIG_BODY_BYTES);

/** 400: a body that is not a document of the kind; `examples` are what the kind's validation says. */
export const invalidDocument = (kind: ConfigKind, examples: ErrorExample[]) =>
  errorResponse(
    `The body is not valid JSON, not a JSON object, or not a valid ${kind} document: fields names each bad, unknown or prototype key (__proto__, constructor) by its path. Nothing is changed.`,
    [invalidJson, errorExample("invalid_body", { message: configNotAnObjectMessage(kind) }), ...examples],
  );

export const configResourceIdParameter = {
  ...resourceIdParameter,
  description: "The ID of a resource of the project (draft or published).",
};

export const configDescription = [
  'Secrets are never in a document: each appears as a placeholder naming it, { "$secret": "client_secret" }, and a write never sets one (an imported resource shows them as still to be entered).',
  "Authenticate with a Secret Key (Settings → Secret Keys) from your backend or CI; a User Token is refused.",
];

export const resourceDocumentBody = (description: string): RequestBodyObject => ({
  description: `${description} (${maxConfigKb} KB at most). Unknown fields are refused.`,
  required: true,
  content: { "application/json": { schema: ref(resourceConfigDocumentSchema), ...exampleOf(resourceConfigDocumentSchema) } },
});

export const workflowDocumentBody = (description: string): RequestBodyObject => ({
  description: `${description} (${maxConfigKb} KB at most). Unknown fields are refused.`,
  required: true,
  content: { "application/json": { schema: ref(workflowConfigDocumentSchema), ...exampleOf(workflowConfigDocumentSchema) } },
});
