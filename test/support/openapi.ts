import { HTTP_METHODS, type JsonSchema, type OpenApiDocument, type OperationObject } from "@/lib/api/openapi/types";

// What the OpenAPI document's tests share: walking its operations, resolving its references and a
// small JSON Schema check.

export const PROJECT_ID = "0f8e4c1a-5b7d-4e2f-9a3c-6d1b2e4f7a90";

/** The files that throw the Connect API's errors: route handlers and the lib code they call. */
export const API_ERROR_SOURCES = [
  "lib/api/sdk-route.ts",
  "lib/connections/connect.ts",
  "lib/api/request-body.ts",
  "lib/connections/connect-body.ts",
  "app/projects/[projectId]/sdk/resources/[resourceId]/connect/route.ts",
  "app/projects/[projectId]/sdk/connect-sessions/route.ts",
  "lib/connect-portal/sessions.ts",
  "app/projects/[projectId]/sdk/resources/[resourceId]/request/route.ts",
  "lib/connections/request.ts",
  "lib/connections/refresh.ts",
  "lib/connections/session.ts",
  "lib/connections/grant.ts",
  "app/projects/[projectId]/sdk/events/route.ts",
  "app/projects/[projectId]/sdk/workflows/[workflowId]/runs/route.ts",
  "app/projects/[projectId]/sdk/workflows/[workflowId]/enable/route.ts",
  "app/projects/[projectId]/sdk/workflows/[workflowId]/disable/route.ts",
  "app/projects/[projectId]/sdk/tools/route.ts",
  "app/projects/[projectId]/sdk/tools/[toolName]/route.ts",
  "lib/tools/api.ts",
  "lib/tools/registry.ts",
  "lib/workflows/enablement.ts",
  "lib/workflows/triggers.ts",
  "lib/workflows/runs.ts",
  "app/projects/[projectId]/api/resources/config/route.ts",
  "app/projects/[projectId]/api/resources/[resourceId]/config/route.ts",
  "app/projects/[projectId]/api/workflows/config/route.ts",
  "app/projects/[projectId]/api/workflows/[workflowId]/config/route.ts",
  "lib/as-code/document.ts",
  "lib/as-code/resource.ts",
  "lib/as-code/workflow.ts",
];

export function operations(doc: OpenApiDocument): { method: string; path: string; operation: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
}

/** Resolves a local JSON Pointer reference ("#/components/schemas/Error") in the document. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

export function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => collectRefs(child, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  "date-time": /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
};

/** A small JSON Schema check against `document`'s components, enough for the keywords it uses; answers what is wrong. */
export function schemaChecker(document: OpenApiDocument) {
  return function schemaErrors(schema: JsonSchema, value: unknown, at = "$"): string[] {
    if (schema.$ref) return schemaErrors(resolvePointer(document, schema.$ref) as JsonSchema, value, at);
    if (schema.anyOf) return schema.anyOf.some((option) => !schemaErrors(option, value, at).length) ? [] : [`${at}: matches no option`];
    if (schema.const !== undefined && value !== schema.const) return [`${at}: must be ${JSON.stringify(schema.const)}`];
    if (schema.enum && !schema.enum.includes(value as never)) return [`${at}: not one of the enum`];
    const type = jsonType(value);
    if (typeof schema.type === "string" && schema.type !== type && !(schema.type === "number" && type === "integer"))
      return [`${at}: must be ${schema.type}`];
    if (typeof value === "string" && schema.format && FORMATS[schema.format] && !FORMATS[schema.format]!.test(value))
      return [`${at}: not a ${schema.format}`];
    const errors: string[] = [];
    if (type === "array" && schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
      (value as unknown[]).forEach((item, index) => errors.push(...schemaErrors(schema.items as JsonSchema, item, `${at}[${index}]`)));
    }
    if (type === "object") {
      const object = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${at}.${key}: required`);
      for (const [key, child] of Object.entries(object)) {
        const property = schema.properties?.[key] ?? schema.additionalProperties;
        if (property === false) errors.push(`${at}.${key}: not allowed`);
        else if (property && typeof property === "object") errors.push(...schemaErrors(property, child, `${at}.${key}`));
      }
    }
    return errors;
  };
}

export const sampleConnection = {
  id: "6b1f0d4e-2c3a-4b5d-8e7f-9a0b1c2d3e4f",
  projectId: PROJECT_ID,
  resourceId: "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98",
  userId: "user_42",
  status: "VALID",
  profile: { email: "ada@example.com" },
  dateCreated: "2025-01-02T03:04:05.000Z",
  dateUpdated: "2025-01-02T03:04:05.000Z",
  dateRefreshed: null,
};
