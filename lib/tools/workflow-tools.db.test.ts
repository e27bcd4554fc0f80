import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/db/queries/audit-events";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { listResourceTools } from "@/db/queries/resource-tools";
import { createSecretKey } from "@/db/queries/secret-keys";
import { createWorkflow, listProjectWorkflowTools, setUserWorkflowEnabled } from "@/db/queries/workflows";
import type { StoredStep } from "@/db/workflow-definition";
import { GET as listRoute } from "@/app/projects/[projectId]/sdk/tools/route";
import { POST as callRoute } from "@/app/projects/[projectId]/sdk/tools/[toolName]/route";
import { exportWorkflow, importWorkflow } from "@/lib/as-code/workflow";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { AppError } from "@/lib/errors";
import { describeTrigger } from "@/lib/workflows/run-view";
import { getRunDetail, listRunsPage } from "@/lib/workflows/runs";
import { deployWorkflow, saveWorkflow } from "@/lib/workflows/workflows";
import { TOOL_CALL_WAIT_MS } from "@/lib/workflows/api-schema";
import { changeResourceTool, importResourceTools } from "@/lib/tools/resource-tools";
import { taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { callSdkRoute, type SdkAuth } from "@/test/support/sdk-route-fixtures";
import { connectedUser, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { workflowToolSource } from "./workflow-tools";
import type { ToolContext } from "./types";

// Workflows as tools (Agents) on a real database with the engine's workers and TaskLab: Expose as
// a tool refused with the validator's error or a name another tool has, the Tools API listing a
// workflow tool only to the users it is enabled for, a call answered with what its Response step
// made of TaskLab's answer, the run in Runs as Tool call, a run longer than the wait answered as
// running and get_run_status answering later, and another user's run not found.

const env = workflowTestEnv({ resources: { tasklab: "api" } });
let secretKey: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  const secret = generateSecretKey();
  await createSecretKey({ projectId: env.projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  secretKey = secret.key;
  alice = await connectedUser(env.projectId, env.resources.tasklab, env.tasklab);
  bob = await connectedUser(env.projectId, env.resources.tasklab, env.tasklab);
}, 120_000);
afterEach(() => env.tasklab.reset());

const as = (user: string): SdkAuth => ({ secretKey, user });
const list = (auth: SdkAuth) =>
  callSdkRoute(listRoute as never, {
    url: `/projects/${env.projectId}/sdk/tools`,
    params: { projectId: env.projectId },
    auth,
    method: "GET",
  });
const call = (auth: SdkAuth, name: string, args: unknown) =>
  callSdkRoute(callRoute as never, {
    url: `/projects/${env.projectId}/sdk/tools/${name}`,
    params: { projectId: env.projectId, toolName: name },
    auth,
    body: args,
  });
const namesOf = (answer: Awaited<ReturnType<typeof list>>) => (answer.json?.tools as { name: string }[]).map((tool) => tool.name);

const createStep = (): StoredStep =>
  requestStep(env.resources.tasklab, "create", "POST", "/tasks", { body: '{"title": "{{trigger.body.title}}"}' });
const respond = (key = "answer"): StoredStep => ({
  key,
  type: "response",
  status: 201,
  headers: [],
  body: '{"created": "{{steps.create.body.id}}", "titled": "{{steps.create.body.title}}"}',
});
const titleSchema = { type: "object", properties: { title: { type: "string" } }, required: ["title"] };

/** The editor's values of a Request workflow exposed as tool `name` (the input schema as the editor's text). */
function values(name: string, steps: StoredStep[], tool: Record<string, unknown> = {}) {
  return {
    name: `Workflow ${name}`,
    sampleTrigger: JSON.stringify({ body: { title: "Write the report" } }),
    trigger: {
      kind: "request",
      tool: { name, description: "Creates a task in TaskLab.", inputSchema: JSON.stringify(titleSchema), ...tool },
    },
    steps,
  };
}

/** A new workflow saved from the editor's values and deployed; answers its id. */
async function exposed(name: string, steps: StoredStep[], tool: Record<string, unknown> = {}): Promise<string> {
  const workflow = await createWorkflow({ projectId: env.projectId, name: `Workflow ${name}`, actor: SYSTEM_ACTOR });
  await saveWorkflow({ projectId: env.projectId, workflowId: workflow.id, values: values(name, steps, tool), actor: SYSTEM_ACTOR });
  await deployWorkflow({ projectId: env.projectId, workflowId: workflow.id, actor: SYSTEM_ACTOR });
  return workflow.id;
}

/** The field errors a save is refused with. */
async function refusedFields(name: string, tool: Record<string, unknown>): Promise<Record<string, string>> {
  const workflow = await createWorkflow({ projectId: env.projectId, name: `Refused ${name}`, actor: SYSTEM_ACTOR });
  const error = await saveWorkflow({
    projectId: env.projectId,
    workflowId: workflow.id,
    values: values(name, [createStep()], tool),
    actor: SYSTEM_ACTOR,
  }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("invalid_input");
  return (error as AppError).fields ?? {};
}

async function context(userId: string): Promise<ToolContext> {
  const revision = (await getProjectRevision({ projectId: env.projectId }))!;
  return { project: { id: env.projectId, allowPrivateNetwork: true, revision }, userId, caller: { kind: "backend", userId } };
}

describe("Expose as a tool, at save", () => {
  it("refuses an input schema that is not a schema of an object, or not a valid JSON Schema, with the validator's error", async () => {
    expect((await refusedFields("not_an_object", { inputSchema: '{"type": "string"}' }))["trigger.tool.inputSchema"]).toMatch(
      /must be a JSON Schema of an object/,
    );
    expect((await refusedFields("not_json", { inputSchema: "{type: object" }))["trigger.tool.inputSchema"]).toMatch(/not JSON/);
    const invalid = await refusedFields("invalid_schema", {
      inputSchema: JSON.stringify({ type: "object", properties: { title: { type: "strin" } } }),
    });
    expect(invalid["trigger.tool.inputSchema"]).toMatch(/not a valid JSON Schema: schema is invalid: data\/properties\/title\/type/);
    expect((await refusedFields("no_description", { description: " " }))["trigger.tool.description"]).toMatch(
      /Describe what the tool does/,
    );
    expect((await refusedFields("Bad-Name", {}))["trigger.tool.name"]).toMatch(/lowercase letters/);
    expect((await refusedFields("get_run_status", {}))["trigger.tool.name"]).toMatch(/Switchboard's own tool/);
  });

  it("refuses a name an enabled OpenAPI operation tool has, and an operation turned on with a workflow tool's name", async () => {
    const resourceId = env.resources.tasklab;
    await importResourceTools({ projectId: env.projectId, resourceId, text: taskLabOpenApiYaml(env.tasklab.url), actor: SYSTEM_ACTOR });
    const tools = await listResourceTools({ projectId: env.projectId, resourceId });
    const listTasks = tools.find((tool) => tool.name === "list_tasks")!;
    await changeResourceTool({ projectId: env.projectId, resourceId, toolId: listTasks.id, enabled: true, actor: SYSTEM_ACTOR });
    expect((await refusedFields("list_tasks", {}))["trigger.tool.name"]).toMatch(/already the name of a tool of .*OpenAPI operation/);

    await exposed("get_me", [createStep(), respond()]);
    const getMe = tools.find((tool) => tool.name === "get_me")!;
    await expect(
      changeResourceTool({ projectId: env.projectId, resourceId, toolId: getMe.id, enabled: true, actor: SYSTEM_ACTOR }),
    ).rejects.toMatchObject({ code: "invalid_input", fields: { name: expect.stringMatching(/has this name/) } });
    // And another workflow's tool name.
    expect((await refusedFields("get_me", {}))["trigger.tool.name"]).toMatch(/already the name of workflow Workflow get_me's tool/);
    // get_run_status is Switchboard's own: no operation tool turned on takes it.
    await expect(
      changeResourceTool({ projectId: env.projectId, resourceId, toolId: getMe.id, name: "get_run_status", actor: SYSTEM_ACTOR }),
    ).resolves.toMatchObject({ name: "get_run_status", enabled: false });
    await expect(
      changeResourceTool({ projectId: env.projectId, resourceId, toolId: getMe.id, enabled: true, actor: SYSTEM_ACTOR }),
    ).rejects.toMatchObject({ fields: { name: expect.stringMatching(/Switchboard's own tool/) } });
  });

  it("audits exposing and unexposing on deploy, and carries the tool through as-code export and import", async () => {
    const workflowId = await exposed("as_code_tool", [createStep(), respond()]);
    const document = await exportWorkflow({ projectId: env.projectId, workflowId });
    expect(document.trigger).toEqual({
      kind: "request",
      tool: { name: "as_code_tool", description: "Creates a task in TaskLab.", inputSchema: titleSchema },
    });
    // Imported beside it, its name is taken: refused; renamed, it imports with the tool.
    await expect(importWorkflow({ projectId: env.projectId, document, actor: SYSTEM_ACTOR })).rejects.toMatchObject({
      fields: { "trigger.tool.name": expect.stringMatching(/already the name/) },
    });
    const renamed = {
      ...document,
      trigger: { kind: "request", tool: { ...(document.trigger as { tool: object }).tool, name: "copy_tool" } },
    };
    const { workflowId: copyId } = await importWorkflow({ projectId: env.projectId, document: renamed, actor: SYSTEM_ACTOR });
    expect((await exportWorkflow({ projectId: env.projectId, workflowId: copyId })).trigger).toEqual(renamed.trigger);

    const unexposed = { ...values("as_code_tool", [createStep(), respond()]), trigger: { kind: "request" } };
    await saveWorkflow({ projectId: env.projectId, workflowId, values: unexposed, actor: SYSTEM_ACTOR });
    await deployWorkflow({ projectId: env.projectId, workflowId, actor: SYSTEM_ACTOR });
    const events = (await listAuditEvents({ projectId: env.projectId, objectType: "workflow", limit: 200 })).filter(
      (event) => event.objectId === workflowId,
    );
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(["workflow.tool_exposed", "workflow.tool_unexposed"]));
  });
});

describe("Settings → Agents' workflow tools", () => {
  it("lists the workflows whose deployed version or draft exposes a tool, with both tools, and not one that exposes none", async () => {
    const deployed = await exposed("agents_deployed", [createStep(), respond()]);
    const draftOnly = await createWorkflow({ projectId: env.projectId, name: "Workflow agents_draft", actor: SYSTEM_ACTOR });
    await saveWorkflow({
      projectId: env.projectId,
      workflowId: draftOnly.id,
      values: values("agents_draft", [createStep(), respond()]),
      actor: SYSTEM_ACTOR,
    });
    const none = await createWorkflow({ projectId: env.projectId, name: "Workflow agents_none", actor: SYSTEM_ACTOR });
    const untooledTrigger = { kind: "request" };
    await saveWorkflow({
      projectId: env.projectId,
      workflowId: none.id,
      values: { ...values("agents_none", [createStep(), respond()]), trigger: untooledTrigger },
      actor: SYSTEM_ACTOR,
    });
    const ours = async () =>
      (await listProjectWorkflowTools({ projectId: env.projectId })).filter((row) =>
        [deployed, draftOnly.id, none.id].includes(row.workflowId),
      );

    expect(await ours()).toEqual([
      {
        workflowId: deployed,
        workflowName: "Workflow agents_deployed",
        enabledForAll: true,
        deployedTool: expect.objectContaining({ name: "agents_deployed", inputSchema: titleSchema }),
        draftTool: expect.objectContaining({ name: "agents_deployed" }),
      },
      {
        workflowId: draftOnly.id,
        workflowName: "Workflow agents_draft",
        enabledForAll: true,
        deployedTool: null,
        draftTool: expect.objectContaining({ name: "agents_draft", description: "Creates a task in TaskLab." }),
      },
    ]);

    // Unexposed in the draft: the deployed tool is still offered until the next deploy.
    await saveWorkflow({
      projectId: env.projectId,
      workflowId: deployed,
      values: { ...values("agents_deployed", [createStep(), respond()]), trigger: untooledTrigger },
      actor: SYSTEM_ACTOR,
    });
    expect((await ours()).find((row) => row.workflowId === deployed)).toMatchObject({
      deployedTool: { name: "agents_deployed" },
      draftTool: null,
    });
  });
});

describe("a workflow tool, through the Tools API", () => {
  it("is listed, with get_run_status, only to the users it is enabled for", async () => {
    const workflowId = await exposed("create_task_for_me", [createStep(), respond()]);
    await setUserWorkflowEnabled({ projectId: env.projectId, workflowId, userId: bob, enabled: false, actor: SYSTEM_ACTOR });
    const forAlice = await list(as(alice));
    expect(namesOf(forAlice)).toEqual(expect.arrayContaining(["create_task_for_me", "get_run_status"]));
    expect((forAlice.json!.tools as { name: string }[]).find((tool) => tool.name === "create_task_for_me")).toEqual({
      name: "create_task_for_me",
      description: "Creates a task in TaskLab.",
      inputSchema: titleSchema,
    });
    expect(namesOf(await list(as(bob)))).not.toContain("create_task_for_me");
    expect((await call(as(bob), "create_task_for_me", { title: "Not Bob's" })).json?.error).toMatchObject({ code: "tool_not_found" });
  });

  it("answers what its Response step made of TaskLab's answer, and the run is in Runs with trigger Tool call", async () => {
    const workflowId = await exposed("create_task", [createStep(), respond()]);
    const answered = await call(as(alice), "create_task", { title: "Write the report" });
    expect(answered.status).toBe(200);
    expect(answered.json).toEqual({ isError: false, content: { status: 201, body: { created: "task_4", titled: "Write the report" } } });
    expect(env.tasklab.apiRequests.filter((request) => request.method === "POST")).toHaveLength(1);

    const { runs } = await listRunsPage({ projectId: env.projectId, workflowId });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ userId: alice, trigger: { kind: "tool_call", input: { body: { title: "Write the report" } } } });
    expect(describeTrigger(runs[0]!.trigger)).toBe("Tool call");

    // Arguments that break the input schema start no run.
    expect((await call(as(alice), "create_task", { title: 7 })).json).toMatchObject({
      isError: true,
      content: { code: "invalid_arguments", message: "/title: must be string" },
    });
    expect((await listRunsPage({ projectId: env.projectId, workflowId })).runs).toHaveLength(1);
  });

  it("without a Response step answers the last step's output; a failed run is a tool error with its error", async () => {
    await exposed("create_task_plain", [createStep()]);
    const answered = await call(as(alice), "create_task_plain", { title: "Plain" });
    expect(answered.json).toMatchObject({ isError: false, content: { status: 200, body: { status: 201, body: { title: "Plain" } } } });
    // TaskLab refuses an empty title (400): the step and the run fail.
    const failed = await call(as(alice), "create_task_plain", { title: "" });
    expect(failed.json).toMatchObject({ isError: true, content: { code: "run_failed", message: expect.stringMatching(/failed: .*400/) } });
  });

  it("a run longer than the wait answers running with its id; get_run_status answers later, for its own user only", async () => {
    expect(TOOL_CALL_WAIT_MS).toBe(30_000);
    const delay: StoredStep = { key: "later", type: "delay", seconds: 2 };
    await exposed("slow_task", [delay, createStep(), respond()]);
    // The wait shortened to 300 ms: the 30 s default would make this test sleep.
    const tool = await workflowToolSource({ waitMs: 300 }).find(await context(alice), "slow_task");
    const running = await tool!.call({ title: "Later" });
    expect(running).toMatchObject({
      isError: false,
      status: 202,
      body: { status: "running", runId: expect.any(String), message: expect.stringContaining("get_run_status") },
    });
    const runId = (running as { body: { runId: string } }).body.runId;

    const early = await call(as(alice), "get_run_status", { runId });
    expect(early.json).toMatchObject({
      isError: false,
      content: { status: 202, body: { runId, status: expect.stringMatching(/queued|running/) } },
    });

    // Another user's run id is not found, as one that does not exist.
    const notBobs = await call(as(bob), "get_run_status", { runId });
    expect(notBobs.json).toMatchObject({ isError: true, content: { code: "run_not_found" } });
    expect((await call(as(alice), "get_run_status", { runId: crypto.randomUUID() })).json).toMatchObject({
      isError: true,
      content: { code: "run_not_found" },
    });

    const later = await waitFor(
      "get_run_status to answer",
      () => call(as(alice), "get_run_status", { runId }),
      (answer) => (answer.json?.content as { status?: number } | undefined)?.status === 200,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(later.json).toEqual({
      isError: false,
      content: {
        status: 200,
        body: {
          runId,
          status: expect.stringMatching(/running|succeeded/),
          answer: { status: 201, body: { created: "task_4", titled: "Later" } },
        },
      },
    });
    expect((await getRunDetail({ projectId: env.projectId, runId })).run.trigger.kind).toBe("tool_call");
  }, 40_000);
});
