import { readFileSync } from "node:fs";
import path from "node:path";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/openapi.json/route";
import { SDK_RATE_LIMIT } from "@/lib/api/sdk-route";
import { apiErrorSchema, connectionSchema } from "@/lib/connections/api-schema";
import { ERROR_CATALOGUE, type ErrorCode } from "@/lib/errors";
import { connectApiDocument, HTTP_METHODS, type JsonSchema, type OpenApiDocument, type OperationObject } from "./openapi";

const PROJECT_ID = "0f8e4c1a-5b7d-4e2f-9a3c-6d1b2e4f7a90";

vi.mock("@/server/require-user", () => ({
  requireProjectAccess: vi.fn(async (projectId: string) => ({
    user: { id: "u-1", email: "dev@example.com" },
    project: { id: projectId, name: "TaskLab", allowPrivateNetwork: false },
    role: "owner",
  })),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "switchboard.test", "x-forwarded-proto": "https" }),
}));

const document = connectApiDocument({ serverUrl: "https://switchboard.example" });

/** The operations the team's backend may call with a Secret Key. */
const SERVER_OPERATIONS = ["sendRequest", "sendEvent", "startWorkflowRun", "enableWorkflow", "disableWorkflow"];
/** The configuration operations (resources and workflows as code): a Secret Key only. */
const CONFIG_OPERATIONS = [
  "getResourceConfig",
  "replaceResourceConfig",
  "importResourceConfig",
  "getWorkflowConfig",
  "replaceWorkflowConfig",
  "importWorkflowConfig",
];

function operations(doc: OpenApiDocument): { method: string; path: string; operation: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
}

/** Resolves a local JSON Pointer reference ("#/components/schemas/Error") in the document. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

function collectRefs(node: unknown, found: string[] = []): string[] {
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

/** A small JSON Schema check, enough for the keywords this document uses; answers what is wrong. */
function schemaErrors(schema: JsonSchema, value: unknown, at = "$"): string[] {
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
}

const sampleConnection = {
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

describe("connectApiDocument", () => {
  it("is an OpenAPI 3.1 document for the Connect API", () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: "Switchboard Connect API", version: "1.0.0" });
    expect(document.servers).toEqual([{ url: "https://switchboard.example", description: expect.any(String) }]);
    expect(connectApiDocument({}).servers).toBeUndefined();
    // Plain JSON: nothing is lost when it is served.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(operations(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual([
      "POST /projects/{projectId}/sdk/resources/{resourceId}/connect",
      "DELETE /projects/{projectId}/sdk/resources/{resourceId}/connect",
      "GET /projects/{projectId}/sdk/me",
      "POST /projects/{projectId}/sdk/resources/{resourceId}/request",
      "POST /projects/{projectId}/sdk/events",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/runs",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/enable",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/disable",
      "GET /projects/{projectId}/api/resources/{resourceId}/config",
      "PUT /projects/{projectId}/api/resources/{resourceId}/config",
      "POST /projects/{projectId}/api/resources/config",
      "GET /projects/{projectId}/api/workflows/{workflowId}/config",
      "PUT /projects/{projectId}/api/workflows/{workflowId}/config",
      "POST /projects/{projectId}/api/workflows/config",
    ]);
  });

  it("resolves every $ref within the document", () => {
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolvePointer(document, ref), ref).toBeTypeOf("object");
    // Component schemas carry no $id or $schema that would move the base of their references.
    for (const schema of Object.values(document.components.schemas)) {
      expect(schema.$id).toBeUndefined();
      expect(schema.$schema).toBeUndefined();
    }
  });

  it("declares every path parameter, as a required UUID, and nothing else in the path", () => {
    for (const { path, operation } of operations(document)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = operation.parameters.filter((parameter) => parameter.in === "path");
      expect(declared.map((parameter) => parameter.name).sort()).toEqual(inPath.sort());
      for (const parameter of declared) {
        expect(parameter.required).toBe(true);
        expect(parameter.schema).toEqual({ type: "string", format: "uuid" });
      }
    }
  });

  it("gives every operation a 2xx and a 401, its security, and unique operation IDs", () => {
    const ids = new Set<string>();
    for (const { operation } of operations(document)) {
      const statuses = Object.keys(operation.responses);
      expect(statuses.some((status) => /^2\d\d$/.test(status))).toBe(true);
      expect(statuses).toContain("401");
      // The request, event, run and enablement operations also take a Secret Key, from the team's backend.
      // The configuration operations take a Secret Key and nothing else.
      expect(operation.security).toEqual(
        CONFIG_OPERATIONS.includes(operation.operationId)
          ? [{ SecretKey: [] }]
          : SERVER_OPERATIONS.includes(operation.operationId)
            ? [{ UserToken: [] }, { SecretKey: [] }]
            : [{ UserToken: [] }],
      );
      if (CONFIG_OPERATIONS.includes(operation.operationId)) {
        expect(Object.keys(operation.responses["401"]?.content?.["application/json"]?.examples ?? {}).sort()).toEqual([
          "invalid_secret_key",
          "missing_secret_key",
        ]);
        expect(operation.responses["403"]?.content?.["application/json"]?.examples).toHaveProperty("secret_key_required");
      }
      if (SERVER_OPERATIONS.includes(operation.operationId)) {
        expect(operation.parameters.find((parameter) => parameter.name === "X-Switchboard-User")).toMatchObject({
          in: "header",
          required: false,
        });
        expect(operation.responses["401"]?.content?.["application/json"]?.examples).toHaveProperty("invalid_secret_key");
      }
      ids.add(operation.operationId);
      for (const response of Object.values(operation.responses)) expect(response.description.length).toBeGreaterThan(0);
    }
    expect(ids.size).toBe(14);
    expect(document.components.securitySchemes.UserToken).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    expect(document.components.securitySchemes.UserToken?.description).toMatch(
      /RS256[\s\S]*sub[\s\S]*iat[\s\S]*exp[\s\S]*aud[\s\S]*30 seconds/,
    );
  });

  it("has the Connect API's schemas as components", () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(["Connection", "Error", "SdkUser", "ConnectBody", "Disconnected"]),
    );
    const connect = document.paths["/projects/{projectId}/sdk/resources/{resourceId}/connect"]?.post;
    expect(connect?.requestBody?.required).toBe(true);
    expect(connect?.requestBody?.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/ConnectBody" });
    expect(connect?.responses["200"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Connection" });
  });

  it("lists every status connect can answer, with the Error schema and Retry-After on 429", () => {
    const connect = document.paths["/projects/{projectId}/sdk/resources/{resourceId}/connect"]?.post;
    expect(Object.keys(connect?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "422",
      "429",
      "500",
      "502",
    ]);
    for (const [status, response] of Object.entries(connect?.responses ?? {})) {
      if (status !== "200") expect(response.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
    expect(connect?.responses["429"]?.headers?.["Retry-After"]?.schema).toEqual({ type: "integer", minimum: 1 });
    expect(connect?.responses["400"]?.content?.["application/json"]?.examples?.invalid_credentials_payload?.value).toMatchObject({
      error: { fields: { access_token: "Required." } },
    });
    expect(connect?.responses["403"]?.content?.["application/json"]?.examples).toHaveProperty("origin_not_allowed");
  });

  it("names every error code the route handlers throw under the status they throw it with", () => {
    const documented = new Set(
      operations(document).flatMap(({ operation }) =>
        Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.keys(response.content?.["application/json"]?.examples ?? {}).map((code) => `${status} ${code}`),
        ),
      ),
    );
    const sources = [
      "lib/api/sdk-route.ts",
      "lib/connections/connect.ts",
      "lib/api/request-body.ts",
      "lib/connections/connect-body.ts",
      "app/projects/[projectId]/sdk/resources/[resourceId]/connect/route.ts",
      "app/projects/[projectId]/sdk/resources/[resourceId]/request/route.ts",
      "lib/connections/request.ts",
      "lib/connections/refresh.ts",
      "lib/connections/session.ts",
      "lib/connections/grant.ts",
      "app/projects/[projectId]/sdk/events/route.ts",
      "app/projects/[projectId]/sdk/workflows/[workflowId]/runs/route.ts",
      "app/projects/[projectId]/sdk/workflows/[workflowId]/enable/route.ts",
      "app/projects/[projectId]/sdk/workflows/[workflowId]/disable/route.ts",
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
    ].map((file) => readFileSync(path.join(process.cwd(), file), "utf8"));
    // Throw sites name a code, and so do a route's path ids (what one that is not a UUID answers); its status is the catalogue's.
    const thrown = sources.flatMap((source) =>
      [...source.matchAll(/new AppError\(\s*"([a-z_]+)"|\w+Id: (?:\{\s*code: )?"([a-z_]+)"/g)].map((match) => {
        const code = (match[1] ?? match[2]) as ErrorCode;
        return `${ERROR_CATALOGUE[code].status} ${code}`;
      }),
    );
    // The CORS preflight (OPTIONS) is the browser's business, not an operation of the API.
    // The test connection is the dashboard's (Test and Publish), never the API's; so are the
    // Runs tab's Replay, Retry, Cancel and pages (lib/workflows/runs.ts also holds them).
    const dashboardOnly = [
      "400 not_a_preflight",
      "409 test_connection_missing",
      "404 run_not_found",
      "409 run_not_failed",
      "409 run_already_finished",
    ];
    const expected = thrown.filter((entry) => !dashboardOnly.includes(entry));
    expect(expected.length).toBeGreaterThan(10);
    expect([...expected, "500 internal_error"].filter((entry) => !documented.has(entry))).toEqual([]);
  });

  it("documents the workflow operations under a Workflows tag, with their schemas and every status they answer", () => {
    expect(document.tags.map((tag) => tag.name)).toContain("Workflows");
    const paths = document.paths;
    const events = paths["/projects/{projectId}/sdk/events"]?.post;
    const runs = paths["/projects/{projectId}/sdk/workflows/{workflowId}/runs"]?.post;
    const enable = paths["/projects/{projectId}/sdk/workflows/{workflowId}/enable"]?.post;
    const disable = paths["/projects/{projectId}/sdk/workflows/{workflowId}/disable"]?.post;
    for (const operation of [events, runs, enable, disable]) expect(operation?.tags).toEqual(["Workflows"]);
    const schemaOf = (operation: OperationObject | undefined, status: string) =>
      operation?.responses[status]?.content?.["application/json"]?.schema;
    const codes = (operation: OperationObject | undefined, status: string) =>
      Object.keys(operation?.responses[status]?.content?.["application/json"]?.examples ?? {}).sort();

    expect(events?.requestBody?.content["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/AppEvent" },
      example: { name: "task.created" },
    });
    expect(Object.keys(events?.responses ?? {}).sort()).toEqual(["202", "400", "401", "403", "404", "413", "415", "429", "500"]);
    expect(schemaOf(events, "202")).toEqual({ $ref: "#/components/schemas/AppEventAccepted" });
    expect(codes(events, "400")).toEqual(["invalid_body", "invalid_event", "invalid_json", "invalid_user", "missing_user"]);
    // The event body is strict: unknown fields are refused, and only name is required.
    expect(document.components.schemas.AppEvent).toMatchObject({ additionalProperties: false, required: ["name"] });

    expect(runs?.parameters.find((parameter) => parameter.name === "wait")).toMatchObject({
      in: "query",
      required: false,
      schema: { enum: ["true", "false"] },
    });
    expect(Object.keys(runs?.responses ?? {}).sort()).toEqual([
      "200",
      "202",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "429",
      "500",
    ]);
    expect(schemaOf(runs, "200")).toEqual({ $ref: "#/components/schemas/WorkflowRunResult" });
    expect(schemaOf(runs, "202")).toEqual({ $ref: "#/components/schemas/WorkflowRunStarted" });
    expect(codes(runs, "404")).toEqual(["project_not_found", "workflow_not_found"]);
    expect(codes(runs, "409")).toEqual(["workflow_disabled", "workflow_not_deployed", "wrong_trigger"]);
    expect(runs?.description).toContain("30 s");

    for (const operation of [enable, disable]) {
      expect(schemaOf(operation, "200")).toEqual({ $ref: "#/components/schemas/WorkflowEnablement" });
      expect(codes(operation, "400")).toEqual(["invalid_user", "missing_user"]);
      expect(codes(operation, "404")).toEqual(["project_not_found", "workflow_not_found"]);
    }
    expect(schemaErrors({ $ref: "#/components/schemas/WorkflowEnablement" }, { workflowId: sampleConnection.id, enabled: true })).toEqual(
      [],
    );
    expect(
      schemaErrors(
        { $ref: "#/components/schemas/WorkflowRunResult" },
        { runId: sampleConnection.id, status: "succeeded", output: { status: 201 } },
      ),
    ).toEqual([]);
    expect(
      schemaErrors({ $ref: "#/components/schemas/WorkflowRunResult" }, { runId: sampleConnection.id, status: "running", output: null }),
    ).not.toEqual([]);

    // GET /sdk/me lists the deployed workflows.
    const sdkUser = document.components.schemas.SdkUser!;
    expect(sdkUser.required).toContain("workflows");
    expect(
      schemaErrors(sdkUser, {
        authenticated: true,
        userId: "u",
        resources: [],
        workflows: [{ id: sampleConnection.id, name: "Sync", enabled: false }],
      }),
    ).toEqual([]);
    expect(schemaErrors(sdkUser, { authenticated: true, userId: "u", resources: [] })).toEqual(["$.workflows: required"]);
  });

  it("documents the configuration operations under a Configuration tag, with their documents and every status they answer", () => {
    const paths = document.paths;
    const resource = paths["/projects/{projectId}/api/resources/{resourceId}/config"];
    const workflow = paths["/projects/{projectId}/api/workflows/{workflowId}/config"];
    const importResource = paths["/projects/{projectId}/api/resources/config"]?.post;
    const importWorkflow = paths["/projects/{projectId}/api/workflows/config"]?.post;
    for (const operation of [resource?.get, resource?.put, importResource, workflow?.get, workflow?.put, importWorkflow])
      expect(operation?.tags).toEqual(["Configuration"]);
    const schemaOf = (operation: OperationObject | undefined, status: string) =>
      operation?.responses[status]?.content?.["application/json"]?.schema;
    expect(schemaOf(resource?.get, "200")).toEqual({ $ref: "#/components/schemas/ResourceConfig" });
    expect(resource?.put?.requestBody?.content["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/ResourceConfig" },
      example: { kind: "resource", version: 1 },
    });
    expect(schemaOf(importResource, "201")).toEqual({ $ref: "#/components/schemas/ConfigImported" });
    expect(schemaOf(workflow?.get, "200")).toEqual({ $ref: "#/components/schemas/WorkflowConfig" });
    expect(Object.keys(resource?.put?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "429",
      "500",
    ]);
    expect(Object.keys(importWorkflow?.responses ?? {}).sort()).toEqual(["201", "400", "401", "403", "404", "413", "415", "429", "500"]);
    // The example documents are what the routes answer: a resource's, and a workflow's naming its resource by name.
    expect(
      schemaErrors({ $ref: "#/components/schemas/ResourceConfig" }, resource?.put?.requestBody?.content["application/json"]?.example),
    ).toEqual([]);
    expect(
      schemaErrors({ $ref: "#/components/schemas/WorkflowConfig" }, importWorkflow?.requestBody?.content["application/json"]?.example),
    ).toEqual([]);
    expect(schemaErrors({ $ref: "#/components/schemas/ResourceConfig" }, { kind: "workflow", version: 1 })).not.toEqual([]);
  });

  it("answers with examples the Error schema accepts, and states the real rate limit", () => {
    for (const { operation } of operations(document)) {
      for (const response of Object.values(operation.responses)) {
        for (const example of Object.values(response.content?.["application/json"]?.examples ?? {})) {
          expect(apiErrorSchema.safeParse(example.value).success).toBe(true);
          expect(schemaErrors({ $ref: "#/components/schemas/Error" }, example.value)).toEqual([]);
        }
      }
    }
    expect(document.info.description).toContain(`${SDK_RATE_LIMIT.requests} calls a minute`);
  });

  it("has a Connection schema that accepts a connection and rejects one with a missing field", () => {
    const schema = document.components.schemas.Connection!;
    expect(schema.required).toEqual(expect.arrayContaining(Object.keys(sampleConnection)));
    expect(connectionSchema.safeParse(sampleConnection).success).toBe(true);
    expect(schemaErrors(schema, sampleConnection)).toEqual([]);

    const missingStatus: Partial<typeof sampleConnection> = { ...sampleConnection };
    delete missingStatus.status;
    expect(connectionSchema.safeParse(missingStatus).success).toBe(false);
    expect(schemaErrors(schema, missingStatus)).toEqual(["$.status: required"]);
    expect(schemaErrors(schema, { ...sampleConnection, status: "GONE" })).not.toEqual([]);
    expect(schemaErrors(schema, { ...sampleConnection, id: "not-a-uuid" })).not.toEqual([]);
  });
});

describe("GET /api/openapi.json", () => {
  it("answers the document with the request's origin as its server", async () => {
    const response = await GET(new Request("https://switchboard.example:8443/api/openapi.json?x=1"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await response.json()) as OpenApiDocument;
    expect(body).toEqual(connectApiDocument({ serverUrl: "https://switchboard.example:8443" }));
  });
});

describe("API Reference page", () => {
  it("renders each operation with its curl example for the project", async () => {
    const { default: ApiReferencePage } = await import("@/app/(dashboard)/projects/[projectId]/api-reference/page");
    const html = renderToString(await ApiReferencePage({ params: Promise.resolve({ projectId: PROJECT_ID }) }));
    const text = html
      .replace(/<[^>]+>/g, "")
      .replaceAll("&quot;", '"')
      .replaceAll("&#x27;", "'")
      .replaceAll("&amp;", "&");

    expect(html).toContain('href="/api/openapi.json"');
    for (const summary of ["Connect a user to a resource", "Disconnect a user from a resource", "Get the connected user"])
      expect(text).toContain(summary);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/resources/$RESOURCE_ID/connect"`);
    expect(text).toContain(`curl -X DELETE "https://switchboard.test/projects/${PROJECT_ID}/sdk/resources/$RESOURCE_ID/connect"`);
    expect(text).toContain(`curl "https://switchboard.test/projects/${PROJECT_ID}/sdk/me"`);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/events"`);
    expect(text).toContain(`-d '{"name":"task.created","payload":{"taskId":"t_123","title":"Write the report"}}'`);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/workflows/$WORKFLOW_ID/runs"`);
    expect(text).toContain("Set $USER_TOKEN and $WORKFLOW_ID in your shell first");
    expect(text).not.toContain("$WAIT");
    expect(text).toContain(`-d '{"access_token":"eyJ...","refresh_token":"ref_123..."}'`);
    // The configuration operations take a Secret Key, and say so in their curl.
    expect(text).toContain(`curl -X PUT "https://switchboard.test/projects/${PROJECT_ID}/api/resources/$RESOURCE_ID/config"`);
    expect(text).toContain(
      `curl "https://switchboard.test/projects/${PROJECT_ID}/api/workflows/$WORKFLOW_ID/config" \\\n  -H "Authorization: Bearer $SECRET_KEY"`,
    );
    expect(text).toContain("SECRET_KEY is a Secret Key of the project");
    expect(text).toContain("Retry-After");
    expect(text).toContain("origin_not_allowed");
    expect(html).toContain('id="schema-Connection"');
    expect(html).toContain('href="#schema-Connection"');
  });
});
