import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { TASKLAB_DEFAULT_PASSWORD } from "@/test/fixtures/tasklab";
import { allowCustomerApp, CustomerPage, signUserToken, startCustomerApp } from "./support/customer-app";
import { allowPrivateNetwork, expect, TASKLAB_DEFAULT_API_KEY, TASKLAB_DEFAULT_USER, test } from "./support/tasklab";
import { expectNoSeriousAxeViolations } from "./support/test";
import { ResourceWizard } from "./support/wizard";

// Each journey goes through the wizard, then a popup and an API's sign-in: allow for a loaded machine.
test.describe.configure({ timeout: 120_000 });

/** The resource's Connected Users tab, with its table's rows (the header row included). */
async function openConnectedUsers(page: Page, projectId: string, resourceId: string) {
  await page.goto(`/projects/${projectId}/resources/${resourceId}/connected-users`);
  await expect(page.getByRole("heading", { name: "Connected Users" })).toBeVisible();
}

/** Finish with no successful test request: confirm "Publish anyway", back on the Resources list. */
async function publishAnyway(wizard: ResourceWizard) {
  await wizard.finish();
  await wizard.publishDialog.getByRole("button", { name: "Publish anyway" }).click();
  await expect(wizard.page).toHaveURL(new RegExp(`${wizard.resourcesUrl}$`));
}

/** At TaskLab, in the popup: sign in as Ada, then answer the consent page. */
async function signInAtTaskLab(popup: Page, tasklabUrl: string, decision: "Allow" | "Deny") {
  await expect(popup).toHaveURL(new RegExp(`^${tasklabUrl}/oauth/authorize\\?`));
  await popup.getByLabel("Email").fill(TASKLAB_DEFAULT_USER.email);
  await popup.getByLabel("Password").fill(TASKLAB_DEFAULT_PASSWORD);
  await popup.getByRole("button", { name: "Sign in" }).click();
  await expect(popup.getByText(`Signed in as ${TASKLAB_DEFAULT_USER.email}.`)).toBeVisible();
  await popup.getByRole("button", { name: decision }).click();
}

test("an Authorization Code resource's test account and end users connect through the Connect Portal: Allow connects, Deny stores nothing", async ({
  page,
  context,
  projectId,
  tasklab,
  baseURL,
}) => {
  const app = await startCustomerApp(`${baseURL}/sdk.js`);
  try {
    await allowPrivateNetwork(page, projectId);
    const privateKeyPem = await allowCustomerApp(page, projectId, app.origin);

    // The wizard: a User-Level OAuth 2.0 Authorization Code resource, its User Profile from /me.
    const client = { clientId: `customer-app-${randomUUID().slice(0, 8)}`, clientSecret: `secret-${randomUUID()}` };
    const wizard = new ResourceWizard(page, projectId);
    const resourceId = await wizard.create("TaskLab");
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Authorization Code" });
    await wizard.continue();
    await wizard.expectStep("authorization");
    const redirectUrl = await wizard.fillAuthorizationCode({
      authorizationUrl: `${tasklab.url}/oauth/authorize`,
      scopes: "tasks:read tasks:write",
      usePkce: true,
    });
    expect(redirectUrl).toBe(`${baseURL}/oauth/callback`);
    await wizard.fillOAuthAuthorization({ accessTokenUrl: `${tasklab.url}/oauth/token`, ...client });
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api`, authentication: "Bearer Token" });
    await page.getByRole("radio", { name: /^Request/ }).check();
    await page.getByLabel("Path", { exact: true }).fill("/me");
    await page.getByLabel("Fields to keep").fill("id, email, name");
    await wizard.continue();
    await wizard.expectStep("test-and-publish");

    // At TaskLab, the team registers its app with the Redirect URL the wizard showed (and no other).
    tasklab.clients.push({ ...client, name: "Customer App", redirectUris: [redirectUrl] });

    // Test and Publish: Connect test account runs the same portal flow in a popup for the test connection.
    await expect(page.getByLabel("Access Token")).toHaveCount(0);
    const testPopupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Connect test account" }).click();
    const testPopup = await testPopupOpened;
    const testPopupClosed = testPopup.waitForEvent("close");
    await testPopup.getByRole("button", { name: "Continue" }).click();
    await signInAtTaskLab(testPopup, tasklab.url, "Allow");
    await testPopupClosed;
    await expect(page.getByRole("status").filter({ hasText: "Test account connected." })).toBeVisible();
    await wizard.sendTestRequest("/me");
    await expect(wizard.testStatus).toContainText("200");
    await expect(wizard.testResponseBody).toContainText(TASKLAB_DEFAULT_USER.id);
    await wizard.finish();
    await expect(page).toHaveURL(new RegExp(`${wizard.resourcesUrl}$`));

    const userId = `customer-user-${randomUUID().slice(0, 8)}`;
    const userToken = await signUserToken(privateKeyPem, userId);
    const customer = await CustomerPage.open(context, app);
    await customer.authenticate(projectId, userToken);
    const tokenRequestsBefore = tasklab.tokenRequests.length;

    // connect("TaskLab") → the popup: the portal says what happens; Continue is reached by keyboard.
    const allowed = await customer.connect("TaskLab");
    const popup = allowed.popup;
    await expect(popup).toHaveURL(new RegExp(`^${baseURL}/connect/[A-Za-z0-9_-]+$`));
    await expect(popup.getByRole("heading", { name: "Connect TaskLab" })).toBeVisible();
    await expect(popup.getByText("Continue to sign in at 127.0.0.1")).toBeVisible();
    await expectNoSeriousAxeViolations(popup);
    const continueButton = popup.getByRole("button", { name: "Continue" });
    for (let presses = 0; presses < 10 && !(await continueButton.evaluate((button) => button === document.activeElement)); presses++) {
      await popup.keyboard.press("Tab");
    }
    await expect(continueButton).toBeFocused();
    const popupClosed = popup.waitForEvent("close");
    await popup.keyboard.press("Enter");

    // TaskLab's sign-in and consent; the portal exchanges the code (PKCE) and the popup closes itself.
    const authorization = await test.step("sign in at TaskLab and allow", async () => {
      await signInAtTaskLab(popup, tasklab.url, "Allow");
      return tasklab.authorizationRequests.at(-1)!.query;
    });
    expect(authorization).toMatchObject({
      client_id: client.clientId,
      redirect_uri: redirectUrl,
      scope: "tasks:read tasks:write",
      code_challenge_method: "S256",
    });
    await popupClosed;
    expect(await allowed.result).toEqual({ status: "connected", resourceId });

    // The tokens TaskLab issued for the code, and the connection's calls made with them.
    const issued = tasklab.tokenRequests.slice(tokenRequestsBefore);
    expect(issued).toEqual([expect.objectContaining({ grantType: "authorization_code", status: 200, accessToken: expect.any(String) })]);
    const accessToken = issued[0]!.accessToken!;
    const answer = await customer.requestThroughResource(baseURL!, { projectId, resourceId, userToken, method: "GET", path: "/tasks" });
    expect(answer).toMatchObject({ status: 200, body: { status: 200 } });
    expect(JSON.stringify(answer.body)).toContain("Write the first program");
    const callsWithToken = () =>
      tasklab.apiRequests.filter((request) => request.accessToken === accessToken).map((request) => `${request.method} ${request.path}`);
    expect(callsWithToken()).toEqual(["GET /api/me", "GET /api/tasks"]);

    // Connected Users lists the user with the User Profile TaskLab answered.
    await openConnectedUsers(page, projectId, resourceId);
    const row = page.getByRole("row").filter({ hasText: userId });
    // (a JSON column keeps the profile's keys in its own order)
    for (const field of [`id: ${TASKLAB_DEFAULT_USER.id}`, `email: ${TASKLAB_DEFAULT_USER.email}`, `name: ${TASKLAB_DEFAULT_USER.name}`]) {
      await expect(row).toContainText(field);
    }
    await expect(row).toContainText("Valid");
    await expect(page.getByRole("row")).toHaveCount(2);
    const rowBefore = await row.innerText();
    expect(await page.content()).not.toContain(accessToken);

    // Again, and the user denies access at TaskLab: connect() answers error, the connection stays as it was.
    const denied = await customer.connect("TaskLab");
    const deniedClosed = denied.popup.waitForEvent("close");
    await denied.popup.getByRole("button", { name: "Continue" }).click();
    await signInAtTaskLab(denied.popup, tasklab.url, "Deny");
    await deniedClosed;
    expect(await denied.result).toMatchObject({
      status: "error",
      resourceId,
      error: { code: "access_denied", message: expect.stringContaining("It answered access_denied: The user denied access.") },
    });
    expect(tasklab.tokenRequests.slice(tokenRequestsBefore)).toHaveLength(1);
    await page.reload();
    await expect(page.getByRole("row")).toHaveCount(2);
    expect(await row.innerText()).toBe(rowBefore);
    expect(await customer.requestThroughResource(baseURL!, { projectId, resourceId, userToken, method: "GET", path: "/me" })).toMatchObject(
      { status: 200 },
    );
    expect(callsWithToken()).toEqual(["GET /api/me", "GET /api/tasks", "GET /api/me"]);
  } finally {
    await app.close();
  }
});

test("connect() asks for an API Keys resource's key in the Connect Portal: a wrong key shows the API's 401 and stores nothing, the right one connects", async ({
  page,
  context,
  projectId,
  tasklab,
  baseURL,
}) => {
  const app = await startCustomerApp(`${baseURL}/sdk.js`);
  try {
    await allowPrivateNetwork(page, projectId);
    const privateKeyPem = await allowCustomerApp(page, projectId, app.origin);

    // The wizard: a User-Level API Keys resource sending its secret key in a header, checked with GET /me.
    const wizard = new ResourceWizard(page, projectId);
    const resourceId = await wizard.create("TaskLab Keys");
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "API Keys" });
    await wizard.continue();
    await wizard.expectStep("authorization");
    await wizard.fillApiKeyNames([{ name: "api_key", secret: true }]);
    await wizard.continue();
    await wizard.expectStep("request-details");
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/header`, authentication: "Header" });
    await page.getByLabel("Header name").fill("X-API-Key");
    await page.getByLabel("Header value").fill("{{credentials.api_key}}");
    await wizard.fillValidationRequest({ method: "GET", path: "/me" });
    await wizard.continue();
    await wizard.expectStep("test-and-publish");
    await publishAnyway(wizard);

    const userId = `customer-user-${randomUUID().slice(0, 8)}`;
    const customer = await CustomerPage.open(context, app);
    await customer.authenticate(projectId, await signUserToken(privateKeyPem, userId));
    const { popup, result } = await customer.connect("TaskLab Keys");
    await expect(popup.getByRole("heading", { name: "Connect TaskLab Keys" })).toBeVisible();
    const key = popup.getByLabel("api_key", { exact: true });
    await expect(key).toHaveAttribute("type", "password");

    // A wrong key: the Validation request's 401 is shown, the field is empty again, nothing is stored.
    await key.fill("tl_key_wrong");
    await popup.getByRole("button", { name: "Connect" }).click();
    const failure = popup.getByRole("alert").filter({ hasText: "The API answered 401" });
    await expect(failure).toContainText("nothing was stored");
    await expect(failure).toContainText('"error":"unauthorized"');
    await expect(key).toHaveValue("");
    expect(await popup.content()).not.toContain("tl_key_wrong");
    await expectNoSeriousAxeViolations(popup);
    await openConnectedUsers(page, projectId, resourceId);
    await expect(page.getByText("No users have connected yet.")).toBeVisible();

    // The right key: saved, the popup closes, connect() answers connected.
    const popupClosed = popup.waitForEvent("close");
    await key.fill(TASKLAB_DEFAULT_API_KEY);
    await popup.getByRole("button", { name: "Connect" }).click();
    await popupClosed;
    expect(await result).toEqual({ status: "connected", resourceId });
    await page.reload();
    const row = page.getByRole("row").filter({ hasText: userId });
    await expect(row).toContainText("Valid");
    await expect(page.getByRole("row")).toHaveCount(2);
    expect(await page.content()).not.toContain(TASKLAB_DEFAULT_API_KEY);
  } finally {
    await app.close();
  }
});
