import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";
import { WorkflowEditor } from "./support/workflow-editor";
import { WorkflowRuns } from "./support/workflow-runs";

// Signs a user up, publishes a resource through the wizard, builds and deploys a workflow in the
// editor and watches two runs: 20–30 s on one worker; allow for a loaded machine.
test.describe.configure({ timeout: 90_000 });

const MASK = "••••••••";

/** A User Token for `userId`, signed with the private key from Settings → Signing Keys. */
async function userToken(privateKeyPem: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

test("an App Event runs the deployed workflow for a Connected User; the run shows each step, and Replay runs it again", async ({
  page,
  projectId,
  tasklab,
  request,
}) => {
  // A journey through Settings, the editor, a deploy and two runs: 40 s of a 60 s budget on a loaded CI machine.
  test.slow();
  await allowPrivateNetwork(page, projectId);

  // Settings → Signing Keys (for the User Token that connects the user) and Secret Keys (for the event).
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  expect(privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");
  await page.getByLabel("Key name", { exact: true }).fill("task sync backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  await expect(page.getByLabel("Secret key", { exact: true })).toHaveValue(/^sk_/);
  const secretKey = await page.getByLabel("Secret key", { exact: true }).inputValue();

  // A published User-Level TaskLab resource (OAuth 2.0 Refresh Token) with test credentials: Test in the editor uses them.
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });

  // A Connected User, through the Connect API with a User Token the customer's backend signed.
  const userId = `customer-${randomUUID().slice(0, 8)}`;
  const userRefreshToken = tasklab.issueTokens().refreshToken;
  const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: { authorization: `Bearer ${await userToken(privateKeyPem, userId)}` },
    data: { refresh_token: userRefreshToken, access_token: "" },
  });
  expect(connected.status(), await connected.text()).toBe(200);
  expect(await connected.json()).toMatchObject({ userId, status: "VALID" });

  // Workflows → Create Workflow: App Event task.sync, then create_task and list_tasks (which uses create_task's output).
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Workflows" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Workflows" })).toBeVisible();
  const editor = new WorkflowEditor(page, projectId);
  const workflowName = `Sync tasks ${randomUUID().slice(0, 6)}`;
  const workflowId = await editor.create(workflowName);
  await editor.chooseTrigger("App Event", { eventName: "task.sync" });
  // The Sample trigger input is the trigger's whole input, pre-filled with its shape; the payload alone is refused at save.
  await expect(editor.sampleTrigger).toHaveValue(JSON.stringify({ name: "task.sync", payload: {} }, null, 2));
  await editor.setSampleTrigger({ title: "Sample task" });
  await editor.trySave();
  await editor.expectFieldError(editor.sampleTrigger, `put the event's payload under "payload"`);
  await editor.setSampleTrigger({ name: "task.sync", payload: { title: "Sample task" } });
  await editor.addRequestStep("TaskLab", {
    key: "create_task",
    method: "POST",
    path: "/tasks",
    body: '{ "title": "{{trigger.payload.title}}" }',
  });
  await editor.addRequestStep("TaskLab", {
    key: "list_tasks",
    method: "GET",
    path: "/tasks",
    query: [{ name: "after", value: "{{steps.create_task.body.id}}" }],
  });
  await editor.save();

  // Test runs the draft on the test connection and shows both steps inline.
  await editor.test();
  await expect(editor.testStep("create_task").getByTestId("step-status")).toHaveText("Succeeded");
  await expect(editor.testStep("create_task").getByTestId("step-response-status")).toHaveText("201");
  await expect(editor.testStep("create_task").getByTestId("step-response-body")).toContainText('"title": "Sample task"');
  await expect(editor.testStep("list_tasks").getByTestId("step-status")).toHaveText("Succeeded");
  await expect(editor.testStep("list_tasks").getByTestId("step-request")).toContainText(/GET \S+\/api\/tasks\?after=task_\d+/);
  expect(await editor.deploy()).toBe(1);

  // The team's backend sends the event for the Connected User, with the Secret Key.
  const title = `Synced ${randomUUID().slice(0, 8)}`;
  const sent = await request.post(`/projects/${projectId}/sdk/events`, {
    headers: { authorization: `Bearer ${secretKey}`, "x-switchboard-user": userId },
    data: { name: "task.sync", payload: { title } },
  });
  expect(sent.status(), await sent.text()).toBe(202);
  const { runIds } = (await sent.json()) as { runIds: string[] };
  expect(runIds).toHaveLength(1);
  const firstRunId = runIds[0]!;

  // Runs: the run is listed and, the list refreshing itself, ends Succeeded.
  await editor.openRuns();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}/runs$`));
  await expect(page.getByRole("navigation", { name: "Workflow" }).getByRole("link", { name: "Runs" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  const runs = new WorkflowRuns(page);
  await expect(runs.rows).toHaveCount(1);
  await expect(runs.rows.first().getByRole("cell")).toHaveText(
    ["Succeeded run " + firstRunId.slice(0, 8), "App Event task.sync", userId, "v1", /UTC$/, /\d+(\.\d)? (ms|s)$/],
    {
      timeout: 20_000,
    },
  );

  // The run: both steps, each response and the request as sent (credentials masked).
  expect(await runs.openRun(0)).toBe(firstRunId);
  await expect(runs.runStatus).toHaveText("Succeeded");
  await expect(runs.triggerInput).toContainText(`"title": "${title}"`);
  await expect(runs.stepStatus("create_task")).toHaveText("Succeeded");
  await expect(runs.stepResponseStatus("create_task")).toHaveText("201");
  await expect(runs.stepResponseBody("create_task")).toContainText(`"title": "${title}"`);
  const createdId = /"id": "(task_\d+)"/.exec((await runs.stepResponseBody("create_task").textContent()) ?? "")?.[1];
  expect(createdId).toBeTruthy();
  await expect(runs.attempts("create_task")).toHaveCount(1);
  const createRequest = await runs.requestSent("create_task");
  await expect(createRequest).toContainText(`POST ${tasklab.url}/api/tasks`);
  await expect(createRequest).toContainText(new RegExp(`^authorization: Bearer ${MASK}$`, "im"));
  await expect(createRequest).toContainText(new RegExp(`^idempotency-key: ${firstRunId}:create_task$`, "im"));
  await expect(createRequest).toContainText(`"title": "${title}"`);
  await expect(runs.stepStatus("list_tasks")).toHaveText("Succeeded");
  await expect(runs.stepResponseStatus("list_tasks")).toHaveText("200");
  await expect(runs.stepResponseBody("list_tasks")).toContainText(title);
  await expect(await runs.requestSent("list_tasks")).toContainText(`GET ${tasklab.url}/api/tasks?after=${createdId}`);
  await expect(page.getByRole("button", { name: "Retry from failed step" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
  expect(await page.content()).not.toContain(userRefreshToken);

  // Replay: a new run with the same input, on the deployed version, that succeeds too.
  const replayId = await runs.replay();
  expect(replayId).not.toBe(firstRunId);
  await expect(runs.runStatus).toHaveText("Succeeded", { timeout: 20_000 });
  await expect(runs.triggerInput).toContainText(`"title": "${title}"`);
  await expect(runs.stepStatus("create_task")).toHaveText("Succeeded");
  await expect(runs.stepStatus("list_tasks")).toHaveText("Succeeded");
  await expect(page.getByRole("link", { name: `Run ${firstRunId.slice(0, 8)}` })).toHaveAttribute(
    "href",
    new RegExp(`/runs/${firstRunId}$`),
  );
  // Each run created its own task: its own Idempotency-Key.
  const createKeys = tasklab.apiRequests
    .filter((entry) => entry.method === "POST" && entry.path === "/api/tasks")
    .map((entry) => entry.idempotencyKey);
  expect(createKeys).toEqual(expect.arrayContaining([`${firstRunId}:create_task`, `${replayId}:create_task`]));

  // The user turns the workflow off (the SDK's disableWorkflow): Replay then starts nothing and says why beside the button.
  const disabled = await request.post(`/projects/${projectId}/sdk/workflows/${workflowId}/disable`, {
    headers: { authorization: `Bearer ${await userToken(privateKeyPem, userId)}` },
  });
  expect(disabled.status(), await disabled.text()).toBe(200);
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByText("This workflow is disabled for this user.")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/runs/${replayId}$`));

  // Back on the list: both runs, newest first; the filters narrow it.
  await runs.backToRuns();
  await expect(runs.rows).toHaveCount(2);
  await expect(runs.statusLink(0)).toHaveText(`Succeeded run ${replayId.slice(0, 8)}`);
  await expect(runs.statusLink(1)).toHaveText(`Succeeded run ${firstRunId.slice(0, 8)}`);
  await runs.filter({ status: "Failed" });
  await expect(page).toHaveURL(/\/runs\?status=failed/);
  await expect(page.getByText("No runs match these filters.")).toBeVisible();
  await runs.filter({ status: "Succeeded", userId });
  await expect(runs.rows).toHaveCount(2);
});
