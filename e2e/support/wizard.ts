import { expect, type Locator, type Page } from "@playwright/test";
import { TASKLAB_DEFAULT_CLIENT } from "@/test/fixtures/tasklab";

export type Level = "User-Level Resource" | "App-Level Resource";
export type AuthType = "OAuth 2.0" | "API Keys";
export type Grant = "Refresh Token" | "Client Credentials" | "Authorization Code";
export type ApiAuthentication = "Bearer Token" | "Basic Auth" | "Header" | "Query Parameter" | "None";

const resourceStepUrl = /\/resources\/([0-9a-f-]{36})\/[a-z-]+$/;

/** The API Resource wizard, as a user goes through it in one project. */
export class ResourceWizard {
  constructor(
    readonly page: Page,
    readonly projectId: string,
  ) {}

  get resourcesUrl(): string {
    return `/projects/${this.projectId}/resources`;
  }

  /** The "Resource setup steps" navigation. */
  get stepper(): Locator {
    return this.page.getByRole("navigation", { name: "Resource setup steps" });
  }

  /** An alert with this text (Next.js also renders an empty route announcer alert). */
  alert(text: string | RegExp): Locator {
    return this.page.getByRole("alert").filter({ hasText: text });
  }

  async openResources(): Promise<void> {
    await this.page.goto(this.resourcesUrl);
  }

  /** Resources → Create Resource → Name → Continue; returns the new resource's id. */
  async create(name: string): Promise<string> {
    await this.openResources();
    await this.page.getByRole("link", { name: "Create Resource" }).click();
    await this.page.getByLabel("Resource name").fill(name);
    await this.continue();
    await expect(this.page).toHaveURL(/\/resources\/[0-9a-f-]{36}\/api-info$/);
    return this.resourceId();
  }

  /** The id of the resource whose step is open. */
  resourceId(): string {
    return resourceStepUrl.exec(new URL(this.page.url()).pathname)![1]!;
  }

  stepUrl(resourceId: string, step: string): string {
    return `${this.resourcesUrl}/${resourceId}/${step}`;
  }

  async expectStep(step: "name" | "api-info" | "authorization" | "request-details" | "test-and-publish"): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`/resources/[0-9a-f-]{36}/${step}$`));
  }

  async chooseApiInfo({ level, authType, grant }: { level: Level; authType: AuthType; grant?: Grant }): Promise<void> {
    await this.page.getByRole("group", { name: "Level" }).getByRole("radio", { name: level }).check();
    await this.page.getByRole("group", { name: "Authentication type" }).getByRole("radio", { name: authType }).check();
    if (grant) await this.page.getByRole("group", { name: "Grant type" }).getByRole("radio", { name: grant }).check();
  }

  /** Opens the Authorization step's "Advanced Options" unless it is open already. */
  async openAdvancedOptions(): Promise<void> {
    if (await this.page.getByRole("button", { name: "Add input" }).isHidden()) {
      await this.page.locator("summary").filter({ hasText: "Advanced Options" }).click();
    }
    await expect(this.page.getByRole("button", { name: "Add input" })).toBeVisible();
  }

  /** Advanced Options → Required Inputs → Add input, once per input. */
  async addRequiredInputs(inputs: ReadonlyArray<{ key: string; label: string }>): Promise<void> {
    await this.openAdvancedOptions();
    const existing = await this.page.getByRole("group", { name: /^Required input \d+$/ }).count();
    for (const [index, input] of inputs.entries()) {
      await this.page.getByRole("button", { name: "Add input" }).click();
      const row = this.page.getByRole("group", { name: `Required input ${existing + index + 1}`, exact: true });
      await row.getByLabel("Key", { exact: true }).fill(input.key);
      await row.getByLabel("Label", { exact: true }).fill(input.label);
    }
  }

  /** The User-Level OAuth Authorization step. Leave out accessTokenUrl to type it yourself. */
  async fillOAuthAuthorization({
    accessTokenUrl,
    clientId,
    clientSecret,
    inputs = [],
    includeClientCredentials,
  }: {
    accessTokenUrl?: string;
    clientId: string;
    clientSecret: string;
    inputs?: ReadonlyArray<{ key: string; label: string }>;
    includeClientCredentials?: boolean;
  }): Promise<void> {
    if (inputs.length) await this.addRequiredInputs(inputs);
    if (accessTokenUrl !== undefined) await this.page.getByLabel("Access Token URL").fill(accessTokenUrl);
    await this.page.getByLabel("Client ID", { exact: true }).fill(clientId);
    await this.page.getByLabel("Client Secret", { exact: true }).fill(clientSecret);
    if (includeClientCredentials !== undefined) {
      await this.openAdvancedOptions();
      await this.page.getByLabel("Include Client ID and Secret").setChecked(includeClientCredentials);
    }
  }

  /**
   * The Authorization step's Authorization Code fields (Authorization URL, Scopes, Use PKCE, one
   * "Additional authorization parameters" row per parameter). Answers the Redirect URL shown, to
   * register at the API.
   */
  async fillAuthorizationCode({
    authorizationUrl,
    scopes,
    usePkce,
    parameters = [],
  }: {
    authorizationUrl: string;
    scopes?: string;
    usePkce?: boolean;
    parameters?: ReadonlyArray<{ name: string; value: string }>;
  }): Promise<string> {
    await this.page.getByLabel("Authorization URL", { exact: true }).fill(authorizationUrl);
    if (scopes !== undefined) await this.page.getByLabel("Scopes", { exact: true }).fill(scopes);
    if (usePkce !== undefined) await this.page.getByLabel("Use PKCE").setChecked(usePkce);
    const existing = await this.page.getByRole("group", { name: /^Authorization parameter \d+$/ }).count();
    for (const [index, parameter] of parameters.entries()) {
      await this.page.getByRole("button", { name: "Add parameter" }).click();
      const row = this.page.getByRole("group", { name: `Authorization parameter ${existing + index + 1}`, exact: true });
      await row.getByLabel("Name", { exact: true }).fill(parameter.name);
      await row.getByLabel("Value", { exact: true }).fill(parameter.value);
    }
    const redirectUrl = this.page.getByLabel("Redirect URL", { exact: true });
    await expect(redirectUrl).toHaveAttribute("readonly", "");
    await expect(this.page.getByRole("button", { name: "Copy Redirect URL" })).toBeVisible();
    return redirectUrl.inputValue();
  }

  /** Request Details: the "Validation request" the Connect Portal sends with what a user typed. */
  async fillValidationRequest({ method, path }: { method: "GET" | "POST"; path: string }): Promise<void> {
    const group = this.page.getByRole("group", { name: "Validation request" });
    await group.getByLabel("Method", { exact: true }).selectOption(method);
    await group.getByLabel("Path", { exact: true }).fill(path);
  }

  /** The User-Level API Keys Authorization step: one row per key name. */
  async fillApiKeyNames(keys: ReadonlyArray<{ name: string; secret: boolean }>): Promise<void> {
    for (const [index, key] of keys.entries()) {
      if (index > 0) await this.page.getByRole("button", { name: "Add API key" }).click();
      const row = this.page.getByRole("group", { name: `API key ${index + 1}`, exact: true });
      await row.getByLabel("Name", { exact: true }).fill(key.name);
      await row.getByLabel("Secret", { exact: true }).setChecked(key.secret);
    }
  }

  /** Request Details, App-Level OAuth: the "App credentials" card. */
  async fillAppOAuthCredentials({
    accessTokenUrl,
    clientId,
    clientSecret,
    refreshToken,
  }: {
    accessTokenUrl: string;
    clientId: string;
    clientSecret: string;
    refreshToken?: string;
  }): Promise<void> {
    await this.page.getByLabel("Access Token URL").fill(accessTokenUrl);
    await this.page.getByLabel("Client ID", { exact: true }).fill(clientId);
    await this.page.getByLabel("Client Secret", { exact: true }).fill(clientSecret);
    if (refreshToken !== undefined) await this.page.getByLabel("Refresh Token", { exact: true }).fill(refreshToken);
  }

  /** Request Details, App-Level API Keys: the "App credentials" card, one row per key. */
  async fillAppApiKeys(keys: ReadonlyArray<{ name: string; value: string; secret?: boolean }>): Promise<void> {
    for (const [index, key] of keys.entries()) {
      const row = this.page.getByRole("group", { name: `API key ${index + 1}`, exact: true });
      await row.getByLabel("Name", { exact: true }).fill(key.name);
      await row.getByLabel("Value", { exact: true }).fill(key.value);
      if (key.secret !== undefined) await row.getByLabel("Secret", { exact: true }).setChecked(key.secret);
    }
  }

  /** Request Details: the API Base URL and, optionally, how requests authenticate. */
  async fillRequestDetails({ baseUrl, authentication }: { baseUrl: string; authentication?: ApiAuthentication }): Promise<void> {
    await this.page.getByLabel("API Base URL").fill(baseUrl);
    if (authentication) await this.page.getByLabel("API Authentication").selectOption({ label: authentication });
  }

  /**
   * Types a template into a template input the way a user does: the text as typed, and each
   * `{{variable}}` picked from the "Variables" menu that typing `{{` opens.
   */
  async typeTemplate(field: Locator, template: string): Promise<void> {
    await field.click();
    await field.clear();
    for (const part of template.split(/(\{\{[^}]*\}\})/)) {
      if (!part) continue;
      const variable = /^\{\{(.*)\}\}$/.exec(part)?.[1];
      if (variable === undefined) {
        await field.pressSequentially(part);
        continue;
      }
      await field.pressSequentially("{{");
      await this.page.getByRole("listbox", { name: "Variables" }).getByRole("option", { name: variable, exact: true }).click();
      await expect(this.page.getByRole("listbox", { name: "Variables" })).toBeHidden();
    }
    await expect(field).toHaveValue(template);
  }

  get requestPreview(): Locator {
    return this.page.getByTestId("request-preview");
  }

  async continue(): Promise<void> {
    await this.page.getByRole("button", { name: "Continue" }).click();
  }

  async back(): Promise<void> {
    await this.page.getByRole("link", { name: "Back" }).click();
  }

  /** Request Details → Continue to Test and Publish, then back to the Resources list. */
  async save(): Promise<void> {
    await this.page.getByRole("button", { name: "Continue" }).click();
    await expect(this.page).toHaveURL(/\/resources\/[0-9a-f-]{36}\/test-and-publish$/);
    await this.page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Resources" }).click();
    await expect(this.page).toHaveURL(new RegExp(`${this.resourcesUrl}$`));
  }

  /** A step link in the stepper ("Name", "API Info", "Request Details", …). */
  async goToStep(label: string): Promise<void> {
    await this.stepper.getByRole("link", { name: label, exact: true }).click();
  }

  /** The Resources table row of a resource. */
  row(name: string): Locator {
    return this.page.getByRole("row").filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }

  /** Resources → the resource's name, which resumes its wizard. */
  async open(name: string): Promise<void> {
    await this.openResources();
    await this.page.getByRole("link", { name, exact: true }).click();
  }

  // ---- Test and Publish ---------------------------------------------------------------------

  /** The Resources table's Status cell of a resource ("Published", "Draft", "Unpublished changes"). */
  statusCell(name: string): Locator {
    return this.row(name).getByRole("cell").nth(3);
  }

  /**
   * Test credentials: fills each field by its label (a saved secret is replaced first), then
   * "Save test credentials".
   */
  async saveTestCredentials(values: Readonly<Record<string, string>>): Promise<void> {
    for (const [label, value] of Object.entries(values)) {
      const replace = this.page.getByRole("button", { name: `Replace ${label}`, exact: true });
      if (await replace.isVisible()) await replace.click();
      await this.page.getByLabel(label, { exact: true }).fill(value);
    }
    await this.page.getByRole("button", { name: "Save test credentials" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Test credentials saved." })).toBeVisible();
  }

  /**
   * The "Test request" card: Method, Path, "Send test request". Waits until the run is listed
   * under "Recent test requests", i.e. the page has refreshed (Finish then knows of it too).
   */
  async sendTestRequest(path: string, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" = "GET"): Promise<void> {
    const runsBefore = await this.recentTestRequests.count();
    await this.page.getByLabel("Method", { exact: true }).selectOption(method);
    await this.page.getByLabel("Path", { exact: true }).fill(path);
    await this.page.getByRole("button", { name: "Send test request" }).click();
    await expect(this.recentTestRequests).toHaveCount(Math.min(runsBefore + 1, 10));
    await expect(this.testResult).toBeVisible();
  }

  /** What the last test request showed (status, request sent, response, or its error alert). */
  get testResult(): Locator {
    return this.page.getByRole("region", { name: "Test result" });
  }

  get testStatus(): Locator {
    return this.page.getByTestId("test-status");
  }

  get testRequestSent(): Locator {
    return this.page.getByTestId("test-request");
  }

  get testResponseBody(): Locator {
    return this.page.getByTestId("test-response-body");
  }

  /** The "Recent test requests" table's rows, newest first (header row excluded). */
  get recentTestRequests(): Locator {
    return this.page.getByRole("table", { name: "Recent test requests" }).locator("tbody").getByRole("row");
  }

  /** The "Publish without a successful test?" dialog Finish opens. */
  get publishDialog(): Locator {
    return this.page.getByRole("dialog", { name: "Publish without a successful test?" });
  }

  async finish(): Promise<void> {
    await this.page.getByRole("button", { name: "Finish", exact: true }).click();
  }

  /**
   * Creates and publishes "TaskLab" as a user would: User-Level, OAuth 2.0 Refresh Token against
   * the TaskLab at `tasklabUrl`, test credentials with `testRefreshToken`, a successful test
   * request, Finish. Answers the Resource ID.
   */
  async publishTaskLabOAuth({ tasklabUrl, testRefreshToken }: { tasklabUrl: string; testRefreshToken: string }): Promise<string> {
    const resourceId = await this.create("TaskLab");
    await this.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
    await this.continue();
    await this.expectStep("authorization");
    await this.fillOAuthAuthorization({ accessTokenUrl: `${tasklabUrl}/oauth/token`, ...TASKLAB_DEFAULT_CLIENT });
    await this.continue();
    await this.expectStep("request-details");
    await this.fillRequestDetails({ baseUrl: `${tasklabUrl}/api` });
    await this.continue();
    await this.expectStep("test-and-publish");
    await this.saveTestCredentials({ "Refresh Token": testRefreshToken });
    // A successful test request first, so Finish publishes without asking.
    await this.sendTestRequest("/me");
    await expect(this.testStatus).toHaveText("200 OK");
    await this.finish();
    await expect(this.page).toHaveURL(new RegExp(`${this.resourcesUrl}$`));
    await expect(this.statusCell("TaskLab")).toHaveText("Published");
    return resourceId;
  }
}
