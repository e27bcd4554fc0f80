import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/db/queries/audit-events";
import { listResourceTools } from "@/db/queries/resource-tools";
import { GET as listRoute } from "@/app/projects/[projectId]/sdk/tools/route";
import { POST as callRoute } from "@/app/projects/[projectId]/sdk/tools/[toolName]/route";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { changeResourceTool, importResourceTools, offerResourceTools } from "@/lib/tools/resource-tools";
import { taskLabOpenApi30Json, taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { captureLogs } from "@/test/support/logs";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { callSdkRoute, type SdkAuth } from "@/test/support/sdk-route-fixtures";
import { ALICE, BOB, toolsProject, type ToolsProject } from "@/test/support/tool-fixtures";

let env: ToolsProject;
/** App-Level (API keys): its tools only with Offer to every user. */
let appResourceId: string;

const list = async (auth: SdkAuth, forProject = env.projectId) =>
  callSdkRoute(listRoute as never, { url: `/projects/${forProject}/sdk/tools`, params: { projectId: forProject }, auth, method: "GET" });
const call = async (auth: SdkAuth, name: string, args: unknown) =>
  callSdkRoute(callRoute as never, {
    url: `/projects/${env.projectId}/sdk/tools/${encodeURIComponent(name)}`,
    params: { projectId: env.projectId, toolName: name },
    auth,
    body: args,
  });
const namesOf = (answer: Awaited<ReturnType<typeof list>>) => (answer.json?.tools as Array<{ name: string }>).map((tool) => tool.name);

beforeAll(async () => {
  env = await toolsProject();
  appResourceId = await publishedTaskLabResource(env.projectId, env.tasklab, "app-api-keys");
  await importResourceTools({
    projectId: env.projectId,
    resourceId: appResourceId,
    text: JSON.stringify({
      openapi: "3.1.0",
      info: { title: "TaskLab by API key", version: "1" },
      paths: { "/tasks": { get: { operationId: "listTeamTasks", responses: { "200": { description: "ok" } } } } },
    }),
    actor: SYSTEM_ACTOR,
  });
  await env.enable(appResourceId, ["list_team_tasks"]);
  // Three published resources, three connections and three imports on PGlite: slow on a loaded machine.
}, 120_000);
afterAll(() => env?.tasklab.close());
beforeEach(() => env.tasklab.reset());

describe("importing tools", () => {
  it("stores the operations disabled, keeps a re-imported operation's name and switch, and audits it", async () => {
    const tools = await listResourceTools({ projectId: env.projectId, resourceId: env.sharedResourceId });
    expect(tools.map((tool) => [tool.name, tool.operationKey, tool.enabled])).toEqual([
      ["list_tasks", "GET /tasks", true],
      ["create_task", "POST /tasks", true],
      ["get_task", "GET /tasks/{id}", true],
      ["get_me", "GET /me", true],
      ["get_flaky", "GET /flaky/{key}", false],
      ["get_limited", "GET /limited/{key}", false],
      ["get_slow", "GET /slow", false],
    ]);
    const renamed = await changeResourceTool({
      projectId: env.projectId,
      resourceId: env.aliceResourceId,
      toolId: (await listResourceTools({ projectId: env.projectId, resourceId: env.aliceResourceId })).find(
        (tool) => tool.name === "post_tasks",
      )!.id,
      name: "add_task",
      actor: SYSTEM_ACTOR,
    });
    // The same document again: the rename and the switch stay.
    const again = await importResourceTools({
      projectId: env.projectId,
      resourceId: env.aliceResourceId,
      text: taskLabOpenApi30Json(),
      actor: SYSTEM_ACTOR,
    });
    expect(again).toMatchObject({ kept: 3, added: 0, removed: 0 });
    const kept = again.tools.find((tool) => tool.id === renamed.id)!;
    expect(kept).toMatchObject({ name: "add_task", enabled: true });
    await changeResourceTool({
      projectId: env.projectId,
      resourceId: env.aliceResourceId,
      toolId: renamed.id,
      name: "post_tasks",
      actor: SYSTEM_ACTOR,
    });
    const events = await listAuditEvents({ projectId: env.projectId, limit: 200 });
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining(["resource.tools_imported", "tool.enabled", "tool.renamed"]),
    );
  });

  it("refuses a name another enabled tool of the project has", async () => {
    const listTasks30 = (await listResourceTools({ projectId: env.projectId, resourceId: env.aliceResourceId })).find(
      (tool) => tool.name === "list_tasks",
    )!;
    await expect(
      changeResourceTool({
        projectId: env.projectId,
        resourceId: env.aliceResourceId,
        toolId: listTasks30.id,
        enabled: true,
        actor: SYSTEM_ACTOR,
      }),
    ).rejects.toMatchObject({ code: "invalid_input", fields: { name: expect.stringMatching(/Another tool/) } });
    await expect(
      changeResourceTool({
        projectId: env.projectId,
        resourceId: env.aliceResourceId,
        toolId: listTasks30.id,
        name: "List tasks",
        actor: SYSTEM_ACTOR,
      }),
    ).rejects.toMatchObject({ code: "invalid_input", fields: { name: expect.any(String) } });
  });

  it("stores nothing from a hostile document", async () => {
    const before = await listResourceTools({ projectId: env.projectId, resourceId: env.sharedResourceId });
    const circular = JSON.stringify({
      openapi: "3.1.0",
      info: { title: "T", version: "1" },
      paths: {
        "/n": {
          get: {
            responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/N" } } } } },
          },
        },
      },
      components: { schemas: { N: { type: "object", properties: { next: { $ref: "#/components/schemas/N" } } } } },
    });
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) paths[`/p${i}`] = { get: { responses: { "200": { description: "ok" } } } };
    const hostile = [
      circular,
      `# ${"x".repeat(5 * 1024 * 1024)}`,
      JSON.stringify({ openapi: "3.1.0", info: { title: "T", version: "1" }, paths }),
      taskLabOpenApiYaml("https://elsewhere.test"),
    ];
    for (const text of hostile) {
      await expect(
        importResourceTools({ projectId: env.projectId, resourceId: env.sharedResourceId, text, actor: SYSTEM_ACTOR }),
      ).rejects.toMatchObject({
        code: "invalid_openapi_document",
      });
    }
    expect(await listResourceTools({ projectId: env.projectId, resourceId: env.sharedResourceId })).toEqual(before);
  });
});

describe("the Tools API", () => {
  it("lists each user's own tools", async () => {
    const alice = await list({ token: await env.token(ALICE) });
    expect(alice.status).toBe(200);
    const shared = ["create_task", "get_me", "get_task", "list_tasks"];
    expect(namesOf(alice).filter((name) => !name.startsWith("get_flaky") && !name.startsWith("get_slow"))).toEqual([
      ...shared,
      "post_tasks",
    ]);
    const bob = await list({ token: await env.token(BOB) });
    expect(namesOf(bob).filter((name) => !name.startsWith("get_flaky") && !name.startsWith("get_slow"))).toEqual(shared);
    expect(namesOf(await list({ token: await env.token("carol") }))).toEqual([]);
    const getTask = (alice.json!.tools as Array<Record<string, unknown>>).find((tool) => tool.name === "get_task");
    expect(getTask).toMatchObject({
      description: "Read one task\n\nAnswers 404 when no task has this id.",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      outputSchema: { allOf: expect.any(Array) },
    });
    // A Secret Key names the user.
    expect(namesOf(await list({ secretKey: env.secretKey, user: BOB }))).toEqual(namesOf(bob));
    expect(await list({ secretKey: env.secretKey })).toMatchObject({ status: 400, json: { error: { code: "missing_user" } } });
  });

  it("offers an App-Level resource's tools to every user only when the team says so", async () => {
    await offerResourceTools({ projectId: env.projectId, resourceId: appResourceId, offer: true, actor: SYSTEM_ACTOR });
    try {
      expect(namesOf(await list({ token: await env.token("carol") }))).toEqual(["list_team_tasks"]);
      const answer = await call({ token: await env.token("carol") }, "list_team_tasks", {});
      expect(answer).toMatchObject({ status: 200, json: { isError: false, content: { status: 200, body: { tasks: expect.any(Array) } } } });
    } finally {
      await offerResourceTools({ projectId: env.projectId, resourceId: appResourceId, offer: false, actor: SYSTEM_ACTOR });
    }
    expect(namesOf(await list({ token: await env.token("carol") }))).toEqual([]);
    await expect(
      offerResourceTools({ projectId: env.projectId, resourceId: env.sharedResourceId, offer: true, actor: SYSTEM_ACTOR }),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
    const actions = (await listAuditEvents({ projectId: env.projectId, limit: 200 })).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(["resource.tools_offered", "resource.tools_unoffered"]));
  });

  it("calls TaskLab with the calling user's own token", async () => {
    const alice = await call({ token: await env.token(ALICE) }, "get_me", {});
    expect(alice).toMatchObject({ status: 200, json: { isError: false, content: { status: 200, body: { id: "u_ada" } } } });
    const bob = await call({ secretKey: env.secretKey, user: BOB }, "get_me", {});
    expect(bob).toMatchObject({ status: 200, json: { isError: false, content: { status: 200, body: { id: "u_bob" } } } });
    const created = await call({ token: await env.token(BOB) }, "create_task", { body: { title: "From an agent" } });
    expect(created.json).toMatchObject({ isError: false, content: { status: 201, body: { title: "From an agent", done: false } } });
    expect(env.tasklab.apiRequests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/me",
      "GET /api/me",
      "POST /api/tasks",
    ]);
  });

  it("answers arguments that break the schema as a tool error naming the field, sending nothing", async () => {
    const answer = await call({ token: await env.token(ALICE) }, "create_task", { body: { title: 42 } });
    expect(answer).toMatchObject({
      status: 200,
      json: { isError: true, content: { code: "invalid_arguments", message: "/body/title: must be string" } },
    });
    expect((await call({ token: await env.token(ALICE) }, "get_task", { id: "task_1", admin: true })).json).toMatchObject({
      isError: true,
      content: { code: "invalid_arguments", message: "/admin: is not an argument of this tool" },
    });
    expect(env.tasklab.apiRequests).toEqual([]);
  });

  it("sends a path parameter as one encoded segment", async () => {
    const answer = await call({ token: await env.token(ALICE) }, "get_task", { id: "../admin" });
    expect(answer.json).toMatchObject({
      isError: true,
      content: { code: "api_error", status: 404, message: 'The API answered 404: {"error":"not_found"}' },
    });
    expect(env.tasklab.apiRequests.map((request) => request.path)).toEqual(["/api/tasks/..%2Fadmin"]);
    expect((await call({ token: await env.token(ALICE) }, "get_task", { id: ".." })).json).toMatchObject({
      isError: true,
      content: { code: "invalid_arguments" },
    });
    const found = await call({ token: await env.token(ALICE) }, "get_task", { id: "task_1" });
    expect(found.json).toMatchObject({ isError: false, content: { status: 200, body: { id: "task_1" } } });
  });

  it("answers the API's 5xx and a timeout as tool errors, never a 500", async () => {
    await env.enable(env.sharedResourceId, ["get_flaky", "get_slow"]);
    const failed = await call({ token: await env.token(BOB) }, "get_flaky", { key: "tool-5xx", failures: 1, status: 503 });
    expect(failed).toMatchObject({
      status: 200,
      json: {
        isError: true,
        content: { code: "api_error", status: 503, message: expect.stringMatching(/^The API answered 503: .*"flaky"/) },
      },
    });
    // The outbound client gives up after 10 s.
    const slow = await call({ token: await env.token(BOB) }, "get_slow", { ms: 15_000 });
    expect(slow).toMatchObject({
      status: 200,
      json: { isError: true, content: { code: "upstream_unreachable", message: expect.stringMatching(/within 10000 ms/) } },
    });
  }, 30_000);

  it("answers reconnect_needed for an INVALID connection, and lists the tool saying so", async () => {
    const invalidate = (status: "VALID" | "INVALID") => env.setConnectionStatus(env.aliceResourceId, ALICE, status);
    await invalidate("INVALID");
    try {
      const listed = await list({ token: await env.token(ALICE) });
      const postTasks = (listed.json!.tools as Array<{ name: string; description: string }>).find((tool) => tool.name === "post_tasks")!;
      expect(postTasks.description).toMatch(/no longer valid: they must connect again/);
      const answer = await call({ token: await env.token(ALICE) }, "post_tasks", { body: { title: "x" } });
      expect(answer).toMatchObject({ status: 200, json: { isError: true, content: { code: "reconnect_needed" } } });
      expect(env.tasklab.apiRequests).toEqual([]);
    } finally {
      await invalidate("VALID");
    }
  });

  it("refuses another project's User Token, an unknown tool and another user's tool", async () => {
    const other = await projectWithSigningKey();
    const foreign = await signUserToken(other.key.privateKeyPem, { kid: other.key.kid, claims: { sub: ALICE } });
    expect(await list({ token: foreign })).toMatchObject({ status: 401, json: { error: { code: "invalid_user_token" } } });
    expect(await call({ token: foreign }, "get_me", {})).toMatchObject({ status: 401, json: { error: { code: "invalid_user_token" } } });
    expect(await list(null)).toMatchObject({ status: 401, json: { error: { code: "missing_user_token" } } });
    expect(await call({ token: await env.token(ALICE) }, "no_such_tool", {})).toMatchObject({
      status: 404,
      json: { error: { code: "tool_not_found" } },
    });
    // post_tasks is alice's: bob has no connection to its resource.
    expect(await call({ token: await env.token(BOB) }, "post_tasks", { body: { title: "x" } })).toMatchObject({
      status: 404,
      json: { error: { code: "tool_not_found" } },
    });
    expect(await call({ token: await env.token(ALICE) }, "get_me", "[1]")).toMatchObject({ status: 400 });
  });

  it("counts each call by tool and outcome and logs it without the arguments", async () => {
    const before = await currentMetrics();
    const logs = captureLogs();
    try {
      await call({ token: await env.token(ALICE) }, "create_task", { body: { title: "secret title 7f3a" } });
      await call({ token: await env.token(ALICE) }, "create_task", { body: { title: 7 } });
    } finally {
      logs.restore();
    }
    const after = await currentMetrics();
    const moved = (outcome: string) =>
      sampleValue(after, "switchboard_tool_calls_total", { tool: "create_task", outcome }) -
      sampleValue(before, "switchboard_tool_calls_total", { tool: "create_task", outcome });
    expect([moved("ok"), moved("invalid_arguments")]).toEqual([1, 1]);
    expect(sampleValue(after, "switchboard_tool_call_duration_seconds_count", { tool: "create_task" })).toBeGreaterThanOrEqual(2);
    // The call goes on its request's one line.
    const lines = logs.entries().filter((entry) => entry.tool !== undefined);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "request",
        status: 200,
        requestId: expect.any(String),
        tool: { name: "create_task", userId: ALICE, outcome: "ok", status: 201, durationMs: expect.any(Number) },
      }),
      expect.objectContaining({
        msg: "request",
        tool: expect.objectContaining({ name: "create_task", userId: ALICE, outcome: "invalid_arguments" }),
      }),
    ]);
    expect(logs.text()).not.toContain("secret title 7f3a");
  });
});
