import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import {
  allowPrivateNetwork,
  expect,
  TASKLAB_DEFAULT_API_KEY,
  TASKLAB_DEFAULT_CLIENT,
  TASKLAB_DEFAULT_USER,
  test,
} from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";

function uniqueName(base: string): string {
  return `${base} ${randomUUID().slice(0, 6)}`;
}

// Each test makes a project, turns on "Allow private network" and goes through the whole wizard:
// 10–15 s on one worker, about twice that with two workers on two cores.
test.describe.configure({ timeout: 60_000 });

const MASK = "••••••••";
const { clientId, clientSecret } = TASKLAB_DEFAULT_CLIENT;

/** The test's project, with "Allow private network" on unless told otherwise, and its wizard. */
async function setUp(page: Page, projectId: string, { privateNetwork = true } = {}) {
  if (privateNetwork) await allowPrivateNetwork(page, projectId);
  return { wizard: new ResourceWizard(page, projectId) };
}

/** Finish with no confirmation asked: straight to the Resources list, where the resource is published. */
async function finishAndExpectPublished(wizard: ResourceWizard, name: string) {
  await expect(wizard.recentTestRequests.first()).toContainText("Succeeded");
  await wizard.finish();
  await expect(wizard.page).toHaveURL(new RegExp(`${wizard.resourcesUrl}$`));
  await expect(wizard.statusCell(name)).toHaveText("Published");
}

/** The page's HTML (after a reload too) holds none of these values. */
async function expectNotInHtml(page: Page, values: readonly string[]) {
  for (const reload of [false, true]) {
    if (reload) await page.reload();
    await expect(page.getByRole("heading", { name: "Test request" })).toBeVisible();
    const html = await page.content();
    for (const value of values) expect(html).not.toContain(value);
  }
}

test.describe("a successful test request, then Finish publishes without asking", () => {
  test("User-Level OAuth 2.0 Refresh Token", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("User Refresh");
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
    await wizard.continue();
    await wizard.expectStep("authorization");
    await wizard.fillOAuthAuthorization({ accessTokenUrl: `${tasklab.url}/oauth/token`, clientId, clientSecret });
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    // Only the Refresh Token: with no Access Token, the first request gets one with it.
    const { refreshToken } = tasklab.issueTokens();
    await expect(page.getByRole("heading", { name: "Test credentials" })).toBeVisible();
    await expect(page.getByLabel("Access Token", { exact: true })).toHaveValue("");
    await wizard.saveTestCredentials({ "Refresh Token": refreshToken });

    const tokenRequestsBefore = tasklab.tokenRequests.length;
    await expect(page.getByLabel("Path", { exact: true })).toHaveValue("/");
    await wizard.sendTestRequest("/me");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText(`"email": "${TASKLAB_DEFAULT_USER.email}"`);
    expect(tasklab.tokenRequests.slice(tokenRequestsBefore)).toEqual([
      expect.objectContaining({ path: "/oauth/token", grantType: "refresh_token", status: 200 }),
    ]);

    // The request sent is shown with its token masked; no secret typed reaches the page.
    await expect(wizard.testRequestSent).toContainText(`GET ${tasklab.url}/api/me`);
    await expect(wizard.testRequestSent).toContainText(new RegExp(`^authorization: Bearer ${MASK}$`, "im"));
    await expect(wizard.testRequestSent).not.toContainText(refreshToken);
    await expect(wizard.testRequestSent).not.toContainText(clientSecret);
    await expect(wizard.recentTestRequests.first()).toContainText("GET /me");
    await expect(wizard.recentTestRequests.first()).toContainText("Succeeded");
    await expectNotInHtml(page, [clientSecret, refreshToken]);
    // Saved, the Refresh Token is write-only.
    await expect(page.getByRole("button", { name: "Replace Refresh Token" })).toBeVisible();

    await finishAndExpectPublished(wizard, name);
  });

  test("User-Level OAuth 2.0 Client Credentials with a Required Input in both URLs", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("User Client");
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
    await wizard.continue();
    await wizard.expectStep("authorization");
    await wizard.fillOAuthAuthorization({ clientId, clientSecret, inputs: [{ key: "workspace", label: "Workspace" }] });
    await wizard.typeTemplate(page.getByLabel("Access Token URL"), `${tasklab.url}/workspaces/{{inputs.workspace}}/oauth/token`);
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.typeTemplate(page.getByLabel("API Base URL"), `${tasklab.url}/workspaces/{{inputs.workspace}}/api`);
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    await wizard.saveTestCredentials({ Workspace: "acme" });
    const tokenRequestsBefore = tasklab.tokenRequests.length;
    await wizard.sendTestRequest("/tasks");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText(`"workspace": "acme"`);
    await expect(wizard.testResponseBody).toContainText("Write the first program");
    await expect(wizard.testRequestSent).toContainText(`GET ${tasklab.url}/workspaces/acme/api/tasks`);
    await expect(wizard.testRequestSent).toContainText(new RegExp(`^authorization: Bearer ${MASK}$`, "im"));
    expect(tasklab.tokenRequests.slice(tokenRequestsBefore)).toEqual([
      expect.objectContaining({ path: "/workspaces/acme/oauth/token", grantType: "client_credentials", status: 200 }),
    ]);
    await expectNotInHtml(page, [clientSecret]);
    // A plain input shows its saved value.
    await expect(page.getByLabel("Workspace", { exact: true })).toHaveValue("acme");

    await finishAndExpectPublished(wizard, name);
  });

  test("User-Level API Keys in a header", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("User Keys");
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "API Keys" });
    await wizard.continue();
    await wizard.expectStep("authorization");
    await wizard.fillApiKeyNames([{ name: "api_key", secret: true }]);
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/header`, authentication: "Header" });
    await page.getByLabel("Header name").fill("X-API-Key");
    await page.getByLabel("Header value").fill("{{credentials.api_key}}");
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    await wizard.saveTestCredentials({ api_key: TASKLAB_DEFAULT_API_KEY });
    await wizard.sendTestRequest("/tasks");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText("Compute Bernoulli numbers");
    await expect(wizard.testRequestSent).toContainText(`GET ${tasklab.url}/header/tasks`);
    await expect(wizard.testRequestSent).toContainText(new RegExp(`^x-api-key: ${MASK}$`, "im"));
    await expect(wizard.testRequestSent).not.toContainText(TASKLAB_DEFAULT_API_KEY);
    await expectNotInHtml(page, [TASKLAB_DEFAULT_API_KEY]);
    await expect(page.getByRole("button", { name: "Replace api_key" })).toBeVisible();

    await finishAndExpectPublished(wizard, name);
  });

  test("App-Level OAuth 2.0 Refresh Token", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("App Refresh");
    const { refreshToken } = tasklab.issueTokens();
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillAppOAuthCredentials({ accessTokenUrl: `${tasklab.url}/oauth/token`, clientId, clientSecret, refreshToken });
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    // The app's credentials serve every user: nothing to enter, nothing to connect.
    await expect(page.getByRole("heading", { name: "Test credentials" })).toHaveCount(0);
    await expect(
      page.getByText("App-Level resources use the app's credentials for every user: there is nothing to connect."),
    ).toBeVisible();
    await expect(page.getByRole("button", { name: /^Copy .* snippet$/ })).toHaveCount(0);

    await wizard.sendTestRequest("/tasks");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText("Describe the Analytical Engine");
    await expect(wizard.testRequestSent).toContainText(new RegExp(`^authorization: Bearer ${MASK}$`, "im"));
    await expect(wizard.testRequestSent).not.toContainText(refreshToken);
    await expectNotInHtml(page, [clientSecret, refreshToken]);

    await finishAndExpectPublished(wizard, name);
  });

  test("App-Level OAuth 2.0 Client Credentials", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("App Client");
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillAppOAuthCredentials({ accessTokenUrl: `${tasklab.url}/oauth/token`, clientId, clientSecret });
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    await wizard.sendTestRequest("/tasks");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText("Write the first program");
    await expect(wizard.testRequestSent).toContainText(new RegExp(`^authorization: Bearer ${MASK}$`, "im"));
    await expectNotInHtml(page, [clientSecret]);

    await finishAndExpectPublished(wizard, name);
  });

  test("App-Level API Keys in a query parameter", async ({ page, projectId, tasklab }) => {
    const { wizard } = await setUp(page, projectId);
    const name = uniqueName("App Keys");
    await wizard.create(name);
    await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "API Keys" });
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillAppApiKeys([{ name: "api_key", value: TASKLAB_DEFAULT_API_KEY, secret: true }]);
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/query`, authentication: "Query Parameter" });
    await page.getByLabel("Parameter name").fill("api_key");
    await page.getByLabel("Parameter value").fill("{{credentials.api_key}}");
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    await wizard.sendTestRequest("/tasks");
    await expect(wizard.testStatus).toHaveText("200 OK");
    await expect(wizard.testResponseBody).toContainText("Write the first program");
    await expect(wizard.testRequestSent).toContainText(`GET ${tasklab.url}/query/tasks?api_key=${MASK}`);
    await expect(wizard.testRequestSent).not.toContainText(TASKLAB_DEFAULT_API_KEY);
    await expectNotInHtml(page, [TASKLAB_DEFAULT_API_KEY]);

    await finishAndExpectPublished(wizard, name);
  });
});

test("a wrong Client Secret shows the token endpoint's invalid_client, and the run is listed as failed", async ({
  page,
  projectId,
  tasklab,
}) => {
  const { wizard } = await setUp(page, projectId);
  const wrongSecret = `wrong-secret-${randomUUID()}`;
  await wizard.create(uniqueName("Wrong Secret"));
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({ accessTokenUrl: `${tasklab.url}/oauth/token`, clientId, clientSecret: wrongSecret });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");
  const { refreshToken } = tasklab.issueTokens();
  await wizard.saveTestCredentials({ "Refresh Token": refreshToken });

  const tokenRequestsBefore = tasklab.tokenRequests.length;
  await wizard.sendTestRequest("/me");
  const error = wizard.testResult.getByRole("alert");
  await expect(error).toContainText("The token endpoint answered 401 invalid_client");
  await expect(error).toContainText("Check the Access Token URL, Client ID, Client Secret and the test credentials.");
  await expect(error).not.toContainText(wrongSecret);
  await expect(wizard.testStatus).toHaveCount(0);
  await expect(wizard.testResponseBody).toHaveCount(0);
  expect(tasklab.tokenRequests.slice(tokenRequestsBefore)).toEqual([
    expect.objectContaining({ path: "/oauth/token", grantType: "refresh_token", status: 401 }),
  ]);

  await expect(wizard.recentTestRequests).toHaveCount(1);
  const run = wizard.recentTestRequests.first();
  await expect(run.getByRole("cell")).toHaveText([/UTC|\d/, "GET /me", "—", /\d+ ms/, /invalid_client/]);
  await expect(run).not.toContainText("Succeeded");
  await expectNotInHtml(page, [wrongSecret, refreshToken]);
});

test("with Allow private network off, a request to TaskLab is blocked as a loopback address", async ({ page, projectId, tasklab }) => {
  const { wizard } = await setUp(page, projectId, { privateNetwork: false });
  await page.goto(`/projects/${projectId}/settings`);
  await expect(page.getByLabel("Allow private network")).not.toBeChecked();

  await wizard.create(uniqueName("Blocked"));
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.fillAppApiKeys([{ name: "api_key", value: TASKLAB_DEFAULT_API_KEY }]);
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/query`, authentication: "Query Parameter" });
  await page.getByLabel("Parameter name").fill("api_key");
  await page.getByLabel("Parameter value").fill("{{credentials.api_key}}");
  await wizard.continue();
  await wizard.expectStep("test-and-publish");

  await wizard.sendTestRequest("/tasks");
  const error = wizard.testResult.getByRole("alert");
  await expect(error).toContainText("Blocked: 127.0.0.1 is a loopback address.");
  await expect(error).toContainText("a project owner can allow them in Settings");
  await expect(wizard.testStatus).toHaveCount(0);
  await expect(wizard.testRequestSent).not.toContainText(TASKLAB_DEFAULT_API_KEY);
  await expect(wizard.recentTestRequests.first()).toContainText("Blocked: 127.0.0.1 is a loopback address");
  await expect(wizard.recentTestRequests.first()).not.toContainText("Succeeded");
});

test("the copy buttons put the connect snippets, with every required key, on the clipboard", async ({
  page,
  projectId,
  context,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const { wizard } = await setUp(page, projectId, { privateNetwork: false });
  const readClipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const connectUrl = (resourceId: string) => `${baseURL}/projects/${projectId}/sdk/resources/${resourceId}/connect`;

  // OAuth Refresh Token with a Required Input: access_token, refresh_token and the input.
  const refreshId = await wizard.create(uniqueName("Copy Refresh"));
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://auth.example.com/oauth/token",
    clientId,
    clientSecret,
    inputs: [{ key: "region", label: "Region" }],
  });
  await wizard.continue();
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com" });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");

  const copyCurl = page.getByRole("button", { name: "Copy curl snippet" });
  await copyCurl.click();
  await expect(copyCurl).toHaveText("Copied");
  const curl = await readClipboard();
  expect(curl).toContain(connectUrl(refreshId));
  for (const key of ["access_token", "refresh_token", "region"]) expect(curl).toContain(`"${key}":"<${key}>"`);
  expect(curl).not.toContain(clientSecret);

  // Client Credentials: only the input.
  const clientName = uniqueName("Copy Client");
  const clientResourceId = await wizard.create(clientName);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://auth.example.com/oauth/token",
    clientId,
    clientSecret,
    inputs: [{ key: "workspace", label: "Workspace" }],
  });
  await wizard.continue();
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com" });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");

  await page.getByRole("button", { name: "Copy curl snippet" }).click();
  await expect(page.getByRole("button", { name: "Copy curl snippet" })).toHaveText("Copied");
  const clientCurl = await readClipboard();
  expect(clientCurl).toContain(connectUrl(clientResourceId));
  expect(clientCurl).toContain(`"workspace":"<workspace>"`);
  expect(clientCurl).not.toContain("refresh_token");

  const copySdk = page.getByRole("button", { name: "Copy JS SDK snippet" });
  await copySdk.click();
  await expect(copySdk).toHaveText("Copied");
  const sdk = await readClipboard();
  expect(sdk).toContain(`authenticate(${JSON.stringify(projectId)}`);
  expect(sdk).toContain(`connectAction(${JSON.stringify(clientName)}`);
  expect(sdk).toContain(`"workspace": "<workspace>"`);

  const copyFetch = page.getByRole("button", { name: "Copy fetch snippet" });
  await copyFetch.click();
  await expect(copyFetch).toHaveText("Copied");
  const fetchSnippet = await readClipboard();
  expect(fetchSnippet).toContain(connectUrl(clientResourceId));
  expect(fetchSnippet).toContain(`"workspace": "<workspace>"`);
});

test("Finish without a successful test asks first; a later change shows as unpublished until Finish again", async ({
  page,
  projectId,
  tasklab,
}) => {
  const { wizard } = await setUp(page, projectId);
  const name = uniqueName("Confirm");
  await wizard.create(name);
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.fillAppApiKeys([{ name: "api_key", value: TASKLAB_DEFAULT_API_KEY }]);
  // The wrong base URL: /header/* wants the key in a header, not in the query.
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/header`, authentication: "Query Parameter" });
  await page.getByLabel("Parameter name").fill("api_key");
  await page.getByLabel("Parameter value").fill("{{credentials.api_key}}");
  await wizard.continue();
  await wizard.expectStep("test-and-publish");
  await expect(page.getByText("Not published yet.")).toBeVisible();

  await wizard.sendTestRequest("/tasks");
  await expect(wizard.testStatus).toHaveText("401 Unauthorized");
  await expect(wizard.recentTestRequests.first()).toContainText("Failed");

  // Cancel stays on the step, unpublished.
  await wizard.finish();
  await expect(wizard.publishDialog).toBeVisible();
  await expect(wizard.publishDialog).toContainText("No test request has succeeded since the configuration last changed.");
  await wizard.publishDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(wizard.publishDialog).toBeHidden();
  await wizard.expectStep("test-and-publish");
  await expect(page.getByText("Not published yet.")).toBeVisible();

  await wizard.finish();
  await wizard.publishDialog.getByRole("button", { name: "Publish anyway" }).click();
  await expect(page).toHaveURL(new RegExp(`${wizard.resourcesUrl}$`));
  await expect(wizard.statusCell(name)).toHaveText("Published");

  // A change to the published resource: still published, with unpublished changes.
  await wizard.open(name);
  await wizard.expectStep("test-and-publish");
  await expect(page.getByText(/^Published .* UTC\./)).toBeVisible();
  await wizard.goToStep("Request Details");
  await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/query` });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");
  await wizard.openResources();
  await expect(wizard.statusCell(name)).toHaveText(/^Published\s*Unpublished changes$/);

  // No test has succeeded since the change: Finish asks again.
  await wizard.open(name);
  await wizard.expectStep("test-and-publish");
  await wizard.finish();
  await expect(wizard.publishDialog).toBeVisible();
  await wizard.publishDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(wizard.publishDialog).toBeHidden();

  // Once a test succeeds, Finish publishes the change directly.
  await wizard.sendTestRequest("/tasks");
  await expect(wizard.testStatus).toHaveText("200 OK");
  await finishAndExpectPublished(wizard, name);
  await expect(wizard.row(name)).not.toContainText("Unpublished changes");
});
