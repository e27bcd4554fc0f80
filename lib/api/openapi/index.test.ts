import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY_RATE_LIMIT } from "@/db/schema";
import { SDK_RATE_LIMIT } from "@/lib/api/sdk-route";
import { apiErrorSchema, connectionSchema } from "@/lib/connections/api-schema";
import { ERROR_CATALOGUE, type ErrorCode } from "@/lib/errors";
import { API_ERROR_SOURCES, collectRefs, operations, resolvePointer, sampleConnection, schemaChecker } from "@/test/support/openapi";
import { connectApiDocument } from ".";

const document = connectApiDocument({ serverUrl: "https://switchboard.example" });
const schemaErrors = schemaChecker(document);

/** The operations the team's backend may call with a Secret Key. */
const SERVER_OPERATIONS = [
  "createConnectSession",
  "sendRequest",
  "sendEvent",
  "startWorkflowRun",
  "enableWorkflow",
  "disableWorkflow",
  "listTools",
  "callTool",
];
/** The configuration operations (resources and workflows as code): a Secret Key only. */
const CONFIG_OPERATIONS = [
  "getResourceConfig",
  "replaceResourceConfig",
  "importResourceConfig",
  "getWorkflowConfig",
  "replaceWorkflowConfig",
  "importWorkflowConfig",
];

const readSource = (file: string) => readFileSync(path.join(process.cwd(), file), "utf8");

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
      "POST /projects/{projectId}/sdk/connect-sessions",
      "GET /projects/{projectId}/sdk/me",
      "POST /projects/{projectId}/sdk/resources/{resourceId}/request",
      "POST /projects/{projectId}/sdk/events",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/runs",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/enable",
      "POST /projects/{projectId}/sdk/workflows/{workflowId}/disable",
      "GET /projects/{projectId}/sdk/tools",
      "POST /projects/{projectId}/sdk/tools/{toolName}",
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

  it("declares every path parameter, as a required UUID (a tool by its name), and nothing else in the path", () => {
    for (const { path, operation } of operations(document)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = operation.parameters.filter((parameter) => parameter.in === "path");
      expect(declared.map((parameter) => parameter.name).sort()).toEqual(inPath.sort());
      for (const parameter of declared) {
        expect(parameter.required).toBe(true);
        expect(parameter.schema).toEqual(
          parameter.name === "toolName" ? { type: "string", pattern: "^[a-z][a-z0-9_]{0,63}$" } : { type: "string", format: "uuid" },
        );
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
    expect(ids.size).toBe(17);
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

  it("names every error code the route handlers throw under the status they throw it with", () => {
    const documented = new Set(
      operations(document).flatMap(({ operation }) =>
        Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.keys(response.content?.["application/json"]?.examples ?? {}).map((code) => `${status} ${code}`),
        ),
      ),
    );
    const sources = API_ERROR_SOURCES.map(readSource);
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
    expect(document.info.description).toContain(`${DEFAULT_SECRET_KEY_RATE_LIMIT} a minute unless changed`);
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

  it("says the catalogue's message in every error example, unless the code's throw sites say their own", () => {
    // The codes some throw site answers with a message of its own: their examples say what such a throw site says
    // (built with its own constant or function). Every other code only ever says the catalogue's message.
    const ownMessage = new Set(
      [...API_ERROR_SOURCES, "lib/connections/jwt-profile.ts", "lib/workflows/run-waits.ts"]
        .map(readSource)
        .flatMap((source) => [...source.matchAll(/new AppError\(\s*"([a-z_]+)",\s*\{[^}]*?\bmessage\b/g)].map((match) => match[1])),
    );
    expect([...ownMessage]).toEqual(expect.arrayContaining(["origin_not_allowed", "rate_limited", "invalid_user", "payload_too_large"]));
    const examples = operations(document).flatMap(({ operation }) =>
      Object.values(operation.responses).flatMap((response) =>
        Object.values(response.content?.["application/json"]?.examples ?? {}).map(
          (example) => (example.value as { error: { code: ErrorCode; message: string } }).error,
        ),
      ),
    );
    const fixed = examples.filter(({ code }) => !ownMessage.has(code));
    expect(fixed.length).toBeGreaterThan(50);
    for (const { code, message } of fixed) expect(message, code).toBe(ERROR_CATALOGUE[code].message);
  });
});
