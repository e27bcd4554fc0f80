import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listProjectOperationTools } from "@/db/queries/resource-tools";
import * as mcpRoute from "@/app/projects/[projectId]/mcp/route";
import * as metadataRoute from "@/app/.well-known/oauth-protected-resource/projects/[projectId]/mcp/route";
import { runInRequest } from "@/lib/api/request-context";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { handleMcpRequest } from "@/lib/tools/mcp";
import { callTool } from "@/lib/tools/registry";
import { importResourceTools } from "@/lib/tools/resource-tools";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { captureLogs } from "@/test/support/logs";
import { serveRoutes } from "@/test/support/route-http";
import { ALICE, BOB, toolsProject, type ToolsProject } from "@/test/support/tool-fixtures";

// The MCP endpoint through the MCP SDK's own Client and Streamable HTTP client transport, against
// the route served over real HTTP, with TaskLab as the team's API.

const PUBLIC_URL = "https://switchboard.example.test";

let env: ToolsProject;
let server: Awaited<ReturnType<typeof serveRoutes>>;
/** Only alice is connected to it: a document that says /me answers what TaskLab's does not. */
let strictResourceId: string;

const WRONG_ME_DOCUMENT = JSON.stringify({
  openapi: "3.1.0",
  info: { title: "TaskLab, misdocumented", version: "1" },
  paths: {
    "/me": {
      get: {
        operationId: "whoAmI",
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { type: "object", properties: { plan: { type: "string" } }, required: ["plan"] } } },
          },
        },
      },
    },
  },
});

const mcpUrl = (forProject = env.projectId) => `${server.url}/projects/${forProject}/mcp`;

/** An initialized MCP client sending `headers` with every request. */
async function mcpClient(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "test-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl()), { requestInit: { headers } }));
  return client;
}

async function asUser<T>(headers: Record<string, string>, act: (client: Client) => Promise<T>): Promise<T> {
  const client = await mcpClient(headers);
  try {
    return await act(client);
  } finally {
    await client.close();
  }
}

const bearer = async (userId: string) => ({ authorization: `Bearer ${await env.token(userId)}` });
const call = (client: Client, name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const textOf = (result: CallToolResult) => result.content.map((part) => (part.type === "text" ? part.text : "")).join("");

/** A raw POST of one JSON-RPC message (what a client does before it is let in). */
const initializeBody = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});
const rawPost = (headers: Record<string, string>, url = mcpUrl()) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: initializeBody,
  });

beforeAll(async () => {
  vi.stubEnv("NEXTAUTH_URL", PUBLIC_URL);
  env = await toolsProject();
  server = await serveRoutes([
    { pattern: /^\/projects\/(?<projectId>[^/]+)\/mcp$/, handlers: mcpRoute },
    { pattern: /^\/\.well-known\/oauth-protected-resource\/projects\/(?<projectId>[^/]+)\/mcp$/, handlers: metadataRoute },
  ]);
  strictResourceId = await publishedTaskLabResource(env.projectId, env.tasklab, "user-oauth-no-profile");
  await env.connect(strictResourceId, ALICE, "u_ada");
  await importResourceTools({ projectId: env.projectId, resourceId: strictResourceId, text: WRONG_ME_DOCUMENT, actor: SYSTEM_ACTOR });
  await env.enable(strictResourceId, ["who_am_i"]);
  // Three published resources, four connections and three imports on PGlite: slow on a loaded machine.
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await env?.tasklab.close();
});
beforeEach(() => env.tasklab.reset());

describe("the MCP endpoint", () => {
  it("initializes, and lists each user's own tools", async () => {
    const alice = await asUser(await bearer(ALICE), async (client) => {
      expect(client.getServerVersion()).toMatchObject({ name: "switchboard" });
      expect(client.getServerCapabilities()).toMatchObject({ tools: {} });
      return (await client.listTools()).tools;
    });
    expect(alice.map((tool) => tool.name)).toEqual(["create_task", "get_me", "get_task", "list_tasks", "post_tasks", "who_am_i"]);
    const bob = await asUser(await bearer(BOB), async (client) => (await client.listTools()).tools);
    expect(bob.map((tool) => tool.name)).toEqual(["create_task", "get_me", "get_task", "list_tasks"]);
    const getTask = alice.find((tool) => tool.name === "get_task")!;
    expect(getTask).toMatchObject({
      description: "Read one task\n\nAnswers 404 when no task has this id.",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      // The document's allOf of objects, said to be an object as MCP requires.
      outputSchema: { type: "object", allOf: expect.any(Array) },
    });
    expect(alice.find((tool) => tool.name === "get_me")!.outputSchema).toMatchObject({ type: "object", properties: { id: {} } });
  });

  it("calls an OpenAPI operation with the calling user's own token, answering structuredContent", async () => {
    const alice = await asUser(await bearer(ALICE), (client) => call(client, "get_me", {}));
    expect(alice.isError).toBeFalsy();
    expect(alice.structuredContent).toMatchObject({ id: "u_ada" });
    expect(JSON.parse(textOf(alice))).toEqual(alice.structuredContent);
    const bob = await asUser(await bearer(BOB), (client) => call(client, "get_me", {}));
    expect(bob.structuredContent).toMatchObject({ id: "u_bob" });
    const created = await asUser(await bearer(BOB), (client) => call(client, "create_task", { body: { title: "From an MCP agent" } }));
    expect(created).toMatchObject({ structuredContent: { title: "From an MCP agent", done: false, id: expect.any(String) } });
    expect(env.tasklab.apiRequests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/me",
      "GET /api/me",
      "POST /api/tasks",
    ]);
  });

  it("answers arguments that break the schema, an unknown tool and another user's tool as tool errors", async () => {
    await asUser(await bearer(ALICE), async (client) => {
      const broken = await call(client, "create_task", { body: { title: 42 } });
      expect(broken.isError).toBe(true);
      expect(textOf(broken)).toBe("invalid_arguments: /body/title: must be string");
      const unknown = await call(client, "no_such_tool", {});
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/^tool_not_found: /);
    });
    const others = await asUser(await bearer(BOB), (client) => call(client, "post_tasks", { body: { title: "x" } }));
    expect(others.isError).toBe(true);
    expect(textOf(others)).toMatch(/^tool_not_found: /);
    expect(env.tasklab.apiRequests).toEqual([]);
  });

  it("answers an API answer that breaks the declared output schema as a tool error", async () => {
    const answer = await asUser(await bearer(ALICE), (client) => call(client, "who_am_i", {}));
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toBe(
      "unexpected_answer (status 200): The API answered 200, but not as its document says (/: must have required property 'plan').",
    );
    // The Tools API declares no output schema to MCP clients: the same answer is its success.
    expect(
      await callTool({
        project: await env.project(),
        userId: ALICE,
        caller: { kind: "user_token", userId: ALICE },
        name: "who_am_i",
        args: {},
      }),
    ).toMatchObject({
      isError: false,
      body: { id: "u_ada" },
    });
  });

  it("answers an unexpected failure as a tool error that tells nothing of it, and logs it", async () => {
    // A project ID the database refuses (never one a route lets through): the query throws.
    const context = {
      project: { id: "not-a-uuid", allowPrivateNetwork: false, revision: 1 },
      userId: ALICE,
      caller: { kind: "user_token" as const, userId: ALICE },
    };
    const request = new Request("http://switchboard.test/projects/x/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "get_me", arguments: {} } }),
    });
    const logs = captureLogs();
    let response: Response;
    try {
      response = await runInRequest({ requestId: "req-1" }, () => handleMcpRequest(context, request));
    } finally {
      logs.restore();
    }
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: { isError: true, content: [{ type: "text", text: "internal_error: Something went wrong on our side." }] },
    });
    expect(logs.entries()).toEqual(
      expect.arrayContaining([expect.objectContaining({ msg: "MCP tools/call failed", tool: "get_me", requestId: "req-1" })]),
    );
  });

  it("logs a call on its request's one line, without the arguments", async () => {
    const logs = captureLogs();
    try {
      const answer = await asUser(await bearer(ALICE), (client) => call(client, "get_task", { id: "secret-id-4b1c" }));
      expect(answer.isError).toBe(true);
    } finally {
      logs.restore();
    }
    const lines = logs.entries().filter((entry) => entry.tool !== undefined);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "request",
        route: "/projects/[projectId]/mcp",
        status: 200,
        requestId: expect.any(String),
        tool: { name: "get_task", userId: ALICE, outcome: "api_error", status: 404, durationMs: expect.any(Number) },
      }),
    ]);
    expect(logs.text()).not.toContain("secret-id-4b1c");
  });

  it("sends a path parameter of ../admin as one encoded segment", async () => {
    const answer = await asUser(await bearer(ALICE), (client) => call(client, "get_task", { id: "../admin" }));
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toBe('api_error (status 404): The API answered 404: {"error":"not_found"}');
    expect(env.tasklab.apiRequests.map((request) => request.path)).toEqual(["/api/tasks/..%2Fadmin"]);
  });

  it("answers reconnect_needed for an INVALID connection", async () => {
    const invalidate = (status: "VALID" | "INVALID") => env.setConnectionStatus(env.aliceResourceId, ALICE, status);
    await invalidate("INVALID");
    try {
      await asUser(await bearer(ALICE), async (client) => {
        const listed = (await client.listTools()).tools.find((tool) => tool.name === "post_tasks")!;
        expect(listed.description).toMatch(/no longer valid: they must connect again/);
        const answer = await call(client, "post_tasks", { body: { title: "x" } });
        expect(answer.isError).toBe(true);
        expect(textOf(answer)).toMatch(/^reconnect_needed: /);
      });
      expect(env.tasklab.apiRequests).toEqual([]);
    } finally {
      await invalidate("VALID");
    }
  });

  it("takes a Secret Key naming the user in X-Switchboard-User", async () => {
    const answer = await asUser({ authorization: `Bearer ${env.secretKey}`, "x-switchboard-user": BOB }, (client) =>
      call(client, "get_me", {}),
    );
    expect(answer.structuredContent).toMatchObject({ id: "u_bob" });
    const unnamed = await rawPost({ authorization: `Bearer ${env.secretKey}` });
    expect(unnamed.status).toBe(400);
    expect(await unnamed.json()).toMatchObject({ error: { code: "missing_user" } });
  });

  it("answers 401 with the metadata's address without a token or with another project's User Token", async () => {
    const metadata = `Bearer resource_metadata="${PUBLIC_URL}/.well-known/oauth-protected-resource/projects/${env.projectId}/mcp"`;
    const none = await rawPost({});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(metadata);
    expect(await none.json()).toMatchObject({ error: { code: "missing_user_token" } });
    const other = await projectWithSigningKey();
    const foreign = await signUserToken(other.key.privateKeyPem, { kid: other.key.kid, claims: { sub: ALICE } });
    const refused = await rawPost({ authorization: `Bearer ${foreign}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe(metadata);
    expect(await refused.json()).toMatchObject({ error: { code: "invalid_user_token" } });
    // The SDK's client fails to connect, and says so.
    await expect(mcpClient({})).rejects.toThrow();
  });

  it("lets only the project's Allowed Origins call from a browser", async () => {
    const refused = await rawPost({ ...(await bearer(ALICE)), origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    const allowed = await rawPost({ ...(await bearer(ALICE)), origin: ALLOWED_ORIGIN });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(await allowed.json()).toMatchObject({ jsonrpc: "2.0", id: 1, result: { serverInfo: { name: "switchboard" } } });
    const preflight = await fetch(mcpUrl(), {
      method: "OPTIONS",
      headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/mcp-protocol-version/);
  });

  it("answers GET and DELETE with 405: no SSE stream, no session", async () => {
    for (const method of ["GET", "DELETE"]) {
      const answer = await fetch(mcpUrl(), { method, headers: await bearer(ALICE) });
      expect(answer.status).toBe(405);
      expect(answer.headers.get("allow")).toBe("POST");
      expect(await answer.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    }
  });

  it("serves the protected-resource metadata (RFC 9728)", async () => {
    const answer = await fetch(`${server.url}/.well-known/oauth-protected-resource/projects/${env.projectId}/mcp`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      resource: `${PUBLIC_URL}/projects/${env.projectId}/mcp`,
      bearer_methods_supported: ["header"],
      resource_name: "Switchboard MCP server",
    });
    const unknown = await fetch(`${server.url}/.well-known/oauth-protected-resource/projects/${crypto.randomUUID()}/mcp`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "project_not_found" } });
  });
});

describe("Settings → Agents", () => {
  it("lists the project's enabled operation tools with where each comes from", async () => {
    const tools = await listProjectOperationTools({ projectId: env.projectId });
    expect(tools.map((tool) => [tool.name, tool.method, tool.path, tool.resourceId, tool.level, tool.offerToEveryUser])).toEqual([
      ["create_task", "POST", "/tasks", env.sharedResourceId, "user", false],
      ["get_me", "GET", "/me", env.sharedResourceId, "user", false],
      ["get_task", "GET", "/tasks/{id}", env.sharedResourceId, "user", false],
      ["list_tasks", "GET", "/tasks", env.sharedResourceId, "user", false],
      ["post_tasks", "POST", "/tasks", env.aliceResourceId, "user", false],
      ["who_am_i", "GET", "/me", strictResourceId, "user", false],
    ]);
    expect(tools[0]).toMatchObject({ summary: "Create a task", resourceName: expect.stringMatching(/^TaskLab /) });
    const other = await projectWithSigningKey();
    expect(await listProjectOperationTools({ projectId: other.projectId })).toEqual([]);
  });
});
