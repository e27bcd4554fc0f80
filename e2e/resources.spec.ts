import { randomUUID } from "node:crypto";
import { expect, test } from "./support/test";
import { newUser, redirectNextActionTo } from "./support/users";
import { ResourceWizard } from "./support/wizard";

function uniqueName(base = "TaskLab"): string {
  return `${base} ${randomUUID().slice(0, 6)}`;
}

const MASKED_BEARER = "Authorization: Bearer ••••••••";

test("one resource of each level and authentication type is created and listed as a draft", async ({ page, projectId }) => {
  test.slow();
  const wizard = new ResourceWizard(page, projectId);
  const authorizationStep = wizard.stepper.getByRole("listitem").filter({ hasText: "Authorization" });
  const typedSecrets: string[] = [];
  const secret = (label: string) => {
    const value = `${label}-${randomUUID()}`;
    typedSecrets.push(value);
    return value;
  };
  const expectPreview = async (text: string) => {
    await expect(wizard.requestPreview).toHaveText(text);
    for (const value of typedSecrets) await expect(wizard.requestPreview).not.toContainText(value);
  };

  // User-Level, OAuth 2.0 Refresh Token, with a Required Input used in both URLs.
  const userRefresh = uniqueName("User Refresh");
  await wizard.create(userRefresh);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.expectStep("authorization");
  await expect(authorizationStep).not.toContainText("(skipped)");
  await wizard.fillOAuthAuthorization({
    clientId: "tasklab-client",
    clientSecret: secret("user-refresh-client-secret"),
    inputs: [{ key: "subdomain", label: "Subdomain" }],
  });
  await wizard.typeTemplate(page.getByLabel("Access Token URL"), "https://{{inputs.subdomain}}.example.com/oauth/token");
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.typeTemplate(page.getByLabel("API Base URL"), "https://{{inputs.subdomain}}.example.com/api");
  await expectPreview(`GET https://<subdomain>.example.com/api\n${MASKED_BEARER}`);
  await wizard.save();

  // User-Level, OAuth 2.0 Client Credentials.
  const userClient = uniqueName("User Client");
  await wizard.create(userClient);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://auth.example.com/oauth/token",
    clientId: "tasklab-client",
    clientSecret: secret("user-client-secret"),
  });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v1" });
  await expectPreview(`GET https://api.example.com/v1\n${MASKED_BEARER}`);
  await wizard.save();

  // User-Level, API Keys.
  const userKeys = uniqueName("User Keys");
  await wizard.create(userKeys);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.fillApiKeyNames([{ name: "api_key", secret: true }]);
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com" });
  await expectPreview(`GET https://api.example.com\n${MASKED_BEARER}`);
  await wizard.save();

  // App-Level, OAuth 2.0 Refresh Token: the credentials go under Request Details.
  const appRefresh = uniqueName("App Refresh");
  await wizard.create(appRefresh);
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await expect(authorizationStep).toContainText("(skipped)");
  await expect(wizard.stepper.getByRole("link", { name: "Authorization" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "App credentials" })).toBeVisible();
  await wizard.fillAppOAuthCredentials({
    accessTokenUrl: "https://auth.example.com/oauth/token",
    clientId: "app-client",
    clientSecret: secret("app-refresh-client-secret"),
    refreshToken: secret("app-refresh-token"),
  });
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v2" });
  await expectPreview(`GET https://api.example.com/v2\n${MASKED_BEARER}`);
  await wizard.save();

  // App-Level, OAuth 2.0 Client Credentials: no Refresh Token to enter.
  const appClient = uniqueName("App Client");
  await wizard.create(appClient);
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await expect(authorizationStep).toContainText("(skipped)");
  await expect(page.getByLabel("Refresh Token")).toHaveCount(0);
  await wizard.fillAppOAuthCredentials({
    accessTokenUrl: "https://auth.example.com/oauth/token",
    clientId: "app-client",
    clientSecret: secret("app-client-secret"),
  });
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v3" });
  await expectPreview(`GET https://api.example.com/v3\n${MASKED_BEARER}`);
  await wizard.save();

  // App-Level, API Keys: names and values.
  const appKeys = uniqueName("App Keys");
  await wizard.create(appKeys);
  await wizard.chooseApiInfo({ level: "App-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await expect(authorizationStep).toContainText("(skipped)");
  await wizard.fillAppApiKeys([{ name: "api_key", value: secret("app-api-key") }]);
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v4" });
  await expectPreview(`GET https://api.example.com/v4\n${MASKED_BEARER}`);
  await wizard.save();

  const expected = [
    [userRefresh, "User-Level", "OAuth 2.0 (Refresh Token)"],
    [userClient, "User-Level", "OAuth 2.0 (Client Credentials)"],
    [userKeys, "User-Level", "API Keys"],
    [appRefresh, "App-Level", "OAuth 2.0 (Refresh Token)"],
    [appClient, "App-Level", "OAuth 2.0 (Client Credentials)"],
    [appKeys, "App-Level", "API Keys"],
  ] as const;
  await expect(page.getByRole("row")).toHaveCount(1 + expected.length);
  for (const [name, level, authentication] of expected) {
    await expect(wizard.row(name).getByRole("cell")).toHaveText([name, level, authentication, "Draft", /UTC$/, /Delete/]);
  }
});

test("a resource left mid-way resumes at its furthest step, with saved values and a write-only secret", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  const name = uniqueName();
  const clientSecret = `client-secret-${randomUUID()}`;
  const accessTokenUrl = "https://{{inputs.subdomain}}.example.com/oauth/token";

  await wizard.create(name);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl,
    clientId: "tasklab-client",
    clientSecret,
    inputs: [{ key: "subdomain", label: "Subdomain" }],
    includeClientCredentials: false,
  });
  await wizard.continue();
  await wizard.expectStep("request-details");

  // Leave for the Resources list, then come back through the resource's name.
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Resources" }).click();
  await expect(wizard.row(name).getByRole("cell").nth(3)).toHaveText("Draft");
  await page.getByRole("link", { name, exact: true }).click();
  await wizard.expectStep("request-details");
  await expect(page.getByRole("heading", { name: "Request Details" })).toBeVisible();

  await page.reload();
  await wizard.expectStep("request-details");
  await expect(page.getByRole("heading", { name: "Request Details" })).toBeVisible();

  await wizard.back();
  await wizard.expectStep("authorization");
  const expectSavedAuthorization = async () => {
    await expect(page.getByLabel("Access Token URL")).toHaveValue(accessTokenUrl);
    await expect(page.getByLabel("Client ID", { exact: true })).toHaveValue("tasklab-client");
    const input = page.getByRole("group", { name: "Required input 1", exact: true });
    await expect(input.getByLabel("Key", { exact: true })).toHaveValue("subdomain");
    await expect(input.getByLabel("Label", { exact: true })).toHaveValue("Subdomain");
    await expect(page.getByLabel("Include Client ID and Secret")).not.toBeChecked();
    // The secret is set, and never sent back to the browser.
    await expect(page.getByRole("button", { name: "Replace Client Secret" })).toBeVisible();
    await expect(page.getByText("Set", { exact: true })).toBeVisible();
    await expect(page.getByLabel("Client Secret", { exact: true })).toHaveCount(0);
    const html = await page.content();
    expect(html).toContain("tasklab-client");
    expect(html).not.toContain(clientSecret);
  };
  await expectSavedAuthorization();

  // A reload stays on the step, and its server-rendered HTML holds no secret either.
  await page.reload();
  await wizard.expectStep("authorization");
  await expect(page.getByRole("heading", { name: "Authorization" })).toBeVisible();
  await expectSavedAuthorization();
});

test("values typed but not saved survive going Back and returning through the stepper", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  await wizard.create(uniqueName());
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.fillApiKeyNames([{ name: "api_key", secret: true }]);
  await wizard.continue();
  await wizard.expectStep("request-details");

  await page.getByLabel("API Base URL").fill("https://api.example.com/not-saved-yet");
  await wizard.back();
  await wizard.expectStep("authorization");
  await wizard.goToStep("Request Details");
  await wizard.expectStep("request-details");
  await expect(page.getByLabel("API Base URL")).toHaveValue("https://api.example.com/not-saved-yet");
});

test("an existing resource is renamed and its Request Details changed", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  const name = uniqueName();
  await wizard.create(name);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "API Keys" });
  await wizard.continue();
  await wizard.fillApiKeyNames([{ name: "api_key", secret: true }]);
  await wizard.continue();
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v1" });
  await wizard.save();

  await wizard.open(name);
  await wizard.expectStep("test-and-publish");
  await wizard.goToStep("Name");
  const renamed = uniqueName("TaskLab Renamed");
  await page.getByLabel("Resource name").fill(renamed);
  await expect(page.getByText(`${renamed} Request`)).toBeVisible();
  await expect(page.getByText(`${renamed} Triggers`)).toBeVisible();
  await wizard.continue();
  await wizard.expectStep("api-info");
  await expect(page.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();

  await wizard.goToStep("Request Details");
  await wizard.fillRequestDetails({ baseUrl: "https://api.example.com/v2", authentication: "Header" });
  await page.getByLabel("Header name").fill("X-Api-Key");
  await page.getByLabel("Header value").fill("{{credentials.api_key}}");
  await expect(wizard.requestPreview).toHaveText("GET https://api.example.com/v2\nX-Api-Key: ••••••••");
  await wizard.save();

  await expect(wizard.row(renamed)).toBeVisible();
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("row")).toHaveCount(2);

  await wizard.open(renamed);
  await wizard.expectStep("test-and-publish");
  await wizard.goToStep("Request Details");
  await expect(page.getByLabel("API Base URL")).toHaveValue("https://api.example.com/v2");
  await expect(page.getByLabel("API Authentication")).toHaveValue("header");
  await expect(page.getByLabel("Header name")).toHaveValue("X-Api-Key");
});

test("deleting a resource asks for confirmation, and Cancel keeps it", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  const first = uniqueName("First");
  const second = uniqueName("Second");
  await wizard.create(first);
  await wizard.create(second);
  await wizard.openResources();

  const deleteResource = async (name: string, confirm: "Delete resource" | "Cancel") => {
    await page.getByRole("button", { name: `Delete ${name}`, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${name}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: confirm }).click();
    await expect(dialog).toBeHidden();
  };

  await deleteResource(first, "Cancel");
  await expect(wizard.row(first)).toBeVisible();

  await deleteResource(first, "Delete resource");
  await expect(wizard.row(first)).toHaveCount(0);
  await expect(wizard.row(second)).toBeVisible();

  await deleteResource(second, "Delete resource");
  await expect(page.getByRole("heading", { name: "No resources yet" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "No resources yet" })).toBeVisible();
});

test("the Authorization step shows inline errors and saves nothing until they are fixed", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.create(uniqueName());
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.expectStep("authorization");

  // Nothing filled in: an error under each required field, and the wizard does not advance.
  await wizard.continue();
  await expect(page.getByText("Enter the Access Token URL.")).toBeVisible();
  await expect(page.getByText("Enter the Client ID.")).toBeVisible();
  await expect(page.getByText("Enter the Client Secret.")).toBeVisible();
  await wizard.expectStep("authorization");
  await expect(wizard.stepper.getByRole("link", { name: "Request Details" })).toHaveCount(0);

  const savedUrl = "https://{{inputs.subdomain}}.example.com/oauth/token";
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: savedUrl,
    clientId: "tasklab-client",
    clientSecret: `secret-${randomUUID()}`,
    inputs: [{ key: "subdomain", label: "Subdomain" }],
  });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.back();
  await wizard.expectStep("authorization");

  const accessTokenUrl = page.getByLabel("Access Token URL");
  const invalidUrls = [
    { value: "", message: "Enter the Access Token URL." },
    { value: "not a url", message: 'Enter a URL starting with http:// or https://. "not a url" is not a valid URL.' },
    { value: "ftp://x", message: "Enter a URL starting with http:// or https://. Only http:// and https:// URLs are allowed." },
    {
      value: "https://{{inputs.subdmain}}.example.com",
      message: 'Unknown variable "inputs.subdmain". Did you mean "inputs.subdomain"?',
    },
  ];
  for (const { value, message } of invalidUrls) {
    await accessTokenUrl.fill(value);
    await wizard.continue();
    await expect(page.getByText(message, { exact: true })).toBeVisible();
    await wizard.expectStep("authorization");
  }

  await accessTokenUrl.fill("https://auth.example.com/oauth/token");
  await wizard.addRequiredInputs([{ key: "subdomain", label: "Another subdomain" }]);
  await wizard.continue();
  await expect(page.getByText("Input keys must be unique.")).toBeVisible();
  await wizard.expectStep("authorization");

  // None of it was saved: reopening the step shows the values saved before.
  await page.goto(wizard.stepUrl(resourceId, "authorization"));
  await expect(accessTokenUrl).toHaveValue(savedUrl);
  await expect(page.getByRole("group", { name: /^Required input \d+$/ })).toHaveCount(1);
});

test("a resource name already used in the project, in any case, is refused on create and on rename", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  const name = uniqueName();
  const other = uniqueName("Other");
  await wizard.create(name);
  const otherId = await wizard.create(other);

  await wizard.openResources();
  await page.getByRole("link", { name: "Create Resource" }).click();
  await page.getByLabel("Resource name").fill(name.toUpperCase());
  await wizard.continue();
  await expect(page.getByText(`A resource named "${name.toUpperCase()}" already exists in this project.`)).toBeVisible();
  await expect(page).toHaveURL(/\/resources\/new$/);

  await page.goto(wizard.stepUrl(otherId, "name"));
  await page.getByLabel("Resource name").fill(name.toLowerCase());
  await wizard.continue();
  await expect(page.getByText(`A resource named "${name.toLowerCase()}" already exists in this project.`)).toBeVisible();
  await wizard.expectStep("name");

  await wizard.openResources();
  await expect(page.getByRole("row")).toHaveCount(3);
  await expect(wizard.row(name)).toBeVisible();
  await expect(wizard.row(other)).toBeVisible();
});

test("the variable menu is driven by the keyboard alone", async ({ page, projectId }) => {
  const wizard = new ResourceWizard(page, projectId);
  await wizard.create(uniqueName());
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://{{inputs.subdomain}}.example.com/oauth/token",
    clientId: "tasklab-client",
    clientSecret: `secret-${randomUUID()}`,
    inputs: [
      { key: "subdomain", label: "Subdomain" },
      { key: "region", label: "Region" },
    ],
  });
  await wizard.continue();
  await wizard.expectStep("request-details");

  const baseUrl = page.getByLabel("API Base URL");
  const menu = page.getByRole("listbox", { name: "Variables" });
  const selected = menu.getByRole("option", { selected: true });
  await baseUrl.focus();
  await page.keyboard.type("https://{{");
  await expect(menu).toBeVisible();
  await expect(baseUrl).toHaveAttribute("aria-expanded", "true");
  await expect(menu.getByRole("option")).toHaveText(["inputs.subdomain", "inputs.region"]);
  await expect(selected).toHaveText("inputs.subdomain");
  await page.keyboard.press("ArrowDown");
  await expect(selected).toHaveText("inputs.region");
  await page.keyboard.press("ArrowDown");
  await expect(selected).toHaveText("inputs.subdomain");
  await page.keyboard.press("ArrowUp");
  await expect(selected).toHaveText("inputs.region");
  await page.keyboard.press("ArrowUp");
  await expect(selected).toHaveText("inputs.subdomain");
  await page.keyboard.press("Enter");
  await expect(baseUrl).toHaveValue("https://{{inputs.subdomain}}");
  await expect(menu).toBeHidden();
  await expect(baseUrl).toHaveAttribute("aria-expanded", "false");
  // Enter picked the variable; it did not submit the form.
  await wizard.expectStep("request-details");

  // Escape closes the menu and inserts nothing.
  await page.keyboard.type(".example.com/{{");
  await expect(menu).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(baseUrl).toHaveValue("https://{{inputs.subdomain}}.example.com/{{");

  // What is typed after "{{" filters the menu.
  await page.keyboard.type("reg");
  await expect(menu.getByRole("option")).toHaveText(["inputs.region"]);
  await page.keyboard.press("Enter");
  await expect(baseUrl).toHaveValue("https://{{inputs.subdomain}}.example.com/{{inputs.region}}");

  const token = page.getByLabel("Token", { exact: true });
  await expect(token).toHaveValue("{{credentials.access_token}}");
  await token.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("{{cred");
  await expect(menu.getByRole("option")).toHaveText(["credentials.access_token", "credentials.refresh_token"]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(token).toHaveValue("{{credentials.refresh_token}}");

  await expect(wizard.requestPreview).toHaveText(`GET https://<subdomain>.example.com/<region>\n${MASKED_BEARER}`);
  await wizard.save();
});

test("a non-member cannot open, rename or delete another project's resource", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  const mallory = await newUser(browser, "mallory");
  const aliceWizard = new ResourceWizard(alice.page, alice.projectId);
  const aliceResource = uniqueName("Alice API");
  const aliceResourceId = await aliceWizard.create(aliceResource);

  const { page } = mallory;
  for (const path of [
    `/projects/${alice.projectId}/resources/${aliceResourceId}/api-info`,
    `/projects/${alice.projectId}/resources/${aliceResourceId}`,
    // Her own project with Alice's resource id.
    `/projects/${mallory.projectId}/resources/${aliceResourceId}/api-info`,
  ]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText(aliceResource)).toHaveCount(0);
  }

  // Mallory renames her own resource, and rewrites the request to target Alice's.
  const wizard = new ResourceWizard(page, mallory.projectId);
  const malloryResource = uniqueName("Mallory API");
  const malloryResourceId = await wizard.create(malloryResource);
  await wizard.goToStep("Name");
  await redirectNextActionTo(page, mallory.projectId, alice.projectId, { [malloryResourceId]: aliceResourceId });
  await page.getByLabel("Resource name").fill("Renamed by mallory");
  await wizard.continue();
  await expect(wizard.alert("Project not found.")).toBeVisible();
  await wizard.expectStep("name");
  await page.unrouteAll();

  // Through her own project, Alice's resource id is not found either.
  await redirectNextActionTo(page, malloryResourceId, aliceResourceId);
  await wizard.continue();
  await expect(wizard.alert("Resource not found.")).toBeVisible();
  await wizard.expectStep("name");
  await page.unrouteAll();

  await wizard.openResources();
  await redirectNextActionTo(page, mallory.projectId, alice.projectId, { [malloryResourceId]: aliceResourceId });
  await page.getByRole("button", { name: `Delete ${malloryResource}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${malloryResource}?` });
  await dialog.getByRole("button", { name: "Delete resource" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Project not found.");
  await page.unrouteAll();

  // Alice's resource is still there, under its name; Mallory's is untouched too.
  await aliceWizard.openResources();
  await expect(alice.page.getByRole("row")).toHaveCount(2);
  await expect(aliceWizard.row(aliceResource)).toBeVisible();
  await wizard.openResources();
  await expect(wizard.row(malloryResource)).toBeVisible();
});

test("a variable that sets the whole host is refused until Allow any host is ticked, which warns and saves", async ({
  page,
  projectId,
}) => {
  const wizard = new ResourceWizard(page, projectId);
  const resourceId = await wizard.create(uniqueName());
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.expectStep("authorization");

  const allowAnyHost = page.getByLabel("Allow any host");
  const tokenUrlWarning = wizard.alert(
    "each Connected User can make Switchboard send your Client ID and Client Secret to a server of their choosing",
  );
  const tokenUrlError =
    "{{inputs.host}} sets the whole host: end users could send the Client Secret to any server. Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.";
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://auth.example.com/token",
    clientId: "tasklab-client",
    clientSecret: `secret-${randomUUID()}`,
    inputs: [{ key: "host", label: "Host" }],
  });
  // A host without a variable has nothing to allow.
  await expect(allowAnyHost).toHaveCount(0);

  await page.getByLabel("Access Token URL").fill("https://{{inputs.host}}/token");
  await expect(allowAnyHost).not.toBeChecked();
  await expect(tokenUrlWarning).toHaveCount(0);
  await wizard.continue();
  await expect(page.getByText(tokenUrlError, { exact: true })).toBeVisible();
  await wizard.expectStep("authorization");

  await allowAnyHost.check();
  await expect(tokenUrlWarning).toBeVisible();
  await expect(page.getByText(tokenUrlError, { exact: true })).toHaveCount(0);
  await wizard.continue();
  await wizard.expectStep("request-details");

  // The API Base URL has its own tick.
  const baseUrlWarning = wizard.alert(
    "each Connected User can make Switchboard send your API requests, with their credentials, to a server of their choosing",
  );
  await wizard.fillRequestDetails({ baseUrl: "https://{{inputs.host}}/api" });
  await expect(allowAnyHost).not.toBeChecked();
  await wizard.continue();
  await expect(
    page.getByText(
      "{{inputs.host}} sets the whole host: end users could send your API requests, with their credentials, to any server. Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.",
      { exact: true },
    ),
  ).toBeVisible();
  await wizard.expectStep("request-details");
  await allowAnyHost.check();
  await expect(baseUrlWarning).toBeVisible();
  await wizard.save();

  // Both ticks were saved: reopening each step shows it ticked, with its warning.
  await page.goto(wizard.stepUrl(resourceId, "authorization"));
  await expect(page.getByLabel("Access Token URL")).toHaveValue("https://{{inputs.host}}/token");
  await expect(allowAnyHost).toBeChecked();
  await expect(tokenUrlWarning).toBeVisible();
  await page.goto(wizard.stepUrl(resourceId, "request-details"));
  await expect(page.getByLabel("API Base URL")).toHaveValue("https://{{inputs.host}}/api");
  await expect(allowAnyHost).toBeChecked();
  await expect(baseUrlWarning).toBeVisible();
});
