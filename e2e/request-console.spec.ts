import { randomUUID } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { importPKCS8, SignJWT } from "jose";
import {
  allowPrivateNetwork,
  expect,
  TASKLAB_DEFAULT_API_KEY,
  TASKLAB_DEFAULT_CLIENT,
  TASKLAB_DEFAULT_USER,
  test,
} from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";

// Each test signs a user up and goes through the wizard: allow for a loaded machine.
test.describe.configure({ timeout: 90_000 });

function uniqueName(base: string): string {
  return `${base} ${randomUUID().slice(0, 6)}`;
}

/** A tab of the resource's "Resource" navigation (Setup, Connected Users, Request). */
function resourceTab(page: Page, label: string) {
  return page.getByRole("navigation", { name: "Resource", exact: true }).getByRole("link", { name: label, exact: true });
}

/** The Request console: Method, Path, Headers, Body, then "Send request". */
async function sendRequest(
  page: Page,
  { method = "GET", path, headers = "", body = "" }: { method?: string; path: string; headers?: string; body?: string },
) {
  await page.getByLabel("Method", { exact: true }).selectOption(method);
  await page.getByLabel("Path", { exact: true }).fill(path);
  await page.getByLabel("Headers", { exact: true }).fill(headers);
  await page.getByLabel("Body", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Send request" }).click();
}

/** Finish with no successful test request: confirm "Publish anyway", back on the Resources list. */
async function publishAnyway(wizard: ResourceWizard) {
  await wizard.finish();
  await wizard.publishDialog.getByRole("button", { name: "Publish anyway" }).click();
  await expect(wizard.page).toHaveURL(new RegExp(`${wizard.resourcesUrl}$`));
}

/** Connects a user through the Connect API, as a customer's backend does with a User Token it signed. */
async function connectUser(
  request: APIRequestContext,
  {
    projectId,
    resourceId,
    privateKeyPem,
    userId,
    refreshToken,
  }: { projectId: string; resourceId: string; privateKeyPem: string; userId: string; refreshToken: string },
) {
  const now = Math.floor(Date.now() / 1000);
  const userToken = await new SignJWT({ sub: userId, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
  const response = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
    headers: { authorization: `Bearer ${userToken}` },
    data: { refresh_token: refreshToken, access_token: "" },
  });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toMatchObject({ userId, status: "VALID" });
}

test("an App-Level API Keys resource: the Request tab asks to publish, then sends requests with the app's credentials", async ({
  page,
  projectId,
  tasklab,
}) => {
  await allowPrivateNetwork(page, projectId);
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.create(uniqueName("Console App"));
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.fillAppApiKeys([{ name: "api_key", value: TASKLAB_DEFAULT_API_KEY, secret: true }]);
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/query`, authentication: "Query Parameter" });
  await page.getByLabel("Parameter name").fill("api_key");
  await page.getByLabel("Parameter value").fill("{{credentials.api_key}}");
  await wizard.continue();
  await wizard.expectStep("test-and-publish");

  // A draft has nothing to send requests through yet.
  await resourceTab(page, "Request").click();
  await expect(page).toHaveURL(new RegExp(`/resources/${resourceId}/request$`));
  await expect(resourceTab(page, "Request")).toHaveAttribute("aria-current", "page");
  const unpublished = page.getByText("Publish this resource to send requests through it.");
  await expect(unpublished).toBeVisible();
  await expect(page.getByRole("button", { name: "Send request" })).toHaveCount(0);
  await unpublished.getByRole("link", { name: "Test and Publish" }).click();
  await wizard.expectStep("test-and-publish");
  await publishAnyway(wizard);

  await page.goto(wizard.stepUrl(resourceId, "test-and-publish"));
  await resourceTab(page, "Request").click();
  await expect(page.getByText("Uses the app's credentials.")).toBeVisible();
  await expect(page.getByLabel("Connected user")).toHaveCount(0);
  await expect(page.getByLabel("Method", { exact: true })).toHaveValue("GET");

  await sendRequest(page, { path: "/tasks" });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  await expect(page.getByTestId("console-response-body")).toContainText('"title": "Write the first program"');
  await expect(page.getByTestId("console-response-body")).toContainText("Describe the Analytical Engine");
  await expect(page.getByRole("region", { name: "Response" })).toContainText("content-type: application/json");
  expect(await page.content()).not.toContain(TASKLAB_DEFAULT_API_KEY);

  // The API's own errors are responses too.
  await sendRequest(page, { path: "/nowhere" });
  await expect(page.getByTestId("console-status")).toHaveText("404");
  await expect(page.getByTestId("console-response-body")).toContainText('"error": "not_found"');

  // Headers and a text body reach the API as typed (TaskLab's /echo answers what it got, on the same origin).
  await sendRequest(page, {
    method: "POST",
    path: `${tasklab.url}/echo`,
    headers: "X-Trace-Id: console-1\n\nAccept: application/json",
    body: "hello, TaskLab",
  });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  const echoed = page.getByTestId("console-response-body");
  await expect(echoed).toContainText('"method": "POST"');
  await expect(echoed).toContainText('"x-trace-id": "console-1"');
  await expect(echoed).toContainText('"accept": "application/json"');
  await expect(echoed).toContainText('"content-type": "text/plain; charset=utf-8"');
  await expect(echoed).toContainText('"body": "hello, TaskLab"');
  // A JSON body goes as JSON.
  await sendRequest(page, { method: "PUT", path: `${tasklab.url}/echo`, body: '{ "title": "Console" }' });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  await expect(echoed).toContainText('"content-type": "application/json"');
  await expect(echoed).toContainText('"body": "{ \\"title\\": \\"Console\\" }"');

  // A response over 1 MB is cut off, and says so.
  await sendRequest(page, { path: `${tasklab.url}/large?mb=2` });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  await expect(page.getByRole("region", { name: "Response" })).toContainText("(cut off at 1 MB)");

  // A header line that is not `Name: value` is caught before anything is sent.
  await sendRequest(page, { path: "/tasks", headers: "Accept: application/json\nnot a header" });
  await expect(page.getByText("Line 2: write the header as Name: value.")).toBeVisible();
  await expect(page.getByLabel("Headers", { exact: true })).toHaveAttribute("aria-invalid", "true");

  // A request the resource refuses to send shows why.
  await sendRequest(page, { path: "https://example.com/tasks" });
  await expect(page.getByRole("alert").filter({ hasText: "Requests can only go to the API Base URL's origin" })).toBeVisible();
  await expect(page.getByTestId("console-status")).toHaveCount(0);
});

test("a User-Level OAuth resource: the Request console sends as the Connected User picked", async ({
  page,
  projectId,
  tasklab,
  request,
}) => {
  await allowPrivateNetwork(page, projectId);
  // Settings → Signing Keys: the private key signs the User Tokens that connect users below.
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  expect(privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");

  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.create(uniqueName("Console User"));
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({ accessTokenUrl: `${tasklab.url}/oauth/token`, ...TASKLAB_DEFAULT_CLIENT });
  await wizard.continue();
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");
  await publishAnyway(wizard);

  // Published, but nobody has connected: the tab says so and points to Connected Users.
  await page.goto(`/projects/${projectId}/resources/${resourceId}/request`);
  const noUsers = page.getByText("No users have connected to this resource yet");
  await expect(noUsers).toBeVisible();
  await expect(page.getByRole("button", { name: "Send request" })).toHaveCount(0);
  await noUsers.getByRole("link", { name: "Connected Users" }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/${resourceId}/connected-users$`));

  // Two users connect through the Connect API: Ada (u_ada), and Grace (a TaskLab user of her own).
  const ada = `ada-${randomUUID().slice(0, 8)}`;
  const grace = `grace-${randomUUID().slice(0, 8)}`;
  await connectUser(request, { projectId, resourceId, privateKeyPem, userId: ada, refreshToken: tasklab.issueTokens().refreshToken });
  await connectUser(request, {
    projectId,
    resourceId,
    privateKeyPem,
    userId: grace,
    refreshToken: tasklab.issueTokens("u_grace").refreshToken,
  });

  await resourceTab(page, "Request").click();
  const userSelect = page.getByLabel("Connected user", { exact: true });
  await expect(userSelect.getByRole("option")).toHaveText([grace, ada]);
  await expect(page.getByText("Uses the app's credentials.")).toHaveCount(0);

  await userSelect.selectOption(ada);
  await sendRequest(page, { path: "/me" });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  await expect(page.getByTestId("console-response-body")).toContainText(`"email": "${TASKLAB_DEFAULT_USER.email}"`);

  await userSelect.selectOption(grace);
  await sendRequest(page, { path: "/me" });
  await expect(page.getByTestId("console-status")).toHaveText("200");
  await expect(page.getByTestId("console-response-body")).toContainText('"email": "u_grace@tasklab.test"');
  await expect(page.getByTestId("console-response-body")).not.toContainText(TASKLAB_DEFAULT_USER.email);

  // A JSON body, as Ada: TaskLab creates the task.
  await userSelect.selectOption(ada);
  await sendRequest(page, { method: "POST", path: "/tasks", body: '{ "title": "Sent from the console" }' });
  await expect(page.getByTestId("console-status")).toHaveText("201");
  await expect(page.getByTestId("console-response-body")).toContainText('"title": "Sent from the console"');
});

test("a Secret Key is shown once, listed by its prefix, authenticates the request API until it is revoked", async ({
  page,
  projectId,
  request,
}) => {
  await page.goto(`/projects/${projectId}/settings`);
  await expect(page.getByRole("heading", { name: "Secret Keys" })).toBeVisible();
  await expect(page.getByText("No secret keys yet.")).toBeVisible();

  // An empty name is refused in the form.
  await page.getByRole("button", { name: "Create secret key" }).click();
  await expect(page.getByText("Enter a key name, such as the service that will use it.")).toBeVisible();

  await page.getByLabel("Key name", { exact: true }).fill("billing backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  const shown = page.getByLabel("Secret key", { exact: true });
  await expect(shown).toHaveValue(/^sk_[A-Za-z0-9_-]{43}$/);
  const secretKey = await shown.inputValue();
  await expect(page.getByRole("button", { name: "Copy secret key" })).toBeVisible();
  await expect(page.getByText("it is shown only this once")).toBeVisible();
  await expect(page.getByLabel("Key name", { exact: true })).toHaveValue("");

  const row = page.getByRole("table", { name: "Secret keys" }).getByRole("row").filter({ hasText: "billing backend" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`${secretKey.slice(0, 10)}…`);
  await expect(row).not.toContainText(secretKey);
  await expect(row).toContainText("Never");
  await expect(row).toContainText("Active");

  // The key authenticates server-to-server calls (this resource does not exist: a 404, not a 401).
  const callRequestApi = () =>
    request.post(`/projects/${projectId}/sdk/resources/${randomUUID()}/request`, {
      headers: { authorization: `Bearer ${secretKey}`, "x-switchboard-user": "customer-user-1" },
      data: { method: "GET", path: "/me" },
    });
  const accepted = await callRequestApi();
  expect(accepted.status()).toBe(404);
  expect(await accepted.json()).toMatchObject({ error: { code: "resource_not_found" } });

  // Shown once: after a reload only the prefix is left, and the key was used.
  await page.reload();
  await expect(page.getByLabel("Secret key", { exact: true })).toHaveCount(0);
  expect(await page.content()).not.toContain(secretKey);
  await expect(row).toContainText(`${secretKey.slice(0, 10)}…`);
  await expect(row).not.toContainText("Never");

  await row.getByRole("button", { name: "Revoke secret key billing backend" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke this secret key?" });
  await expect(dialog).toContainText("billing backend");
  await dialog.getByRole("button", { name: "Revoke secret key" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("Revoked");
  await expect(row).not.toContainText("Active");
  await expect(row.getByRole("button", { name: /^Revoke secret key/ })).toHaveCount(0);

  const refused = await callRequestApi();
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "invalid_secret_key" } });
});
