import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { importPKCS8, SignJWT } from "jose";
import { taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";
import { WorkflowEditor } from "./support/workflow-editor";
import { WorkflowRuns } from "./support/workflow-runs";

// Agents, one journey: TaskLab's OpenAPI document imported on a published resource's Tools tab
// (a server elsewhere refused first), two operations turned on, a Request workflow exposed as a
// tool in the editor (its Input schema checked at save) and deployed, the three in Settings →
// Agents; then a Connected User's agent through the Tools API and through the MCP endpoint with the
// SDK's own Client (TaskLab answers the operation tools, the workflow's Response the workflow
// tool, its run a Tool call in Runs). Allow for a loaded machine.
test.describe.configure({ timeout: 180_000 });

async function userToken(privateKeyPem: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

test("TaskLab's operations and a workflow as tools, listed in Settings → Agents and called by an agent over MCP", async ({
  page,
  projectId,
  tasklab,
  request,
}) => {
  test.slow();
  await allowPrivateNetwork(page, projectId);
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  await page.goto(`/projects/${projectId}/settings`);
  await page.getByLabel("Key name", { exact: true }).fill("agent backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  await expect(page.getByLabel("Secret key", { exact: true })).toHaveValue(/^sk_/);
  const secretKey = await page.getByLabel("Secret key", { exact: true }).inputValue();

  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });
  const userId = `agent-user-${randomUUID().slice(0, 8)}`;
  const token = await userToken(privateKeyPem, userId);
  const auth = { authorization: `Bearer ${token}` };
  const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: auth,
    data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
  });
  expect(connected.status(), await connected.text()).toBe(200);

  await test.step("the Tools tab: TaskLab's OpenAPI document imported, two operations turned on", async () => {
    await page.goto(`/projects/${projectId}/resources/${resourceId}`);
    await page.getByRole("link", { name: "Tools" }).click();
    await expect(page).toHaveURL(new RegExp(`/resources/${resourceId}/tools$`));
    await expect(page.getByText("No operations yet")).toBeVisible();

    // A server elsewhere is refused, and nothing is listed.
    await page.getByRole("textbox", { name: "OpenAPI document" }).fill(taskLabOpenApiYaml("https://elsewhere.test"));
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: "is not under the resource's API Base URL" })).toBeVisible();
    await expect(page.getByText("No operations yet")).toBeVisible();

    await page.getByRole("textbox", { name: "OpenAPI document" }).fill(taskLabOpenApiYaml(tasklab.url));
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByText("Imported: 7 new operations")).toBeVisible();
    await expect(page.getByText("7 operations, 0 on as tools.")).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: "Read one task" });
    await expect(row.getByRole("cell").nth(1)).toHaveText("/tasks/{id}");
    await expect(row.getByLabel("Tool name of GET /tasks/{id}")).toHaveValue("get_task");

    await page.getByRole("switch", { name: "Tool POST /tasks" }).check();
    await expect(page.getByText("7 operations, 1 on as tools.")).toBeVisible();
    await page.getByRole("switch", { name: "Tool GET /tasks/{id}" }).check();
    await expect(page.getByText("7 operations, 2 on as tools.")).toBeVisible();
    await expect(page.getByRole("switch", { name: "Tool POST /tasks" })).toBeChecked();
  });

  const editor = new WorkflowEditor(page, projectId);
  const suffix = randomUUID().slice(0, 6);
  const workflowName = `Greet ${suffix}`;
  const tool = `greet_tool_${suffix}`.replace(/[^a-z0-9_]/g, "_");
  const toolName = page.getByLabel("Tool name", { exact: true });
  const workflowId =
    await test.step("the editor: a Request workflow exposed as a tool, its Input schema checked at save, deployed", async () => {
      const id = await editor.create(workflowName);
      await editor.chooseTrigger("Request");
      await editor.setSampleTrigger({ body: { name: "Ada", times: 2 } });
      const answer = await editor.addStep("Response");
      await editor.fillResponse(answer, { status: 200, body: '{"greeting": "Hello {{trigger.body.name}}"}' });

      // Exposed: named after the workflow, the input schema inferred from the sample's body.
      await page.getByLabel("Expose as a tool").check();
      const inputSchema = page.getByLabel("Input schema", { exact: true });
      await expect(toolName).toHaveValue(`greet_${suffix}`.replace(/[^a-z0-9_]/g, "_"));
      expect(JSON.parse(await inputSchema.inputValue())).toEqual({
        type: "object",
        properties: { name: { type: "string" }, times: { type: "integer" } },
        required: ["name", "times"],
      });

      // A description is required; a schema not of an object is refused in the form, one the validator cannot compile by the save.
      const description = page.getByLabel("Description", { exact: true });
      await editor.trySave();
      await editor.expectFieldError(description, /Describe what the tool does/);
      await description.fill("Greets someone by name.");
      await inputSchema.fill('{"type": "string"}');
      await editor.trySave();
      await editor.expectFieldError(inputSchema, /must be a JSON Schema of an object/);
      await inputSchema.fill('{"type": "object", "properties": {"name": {"type": "strin"}}}');
      await editor.trySave();
      await editor.expectFieldError(inputSchema, /not a valid JSON Schema/);
      await inputSchema.fill('{"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}');
      await toolName.fill(tool);
      // Unchecked and checked again, it keeps what was typed.
      await page.getByLabel("Expose as a tool").uncheck();
      await expect(toolName).toBeHidden();
      await page.getByLabel("Expose as a tool").check();
      await expect(toolName).toHaveValue(tool);
      await editor.deploy();

      // The reloaded editor shows the saved tool.
      await page.reload();
      await expect(page.getByLabel("Expose as a tool")).toBeChecked();
      await expect(toolName).toHaveValue(tool);
      return id;
    });

  const agentsTable = page.getByRole("table", { name: "Tools" });
  const agentsRow = (name: string) => agentsTable.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
  await test.step("Settings → Agents: the three tools and where each comes from", async () => {
    await page.goto(`/projects/${projectId}/settings`);
    await page.getByRole("link", { name: "Agents", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/settings/agents$`));
    await expect(page.getByTestId("mcp-url")).toHaveText(new RegExp(`/projects/${projectId}/mcp$`));
    await expect(agentsTable.getByRole("row")).toHaveCount(4);
    await expect(agentsRow("create_task")).toContainText("POST /tasks");
    await expect(agentsRow("create_task")).toContainText("Each user connected to the resource");
    await expect(agentsRow("get_task")).toContainText("GET /tasks/{id}");
    await expect(agentsRow(tool)).toContainText("Request trigger → Tool call");
    await expect(agentsRow(tool)).toContainText("Every user the workflow is enabled for");
    await expect(agentsRow(tool).getByRole("link", { name: workflowName })).toHaveAttribute(
      "href",
      `/projects/${projectId}/workflows/${workflowId}`,
    );
    // get_run_status comes with the workflow tools: named under the table, not a row of it.
    await expect(agentsRow("get_run_status")).toHaveCount(0);
    await expect(page.getByText(/also get get_run_status/)).toBeVisible();
  });

  await test.step("the Tools API: each user sees only theirs; an operation tool and the workflow tool called", async () => {
    const listed = await request.get(`/projects/${projectId}/sdk/tools`, { headers: auth });
    expect(listed.status()).toBe(200);
    expect(((await listed.json()) as { tools: { name: string }[] }).tools.map((entry) => entry.name)).toEqual([
      "create_task",
      "get_run_status",
      "get_task",
      tool,
    ]);
    tasklab.reset();
    const called = await request.post(`/projects/${projectId}/sdk/tools/create_task`, {
      headers: auth,
      data: { body: { title: "From the agent" } },
    });
    expect(await called.json()).toMatchObject({ isError: false, content: { status: 201, body: { title: "From the agent" } } });
    expect(tasklab.apiRequests.map((sent) => `${sent.method} ${sent.path}`)).toEqual(["POST /api/tasks"]);

    // A user with no connection, by Secret Key: the workflow tool alone.
    const headers = { authorization: `Bearer ${secretKey}`, "x-switchboard-user": "ada" };
    const adaListed = await request.get(`/projects/${projectId}/sdk/tools`, { headers });
    expect(adaListed.status(), await adaListed.text()).toBe(200);
    expect(((await adaListed.json()) as { tools: { name: string }[] }).tools.map((entry) => entry.name)).toEqual(["get_run_status", tool]);
    const greeted = await request.post(`/projects/${projectId}/sdk/tools/${tool}`, { headers, data: { name: "Ada" } });
    expect(greeted.status(), await greeted.text()).toBe(200);
    expect(await greeted.json()).toEqual({ isError: false, content: { status: 200, body: { greeting: "Hello Ada" } } });
  });

  await test.step("MCP: the SDK's own Client with the Connected User's User Token", async () => {
    const client = new Client({ name: "switchboard-e2e", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`/projects/${projectId}/mcp`, page.url()), {
      requestInit: { headers: auth },
    });
    await client.connect(transport);
    try {
      expect(client.getServerCapabilities()?.tools).toBeDefined();
      const { tools } = await client.listTools();
      expect(tools.map((entry) => entry.name)).toEqual(["create_task", "get_run_status", "get_task", tool]);

      tasklab.reset();
      const created = await client.callTool({ name: "create_task", arguments: { body: { title: "Through MCP" } } });
      expect(created.isError ?? false).toBe(false);
      expect(created.structuredContent).toMatchObject({ title: "Through MCP", id: expect.any(String) });
      const taskId = (created.structuredContent as { id: string }).id;
      const read = await client.callTool({ name: "get_task", arguments: { id: taskId } });
      expect(read.isError ?? false).toBe(false);
      expect(read.structuredContent).toMatchObject({ id: taskId, title: "Through MCP" });
      expect(tasklab.apiRequests.map((sent) => `${sent.method} ${sent.path}`)).toEqual([
        "POST /api/tasks",
        `GET /api/tasks/${encodeURIComponent(taskId)}`,
      ]);

      const greeted = await client.callTool({ name: tool, arguments: { name: "Grace" } });
      expect(greeted.isError ?? false).toBe(false);
      expect(greeted.structuredContent).toEqual({ greeting: "Hello Grace" });
    } finally {
      await client.close();
    }
  });

  await test.step("Runs: the workflow tool's calls are runs with the trigger Tool call", async () => {
    await page.goto(editor.editorUrl(workflowId));
    await editor.openRuns();
    const runs = new WorkflowRuns(page);
    await expect(runs.rows).toHaveCount(2);
    await expect(runs.rows.first()).toContainText("Tool call");
    await runs.openRun(0);
    await expect(page.getByText("Tool call", { exact: true })).toBeVisible();
  });

  await test.step("unexposed in the draft: agents keep the deployed tool until the next deploy, and Agents says so", async () => {
    await page.goto(editor.editorUrl(workflowId));
    await page.getByLabel("Expose as a tool").uncheck();
    await editor.save();
    await page.reload();
    await expect(page.getByLabel("Expose as a tool")).not.toBeChecked();
    await expect(toolName).toBeHidden();
    await page.goto(`/projects/${projectId}/settings/agents`);
    await expect(agentsRow(tool)).toContainText("the draft no longer exposes it: the next deploy removes it");
  });
});
