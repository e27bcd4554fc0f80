import { randomUUID } from "node:crypto";
import { expect, test } from "./support/test";
import { WorkflowEditor } from "./support/workflow-editor";
import { WorkflowRuns } from "./support/workflow-runs";

// Expose as a tool in the editor (Agents): the Tool name and Input schema pre-filled, a schema
// that is not an object's and one the validator refuses shown on the field, then deployed, called
// through the Tools API with a Secret Key for a Connected User, and its run in Runs as Tool call.
test.describe.configure({ timeout: 90_000 });

test("a Request workflow exposed as a tool: its Input schema checked at save, deployed, called through the Tools API, its run a Tool call", async ({
  page,
  projectId,
  request,
}) => {
  await page.goto(`/projects/${projectId}/settings`);
  await page.getByLabel("Key name", { exact: true }).fill("agent backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  await expect(page.getByLabel("Secret key", { exact: true })).toHaveValue(/^sk_/);
  const secretKey = await page.getByLabel("Secret key", { exact: true }).inputValue();

  const editor = new WorkflowEditor(page, projectId);
  const suffix = randomUUID().slice(0, 6);
  const workflowId = await editor.create(`Greet ${suffix}`);
  await editor.chooseTrigger("Request");
  await editor.setSampleTrigger({ body: { name: "Ada", times: 2 } });
  const answer = await editor.addStep("Response");
  await editor.fillResponse(answer, { status: 200, body: '{"greeting": "Hello {{trigger.body.name}}"}' });

  // Exposed: named after the workflow, the input schema inferred from the sample's body.
  await page.getByLabel("Expose as a tool").check();
  const toolName = page.getByLabel("Tool name", { exact: true });
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
  const tool = `greet_tool_${suffix}`.replace(/[^a-z0-9_]/g, "_");
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

  const headers = { authorization: `Bearer ${secretKey}`, "x-switchboard-user": "ada" };
  const listed = await request.get(`/projects/${projectId}/sdk/tools`, { headers });
  expect(listed.status(), await listed.text()).toBe(200);
  expect(((await listed.json()) as { tools: { name: string }[] }).tools.map((entry) => entry.name)).toEqual(["get_run_status", tool]);
  const called = await request.post(`/projects/${projectId}/sdk/tools/${tool}`, { headers, data: { name: "Ada" } });
  expect(called.status(), await called.text()).toBe(200);
  expect(await called.json()).toEqual({ isError: false, content: { status: 200, body: { greeting: "Hello Ada" } } });

  await editor.openRuns();
  const runs = new WorkflowRuns(page);
  await expect(runs.rows).toHaveCount(1);
  await expect(runs.rows.first()).toContainText("Tool call");
  await runs.openRun(0);
  await expect(page.getByText("Tool call", { exact: true })).toBeVisible();

  // Unexposed and saved, the draft holds no tool (agents keep it until the next deploy).
  await page.goto(editor.editorUrl(workflowId));
  await page.getByLabel("Expose as a tool").uncheck();
  await editor.save();
  await page.reload();
  await expect(page.getByLabel("Expose as a tool")).not.toBeChecked();
  await expect(toolName).toBeHidden();
});
