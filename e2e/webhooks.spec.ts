import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { allowPrivateNetwork, expect, test, type TaskLab } from "./support/tasklab";
import { WebhookSetup } from "./support/webhook-setup";
import { ResourceWizard } from "./support/wizard";
import { WorkflowEditor } from "./support/workflow-editor";
import { WorkflowRuns } from "./support/workflow-runs";

// Resource Triggers end to end: a published TaskLab resource gets Webhooks (Standard Webhooks),
// Listen for test event catches an event TaskLab signs and sends, Use as sample feeds the
// workflow editor's variable menu, a workflow on "TaskLab Triggers → task.created" is deployed,
// and the next event TaskLab sends runs it for the Connected User. Allow for a loaded machine.
test.describe.configure({ timeout: 120_000 });

/** A User Token for `userId`, signed with the private key from Settings → Signing Keys. */
async function userToken(privateKeyPem: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

/** A TaskLab task of its own (a unique id), so what a run asks TaskLab for can be told apart. */
async function newTask(tasklab: TaskLab, title: string): Promise<string> {
  const response = await fetch(`${tasklab.url}/api/tasks`, {
    method: "POST",
    headers: { authorization: `Bearer ${tasklab.issueTokens().accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test("TaskLab sends a signed task.created: it becomes the sample, and once a workflow on it is deployed the next one runs it", async ({
  page,
  projectId,
  tasklab,
  request,
  baseURL,
}) => {
  // A journey through the resource's Webhooks, the editor, a deploy and a run: 40 s of a 60 s budget on a loaded CI machine.
  test.slow();
  await allowPrivateNetwork(page, projectId);

  // Settings → Signing Keys: the key the customer's backend signs User Tokens with.
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  expect(privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");

  // A published User-Level TaskLab resource (OAuth 2.0 Refresh Token) with test credentials.
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });

  // A Connected User, through the Connect API.
  const userId = `customer-${randomUUID().slice(0, 8)}`;
  const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: { authorization: `Bearer ${await userToken(privateKeyPem, userId)}` },
    data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
  });
  expect(connected.status(), await connected.text()).toBe(200);

  // The resource's Webhooks tab: Standard Webhooks with a generated secret, task.created, matched on the User ID.
  const webhooks = new WebhookSetup(page, projectId);
  await page.goto(`/projects/${projectId}/resources/${resourceId}`);
  await webhooks.openTab();
  await expect(page).toHaveURL(new RegExp(`/resources/${resourceId}/webhooks$`));
  const webhookUrl = await webhooks.webhookUrl();
  expect(webhookUrl).toBe(`${baseURL}/projects/${projectId}/resources/${resourceId}/webhook`);
  // HMAC over the raw body, with the Standard Webhooks Event ID left in place: the page warns of both replays.
  await webhooks.chooseSignature("HMAC");
  await expect(webhooks.setupWarning("has no timestamp: a captured event verifies forever")).toBeVisible();
  await expect(webhooks.setupWarning("The Event ID reads headers.webhook-id, which the signature does not cover")).toBeVisible();
  const secret = await webhooks.configureStandardWebhooks();
  await expect(webhooks.setupWarning(/no timestamp|does not cover/)).toHaveCount(0);
  await webhooks.setEventTypeTemplate("{{payload.type}}");
  await webhooks.setEventTypes(["task.created"]);
  await expect(webhooks.eventTypes).toHaveText([/task\.created/]);
  await webhooks.setUserMatching("{{payload.account_id}}", { userId: true });
  await expect(webhooks.field("Event ID")).toHaveValue("{{headers.webhook-id}}");
  await webhooks.save();
  // Once saved, the secret is write-only: shown as set, never again in the page.
  await expect(webhooks.signingSecretSet).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // Listen for test event, then have TaskLab send a signed task.created for the user.
  const sampleTask = "task_2";
  await webhooks.listenForTestEvent();
  const sample = await tasklab.sendWebhook(webhookUrl, {
    secret,
    type: "task.created",
    payload: { account_id: userId, task: { id: sampleTask, title: "Compute Bernoulli numbers" } },
  });
  expect(sample.status, JSON.stringify(sample.body)).toBe(200);
  // Matched to the user; no workflow is deployed on it yet, so it starts nothing.
  expect(sample.body).toMatchObject({ received: true, duplicate: false, eventType: "task.created", matched: true, runIds: [] });
  await webhooks.waitForTestEvent();
  expect(await webhooks.testEventPayload()).toEqual({
    type: "task.created",
    account_id: userId,
    task: { id: sampleTask, title: "Compute Bernoulli numbers" },
  });
  await webhooks.useAsSample();

  // Workflows → Create Workflow on TaskLab Triggers → task.created; its TaskLab Request step
  // reads the task id, picked from the variable menu the sample fills.
  const editor = new WorkflowEditor(page, projectId);
  const workflowName = `On task.created ${randomUUID().slice(0, 6)}`;
  const workflowId = await editor.create(workflowName);
  await editor.chooseResourceTrigger("TaskLab", "task.created");
  expect(await editor.resourceTriggerEventTypes()).toEqual(["task.created"]);
  await expect(page.getByTestId("resource-trigger-sample")).toBeVisible();
  const step = await editor.addRequestStep("TaskLab", { key: "get_task", method: "GET" });
  const pathField = step.getByLabel("Path", { exact: true });
  expect(await editor.variablesIn(pathField)).toEqual(
    expect.arrayContaining(["trigger.type", "trigger.payload.task.id", "trigger.headers.webhook-id"]),
  );
  await editor.typeTemplate(pathField, "/tasks/{{trigger.payload.task.id}}");
  await editor.save();

  // Test runs the draft with the sample event on the test connection.
  await editor.test();
  await expect(editor.testStep("get_task").getByTestId("step-status")).toHaveText("Succeeded");
  await expect(editor.testStep("get_task").getByTestId("step-request")).toContainText(`GET ${tasklab.url}/api/tasks/${sampleTask}`);
  expect(await editor.deploy()).toBe(1);

  // TaskLab sends another event: it runs the deployed workflow for the user.
  const taskId = await newTask(tasklab, `Webhook task ${randomUUID().slice(0, 6)}`);
  const delivery = await tasklab.sendWebhook(webhookUrl, {
    secret,
    type: "task.created",
    payload: { account_id: userId, task: { id: taskId } },
  });
  expect(delivery.status, JSON.stringify(delivery.body)).toBe(200);
  expect(delivery.body).toMatchObject({
    received: true,
    duplicate: false,
    eventType: "task.created",
    matched: true,
    runIds: [expect.any(String)],
  });
  const runId = (delivery.body as { runIds: string[] }).runIds[0]!;
  // The same event again (TaskLab retrying) starts nothing.
  const retried = await tasklab.sendWebhook(webhookUrl, {
    secret,
    type: "task.created",
    payload: { account_id: userId, task: { id: taskId } },
    id: delivery.id,
  });
  expect(retried.body).toMatchObject({ duplicate: true, runIds: [] });

  // Runs: the run, for the user on v1, ends Succeeded; its step asked TaskLab for exactly that task.
  await editor.openRuns();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}/runs$`));
  const runs = new WorkflowRuns(page);
  await expect(runs.rows).toHaveCount(1);
  await expect(runs.statusLink(0)).toHaveText(`Succeeded run ${runId.slice(0, 8)}`, { timeout: 20_000 });
  await expect(runs.rows.first()).toContainText(userId);
  await expect(runs.rows.first()).toContainText("v1");
  expect(await runs.openRun(0)).toBe(runId);
  await expect(runs.runStatus).toHaveText("Succeeded");
  await expect(runs.triggerInput).toContainText(`"id": "${taskId}"`);
  await expect(runs.stepStatus("get_task")).toHaveText("Succeeded");
  await expect(runs.stepResponseStatus("get_task")).toHaveText("200");
  await expect(runs.stepResponseBody("get_task")).toContainText(`"id": "${taskId}"`);
  await expect(await runs.requestSent("get_task")).toContainText(`GET ${tasklab.url}/api/tasks/${taskId}`);
  expect(
    tasklab.apiRequests
      .filter((entry) => entry.method === "GET" && entry.path === `/api/tasks/${taskId}`)
      .map((entry) => entry.idempotencyKey),
  ).toEqual([`${runId}:get_task`]);

  // The Events list: both events, newest first, each matched to the user; the retried one was not stored again.
  await webhooks.open(resourceId);
  await expect(webhooks.eventRows).toHaveCount(2);
  const [newest, first] = [webhooks.eventRows.nth(0), webhooks.eventRows.nth(1)];
  await expect(webhooks.eventCell(newest, "Type")).toHaveText("task.created");
  await expect(webhooks.eventCell(newest, "User")).toContainText(userId);
  await expect(webhooks.eventCell(newest, "Matched")).toHaveText("Yes");
  await expect(webhooks.eventCell(newest, "Runs")).toHaveText("1");
  await expect(webhooks.eventCell(first, "Runs")).toHaveText("0");
});
