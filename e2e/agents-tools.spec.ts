import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";

// Agents, the resource tab Tools: TaskLab's OpenAPI document imported on a published resource,
// two operations turned on, and a Connected User's agent listing and calling them through the
// Tools API (TaskLab gets the call with that user's token). Allow for a loaded machine.
test.describe.configure({ timeout: 120_000 });

async function userToken(privateKeyPem: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

test("imports TaskLab's OpenAPI document on the Tools tab, turns two operations on, and an agent calls one", async ({
  page,
  projectId,
  tasklab,
  request,
}) => {
  test.slow();
  await allowPrivateNetwork(page, projectId);
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();

  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });
  const userId = `agent-user-${randomUUID().slice(0, 8)}`;
  const auth = { authorization: `Bearer ${await userToken(privateKeyPem, userId)}` };
  const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: auth,
    data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
  });
  expect(connected.status(), await connected.text()).toBe(200);

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

  const listed = await request.get(`/projects/${projectId}/sdk/tools`, { headers: auth });
  expect(listed.status()).toBe(200);
  expect(((await listed.json()) as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toEqual(["create_task", "get_task"]);
  tasklab.reset();
  const called = await request.post(`/projects/${projectId}/sdk/tools/create_task`, {
    headers: auth,
    data: { body: { title: "From the agent" } },
  });
  expect(await called.json()).toMatchObject({ isError: false, content: { status: 201, body: { title: "From the agent" } } });
  expect(tasklab.apiRequests.map((sent) => `${sent.method} ${sent.path}`)).toEqual(["POST /api/tasks"]);
});
