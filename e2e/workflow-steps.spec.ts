import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { allowPrivateNetwork, expect, type TaskLab, test } from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";
import { WorkflowEditor } from "./support/workflow-editor";
import { WorkflowRuns } from "./support/workflow-runs";

// Issue 23, step trees: a workflow that lists TaskLab's tasks, fans out over them with a Function
// that reshapes each, and answers the caller from a Condition's When true. Built in the editor,
// tested there, deployed, called with ?wait=true and read back on the run page.

const SHAPE_TASK = `function run(parameters) {
  console.log("shaping " + parameters.task.id);
  return { id: parameters.task.id, title: parameters.task.title.toUpperCase() };
}`;

interface Task {
  id: string;
  title: string;
}

/** A User Token for `userId`, signed with the private key from Settings → Signing Keys. */
async function userToken(privateKeyPem: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

/** TaskLab's API as any client calls it, with a token of its own: creates a task, or lists them all. */
async function tasklabApi(tasklab: TaskLab, init?: { title: string }): Promise<unknown> {
  const response = await fetch(`${tasklab.url}/api/tasks`, {
    method: init ? "POST" : "GET",
    headers: { authorization: `Bearer ${tasklab.issueTokens().accessToken}`, "content-type": "application/json" },
    body: init && JSON.stringify(init),
  });
  expect(response.ok, `TaskLab answered ${response.status}`).toBe(true);
  return response.json();
}

test("a Request runs list → Fan Out with a Function per task → Condition → Response, and ?wait=true gets the reshaped tasks", async ({
  page,
  projectId,
  tasklab,
  request,
}) => {
  // Settings, the wizard, the editor's Test, a deploy and a run: 25–30 s on one worker, more of a 60 s budget on a loaded CI machine.
  test.slow();
  await allowPrivateNetwork(page, projectId);

  // Settings → Signing Keys (to connect the user) and Secret Keys (to start the run).
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  await page.getByLabel("Key name", { exact: true }).fill("task report backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  await expect(page.getByLabel("Secret key", { exact: true })).toHaveValue(/^sk_/);
  const secretKey = await page.getByLabel("Secret key", { exact: true }).inputValue();

  // A published TaskLab resource, a Connected User, and two more tasks in TaskLab.
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });
  const userId = `customer-${randomUUID().slice(0, 8)}`;
  const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: { authorization: `Bearer ${await userToken(privateKeyPem, userId)}` },
    data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
  });
  expect(connected.status(), await connected.text()).toBe(200);
  const suffix = randomUUID().slice(0, 6);
  await tasklabApi(tasklab, { title: `Review the fan out ${suffix}` });
  await tasklabApi(tasklab, { title: `Answer the caller ${suffix}` });

  // The editor: Request trigger; 1 list_tasks; 2 Fan Out over its tasks holding 2.1 a Function; 3 a Condition holding 3.1 a Response.
  const editor = new WorkflowEditor(page, projectId);
  const workflowId = await editor.create(`Task report ${suffix}`);
  await editor.chooseTrigger("Request");
  await editor.addRequestStep("TaskLab", { key: "list_tasks", method: "GET", path: "/tasks" });
  const fanOut = await editor.addStep("Fan Out");
  await editor.fillFanOut(fanOut, {
    key: "shape_tasks",
    items: "{{steps.list_tasks.body.tasks}}",
    concurrency: 2,
    onItemFailure: "Fail the Fan Out",
  });
  await expect(editor.stepList(fanOut, "Steps for each item")).toContainText("No steps.");
  const shapeTask = await editor.addStepTo(fanOut, "Steps for each item", "Function");
  await expect(shapeTask).toHaveAccessibleName("Step 2.1");
  await editor.fillFunction(shapeTask, { key: "shape_task", parameters: [{ name: "task", value: "{{fanout.item}}" }], code: SHAPE_TASK });
  const condition = await editor.addCondition({ key: "all_shaped", left: "{{steps.shape_tasks.failed}}", operator: "equals", right: "0" });
  const answer = await editor.addStepTo(3, "When true", "Response");
  await expect(answer).toHaveAccessibleName("Step 3.1");
  await editor.fillResponse(answer, {
    key: "answer",
    status: 200,
    headers: [{ name: "X-Shaped-Count", value: "{{steps.shape_tasks.succeeded}}" }],
    body: '{ "tasks": "{{steps.shape_tasks.items}}" }',
  });
  await expect(editor.steps).toHaveCount(3);
  await expect(editor.stepList(condition, "Otherwise")).toContainText("No steps.");
  await editor.save();

  // Test runs the draft on the test connection: TaskLab's list, each task through the Function, the answer.
  const tasks = ((await tasklabApi(tasklab)) as { tasks: Task[] }).tasks;
  expect(tasks.length).toBeGreaterThanOrEqual(5);
  const shaped = tasks.map((task) => ({ id: task.id, title: task.title.toUpperCase() }));
  await expect(await editor.test()).toContainText("Test succeeded: every step ran.");
  await expect(editor.testStep("list_tasks").getByTestId("step-response-status")).toHaveText("200");
  const fanOutResult = editor.testStep("shape_tasks");
  await expect(fanOutResult.getByTestId("step-status")).toHaveText("Succeeded");
  await expect(fanOutResult.getByTestId("fan-out-counts")).toHaveText(`${tasks.length} succeeded, 0 failed`);
  const itemsTested = fanOutResult
    .getByRole("list", { name: "Items tested" })
    .getByRole("listitem")
    .filter({ hasText: /^Item \d+/ });
  await expect(itemsTested.first()).toContainText("Item 0");
  await expect(itemsTested.first()).toContainText("shape_task");
  // The Function's card shows its outcome for the first item: the parameters it got and its result.
  const functionResult = editor.testStep("shape_task");
  await expect(functionResult.getByRole("region", { name: "Parameters sent" })).toContainText(`"id": "${tasks[0]!.id}"`);
  await expect(functionResult.getByRole("region", { name: "Function result" })).toContainText(`"title": "${shaped[0]!.title}"`);
  await expect(functionResult.getByRole("region", { name: "Console lines" })).toHaveText(`shaping ${tasks[0]!.id}`);
  await expect(editor.testStep("all_shaped").getByTestId("step-status")).toHaveText("Succeeded");
  const answerResult = editor.testStep("answer");
  await expect(answerResult.getByTestId("response-step-status")).toHaveText("200");
  await expect(answerResult.getByRole("region", { name: "Headers answered" })).toContainText(`X-Shaped-Count: ${tasks.length}`);
  // The Function's result for each task, as the Fan Out's items hold it.
  for (const task of shaped) await expect(answerResult.getByTestId("response-step-body")).toContainText(`"title": "${task.title}"`);
  expect(await editor.deploy()).toBe(1);

  // The team's backend starts a run with the Secret Key and waits for its answer.
  const started = Date.now();
  const run = await request.post(`/projects/${projectId}/sdk/workflows/${workflowId}/runs?wait=true`, {
    headers: { authorization: `Bearer ${secretKey}`, "x-switchboard-user": userId },
    data: { reason: "weekly report" },
  });
  expect(run.status(), await run.text()).toBe(200);
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(run.headers()["x-shaped-count"]).toBe(String(tasks.length));
  expect(run.headers()["content-type"]).toMatch(/^application\/json/);
  const answered = (await run.json()) as { tasks: { result: Task; logs: string[] }[] };
  expect(answered.tasks.map((item) => item.result)).toEqual(shaped);
  expect(answered.tasks[0]!.logs).toEqual([`shaping ${tasks[0]!.id}`]);

  // Runs: the run, its steps in tree order, the Fan Out's items with their steps, and what it answered.
  await editor.openRuns();
  const runs = new WorkflowRuns(page);
  await expect(runs.rows).toHaveCount(1);
  await runs.openRun(0);
  await expect(runs.runStatus).toHaveText("Succeeded", { timeout: 20_000 });
  await expect(runs.triggerInput).toContainText('"reason": "weekly report"');
  await expect(runs.stepStatus("list_tasks")).toHaveText("Succeeded");
  await expect(runs.stepStatus("shape_tasks")).toHaveText("Succeeded");
  await expect(runs.fanOutCounts("2")).toHaveText(`${tasks.length} succeeded, 0 failed`);
  const firstItem = await runs.openFanOutItem("2", 0);
  await expect(runs.stepStatus("shape_task", firstItem)).toHaveText("Succeeded");
  await expect(runs.step("shape_task", firstItem).getByRole("region", { name: "Step output" })).toContainText(
    `"title": "${shaped[0]!.title}"`,
  );
  await expect(runs.stepStatus("all_shaped")).toHaveText("Succeeded");
  const whenTrue = runs.step("all_shaped").getByRole("group", { name: "When true", exact: true });
  await expect(runs.stepStatus("answer", whenTrue)).toHaveText("Succeeded");
  await expect(runs.answerStatus).toHaveText("200");
  await expect(runs.answerBody).toContainText(`"title": "${shaped.at(-1)!.title}"`);
});
