import { describe, expect, it } from "vitest";
import { dump } from "js-yaml";
import { taskLabOpenApi30Json, taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { argumentProblem } from "./input-validation";
import { MAX_DOCUMENT_BYTES, readOpenApiDocument, serverPathUnderBase } from "./openapi-import";
import { toolNameFrom, uniqueToolName } from "./names";

const TASKLAB = "http://127.0.0.1:4567";
const BASE = `${TASKLAB}/api`;

const refusal = async (text: string, baseUrl = BASE) => {
  const error = await readOpenApiDocument(text, { baseUrl }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toMatchObject({ code: "invalid_openapi_document", status: 400 });
  return (error as Error).message;
};

const documentWith = (extra: Record<string, unknown>) =>
  JSON.stringify({ openapi: "3.1.0", info: { title: "T", version: "1" }, paths: {}, ...extra });

describe("tool names", () => {
  it("snake_cases operationIds and falls back to the method and path", () => {
    expect(toolNameFrom("listTasks", "GET", "/tasks")).toBe("list_tasks");
    expect(toolNameFrom("get-task.v2", "GET", "/x")).toBe("get_task_v2");
    expect(toolNameFrom("HTTPRequestLog", "GET", "/x")).toBe("http_request_log");
    expect(toolNameFrom("2fa", "GET", "/x")).toBe("op_2fa");
    expect(toolNameFrom(undefined, "GET", "/tasks/{id}")).toBe("get_tasks_id");
    expect(toolNameFrom("x".repeat(100), "GET", "/")).toHaveLength(64);
    expect(uniqueToolName("list_tasks", new Set(["list_tasks", "list_tasks_2"]))).toBe("list_tasks_3");
    expect(uniqueToolName("a".repeat(64), new Set(["a".repeat(64)]))).toBe(`${"a".repeat(62)}_2`);
  });
});

describe("readOpenApiDocument", () => {
  it("reads TaskLab's 3.1 YAML document with its $refs dereferenced", async () => {
    const operations = await readOpenApiDocument(taskLabOpenApiYaml(TASKLAB), { baseUrl: BASE });
    expect(operations.map((operation) => `${operation.name} ${operation.operationKey}`)).toEqual([
      "list_tasks GET /tasks",
      "create_task POST /tasks",
      "get_task GET /tasks/{id}",
      "get_me GET /me",
      "get_flaky GET /flaky/{key}",
      "get_limited GET /limited/{key}",
      "get_slow GET /slow",
    ]);
    const create = operations.find((operation) => operation.name === "create_task")!;
    expect(create.inputSchema).toEqual({
      type: "object",
      properties: {
        body: { type: "object", properties: { title: { type: "string", minLength: 1 }, done: { type: "boolean" } }, required: ["title"] },
      },
      required: ["body"],
      additionalProperties: false,
    });
    expect(create.parameters).toEqual({ params: [], body: true });
    expect(create.outputSchema).toMatchObject({ allOf: [{ required: ["title"] }, { required: ["id", "done"] }] });
    const get = operations.find((operation) => operation.name === "get_task")!;
    expect(get.inputSchema).toEqual({
      type: "object",
      properties: { id: { type: "string", description: "The task's id, e.g. task_1" } },
      required: ["id"],
      additionalProperties: false,
    });
    expect(get.description).toBe("Read one task\n\nAnswers 404 when no task has this id.");
    const flaky = operations.find((operation) => operation.name === "get_flaky")!;
    expect(flaky.parameters.params).toEqual([
      { arg: "key", name: "key", in: "path" },
      { arg: "failures", name: "failures", in: "query" },
      { arg: "status", name: "status", in: "query" },
      { arg: "Idempotency-Key", name: "Idempotency-Key", in: "header" },
    ]);
    expect(argumentProblem(create.inputSchema, { body: { title: 5 } })).toBe("/body/title: must be string");
    expect(argumentProblem(create.inputSchema, {})).toBe("/body: is required");
    expect(argumentProblem(create.inputSchema, { body: { title: "x" }, admin: true })).toBe("/admin: is not an argument of this tool");
    expect(argumentProblem(create.inputSchema, { body: { title: "x" } })).toBeUndefined();
  });

  it("reads a 3.0 JSON document: nullable as a type, names from operationIds or method and path", async () => {
    const operations = await readOpenApiDocument(taskLabOpenApi30Json(), { baseUrl: BASE });
    expect(operations.map((operation) => [operation.name, operation.operationKey])).toEqual([
      ["list_tasks", "GET /tasks"],
      ["post_tasks", "POST /tasks"],
      ["get_task", "GET /tasks/{id}"],
    ]);
    const create = operations[1]!;
    expect(create.inputSchema.properties).toMatchObject({ body: { properties: { note: { type: ["string", "null"] } } } });
    // Examples are data: kept as written.
    expect(create.inputSchema.properties).toMatchObject({ body: { example: { title: "Write docs", id: "task_9", nullable: true } } });
    expect(argumentProblem(create.inputSchema, { body: { title: "x", note: null } })).toBeUndefined();
    expect(operations[0]!.outputSchema).toMatchObject({ properties: { tasks: { items: { required: ["id", "title", "done"] } } } });
  });

  it("puts a server's path below the base URL before each operation's path", async () => {
    const text = documentWith({
      servers: [{ url: "/api/v2" }],
      paths: { "/items": { get: { responses: { "200": { description: "ok" } } } } },
    });
    const [operation] = await readOpenApiDocument(text, { baseUrl: BASE });
    expect(operation!.path).toBe("/v2/items");
    const under = serverPathUnderBase("https://{{inputs.team}}.tasklab.test/api");
    expect(under({ url: "https://acme.tasklab.test/api/v1" }, "x")).toBe("/v1");
    expect(() => under({ url: "https://evil.test/api" }, "x")).toThrow(/not under/);
    expect(() => under({ url: "https://acme.tasklab.test/apix" }, "x")).toThrow(/not under/);
  });

  it("refuses hostile and broken documents with a clear error", async () => {
    expect(await refusal("openapi: [")).toMatch(/neither JSON nor YAML/);
    expect(await refusal('{"swagger": "2.0"}')).toMatch(/Swagger 2\.0: only OpenAPI 3\.0 and 3\.1/);
    expect(await refusal(JSON.stringify({ openapi: "3.1.0", info: { title: "T" }, paths: {} }))).toMatch(
      /not a valid OpenAPI 3\.1\.0 document/,
    );
    const circular = documentWith({
      paths: {
        "/n": {
          get: {
            responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } } },
          },
        },
      },
      components: { schemas: { Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } } } },
    });
    expect(await refusal(circular)).toMatch(/circular \$ref \(#\/components\/schemas\/Node/);
    expect(
      await refusal(
        documentWith({
          servers: [{ url: "https://elsewhere.test/api" }],
          paths: { "/x": { get: { responses: { "200": { description: "ok" } } } } },
        }),
      ),
    ).toMatch(/server URL https:\/\/elsewhere\.test\/api is not under the resource's API Base URL/);
    const operationServer = documentWith({
      paths: { "/x": { get: { servers: [{ url: `${TASKLAB}/admin` }], responses: { "200": { description: "ok" } } } } },
    });
    expect(await refusal(operationServer)).toMatch(/GET \/x: servers\[0\]: the server URL .* is not under/);
    const external = documentWith({
      paths: {
        "/x": {
          get: {
            responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "http://127.0.0.1:9/s.json" } } } } },
          },
        },
      },
    });
    expect(await refusal(external)).toMatch(/\$ref http:\/\/127\.0\.0\.1:9\/s\.json cannot be resolved/);
    const dangling = documentWith({
      paths: { "/x": { get: { parameters: [{ $ref: "#/components/parameters/Nope" }], responses: { "200": { description: "ok" } } } } },
    });
    expect(await refusal(dangling)).toMatch(/#\/components\/parameters\/Nope points at nothing/);
  });

  it("refuses a document over 5 MB before parsing it", async () => {
    const big = `# ${"x".repeat(MAX_DOCUMENT_BYTES)}\nopenapi: 3.1.0\n`;
    const started = performance.now();
    expect(await refusal(big)).toMatch(/at most 5 MB/);
    // Bounds with room for a loaded machine: parsing 5 MB of YAML, or dereferencing, takes seconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses 10,000 operations fast", async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) paths[`/p${i}`] = { get: { responses: { "200": { description: "ok" } } } };
    const text = dump({ openapi: "3.1.0", info: { title: "T", version: "1" }, paths });
    const started = performance.now();
    expect(await refusal(text)).toMatch(/more than 1000 operations/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("counts operations behind path item $refs", async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 1001; i++) paths[`/p${i}`] = { $ref: "#/components/pathItems/Item" };
    const text = documentWith({ paths, components: { pathItems: { Item: { get: { responses: { "200": { description: "ok" } } } } } } });
    expect(await refusal(text)).toMatch(/more than 1000 operations/);
  });

  it("refuses $refs that multiply into a huge schema", async () => {
    const schemas: Record<string, unknown> = { L0: { type: "string" } };
    for (let i = 1; i <= 40; i++)
      schemas[`L${i}`] = {
        type: "object",
        properties: { a: { $ref: `#/components/schemas/L${i - 1}` }, b: { $ref: `#/components/schemas/L${i - 1}` } },
      };
    const text = documentWith({
      paths: {
        "/x": {
          post: {
            requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/L40" } } } },
            responses: { "200": { description: "ok" } },
          },
        },
      },
      components: { schemas },
    });
    const started = performance.now();
    expect(await refusal(text)).toMatch(/too large once their \$refs are expanded/);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
