import { expect, type Locator, type Page } from "@playwright/test";

export type TriggerLabel = "App Event" | "Request" | "Scheduler";
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type OperatorLabel = "equals" | "does not equal" | "contains" | "is empty" | "is not empty";

const workflowUrl = /\/workflows\/([0-9a-f-]{36})$/;

/** The workflow editor, as a user goes through it in one project. */
export class WorkflowEditor {
  constructor(
    readonly page: Page,
    readonly projectId: string,
  ) {}

  get workflowsUrl(): string {
    return `/projects/${this.projectId}/workflows`;
  }

  editorUrl(workflowId: string): string {
    return `${this.workflowsUrl}/${workflowId}`;
  }

  /** An alert with this text (Next.js also renders an empty route announcer alert). */
  alert(text: string | RegExp): Locator {
    return this.page.getByRole("alert").filter({ hasText: text });
  }

  async openWorkflows(): Promise<void> {
    await this.page.goto(this.workflowsUrl);
  }

  /** Workflows → Create Workflow → Name → Create; returns the new workflow's id, its editor open. */
  async create(name: string): Promise<string> {
    await this.openWorkflows();
    await this.page.getByRole("link", { name: "Create Workflow" }).first().click();
    await this.page.getByLabel("Name", { exact: true }).fill(name);
    await this.page.getByRole("button", { name: "Create", exact: true }).click();
    await expect(this.page).toHaveURL(workflowUrl);
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    return this.workflowId();
  }

  /** The id of the workflow whose editor is open. */
  workflowId(): string {
    return workflowUrl.exec(new URL(this.page.url()).pathname)![1]!;
  }

  /** Workflows → the workflow's name, which opens its editor. */
  async open(name: string): Promise<void> {
    await this.openWorkflows();
    await this.page.getByRole("link", { name, exact: true }).click();
    await expect(this.page).toHaveURL(workflowUrl);
  }

  /** The Workflows table row of a workflow. */
  row(name: string): Locator {
    return this.page.getByRole("row").filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }

  /** The Workflows table's Status cell ("Draft", "Deployed v2", "Deployed v2 Undeployed changes"). */
  statusCell(name: string): Locator {
    return this.row(name).getByRole("cell").nth(2);
  }

  /** The editor's status: "Draft", "Deployed v<N>", with "Undeployed changes" when the draft differs. */
  get status(): Locator {
    return this.page.getByTestId("workflow-status");
  }

  async rename(name: string): Promise<void> {
    await this.page.getByLabel("Name", { exact: true }).fill(name);
  }

  /** Trigger: App Event (with its Event name), Request, or Scheduler (Cron expression, Time zone). */
  async chooseTrigger(trigger: TriggerLabel, fields: { eventName?: string; cron?: string; timeZone?: string } = {}): Promise<void> {
    await this.page.getByLabel("Trigger", { exact: true }).selectOption({ label: trigger });
    if (fields.eventName !== undefined) await this.page.getByLabel("Event name", { exact: true }).fill(fields.eventName);
    if (fields.cron !== undefined) await this.page.getByLabel("Cron expression", { exact: true }).fill(fields.cron);
    if (fields.timeZone !== undefined) await this.page.getByLabel("Time zone", { exact: true }).fill(fields.timeZone);
  }

  /** Trigger "<Resource> Triggers" (a published resource with webhooks set up) and one of its Event types. */
  async chooseResourceTrigger(resourceName: string, eventType: string): Promise<void> {
    await this.page.getByLabel("Trigger", { exact: true }).selectOption({ label: `${resourceName} Triggers` });
    await this.page.getByLabel("Event type", { exact: true }).selectOption(eventType);
  }

  /** The Event types a Resource Trigger offers (its "Event type" select, without the placeholder). */
  async resourceTriggerEventTypes(): Promise<string[]> {
    const options = await this.page.getByLabel("Event type", { exact: true }).locator("option").allTextContents();
    return options.filter((option) => option !== "Choose an event type…");
  }

  /** The Request trigger's "POST <url>" line. */
  get requestRunUrl(): Locator {
    return this.page.getByTestId("request-run-url");
  }

  /** Sample trigger input: the trigger's whole input (`trigger.*`), pre-filled with its shape when a trigger is chosen. */
  get sampleTrigger(): Locator {
    return this.page.getByLabel("Sample trigger input", { exact: true });
  }

  /** Sample trigger input: a JSON value, or text as typed. */
  async setSampleTrigger(sample: unknown): Promise<void> {
    await this.sampleTrigger.fill(typeof sample === "string" ? sample : JSON.stringify(sample, null, 2));
  }

  // ---- Steps --------------------------------------------------------------------------------

  /** Step n (1-based) of the Steps list. */
  step(position: number): Locator {
    return this.page.getByRole("group", { name: `Step ${position}`, exact: true });
  }

  get steps(): Locator {
    return this.page.getByRole("region", { name: "Steps" }).getByRole("group", { name: /^Step \d+$/ });
  }

  /** Add step → an item of its menu ("TaskLab Request", "Condition", "Delay"); returns the new step. */
  async addStep(item: string): Promise<Locator> {
    const before = await this.steps.count();
    await this.page.getByRole("button", { name: "Add step" }).click();
    await this.page.getByRole("menu", { name: "Add step" }).getByRole("menuitem", { name: item, exact: true }).click();
    await expect(this.steps).toHaveCount(before + 1);
    return this.step(before + 1);
  }

  /** Add step → "<resource> Request", then its fields. Template fields are filled as text; use typeTemplate to pick variables. */
  async addRequestStep(
    resourceName: string,
    {
      key,
      method,
      path,
      query = [],
      headers = [],
      body,
      retries,
    }: {
      key?: string;
      method?: Method;
      path?: string;
      query?: ReadonlyArray<{ name: string; value: string }>;
      headers?: ReadonlyArray<{ name: string; value: string }>;
      body?: string;
      retries?: boolean;
    } = {},
  ): Promise<Locator> {
    const step = await this.addStep(`${resourceName} Request`);
    if (key !== undefined) await step.getByLabel("Step key", { exact: true }).fill(key);
    if (method !== undefined) await step.getByLabel("Method", { exact: true }).selectOption(method);
    if (path !== undefined) await step.getByLabel("Path", { exact: true }).fill(path);
    for (const row of query) await this.addRow(step, "Query parameter", "Parameter", row);
    for (const row of headers) await this.addRow(step, "Header", "Header", row);
    if (body !== undefined) await step.getByLabel("Body", { exact: true }).fill(body);
    if (retries !== undefined) await step.getByLabel("Retry failed requests").setChecked(retries);
    return step;
  }

  private async addRow(step: Locator, rowLabel: "Query parameter" | "Header", fieldLabel: "Parameter" | "Header", row: { name: string; value: string }) {
    const groups = step.getByRole("group", { name: new RegExp(`^${rowLabel} \\d+$`) });
    const count = await groups.count();
    await step.getByRole("button", { name: `Add ${rowLabel.toLowerCase()}`, exact: true }).click();
    const added = step.getByRole("group", { name: `${rowLabel} ${count + 1}`, exact: true });
    await added.getByLabel(`${fieldLabel} name`, { exact: true }).fill(row.name);
    await added.getByLabel(`${fieldLabel} value`, { exact: true }).fill(row.value);
  }

  /** Add step → Condition: Left value, Operator, Right value. */
  async addCondition({ key, left, operator, right }: { key?: string; left: string; operator: OperatorLabel; right?: string }): Promise<Locator> {
    const step = await this.addStep("Condition");
    if (key !== undefined) await step.getByLabel("Step key", { exact: true }).fill(key);
    await step.getByLabel("Left value", { exact: true }).fill(left);
    await step.getByLabel("Operator", { exact: true }).selectOption({ label: operator });
    if (right !== undefined) await step.getByLabel("Right value", { exact: true }).fill(right);
    return step;
  }

  /** Add step → Delay: Seconds. */
  async addDelay({ key, seconds }: { key?: string; seconds: number }): Promise<Locator> {
    const step = await this.addStep("Delay");
    if (key !== undefined) await step.getByLabel("Step key", { exact: true }).fill(key);
    await step.getByLabel("Seconds", { exact: true }).fill(String(seconds));
    return step;
  }

  async moveStepUp(position: number): Promise<void> {
    await this.step(position).getByRole("button", { name: `Move step ${position} up` }).click();
  }

  async moveStepDown(position: number): Promise<void> {
    await this.step(position).getByRole("button", { name: `Move step ${position} down` }).click();
  }

  async removeStep(position: number): Promise<void> {
    await this.step(position).getByRole("button", { name: `Remove step ${position}` }).click();
  }

  /**
   * Types a template into a template field the way a user does: the text as typed, and each
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

  /** The names the variable menu lists in a template field after typing `{{` (then closes it). */
  async variablesIn(field: Locator): Promise<string[]> {
    await field.click();
    await field.press("End");
    await field.pressSequentially("{{");
    const listbox = this.page.getByRole("listbox", { name: "Variables" });
    await expect(listbox).toBeVisible();
    const names = await listbox.getByRole("option").allTextContents();
    await field.press("Escape");
    for (let i = 0; i < 2; i++) await field.press("Backspace");
    return names;
  }

  /** A field's error, as its accessible description announces it. */
  async expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAccessibleDescription(message instanceof RegExp ? message : new RegExp(escapeRegExp(message)));
  }

  // ---- Save, Test, Deploy -------------------------------------------------------------------

  async save(): Promise<void> {
    await this.page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  }

  /** Save expecting field errors: clicks Save and waits until it is done (no "Saved."). */
  async trySave(): Promise<void> {
    await this.page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(this.page.getByRole("button", { name: "Save", exact: true })).toBeEnabled();
  }

  /** Test (it saves first): waits for the "Test result" summary ("Test succeeded: …", "Test failed: …", "Test stopped: …") and returns it. */
  async test(): Promise<Locator> {
    await this.page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(this.testResult).toBeVisible({ timeout: 30_000 });
    await expect(this.page.getByRole("button", { name: "Test", exact: true })).toBeEnabled();
    return this.testResult;
  }

  get testResult(): Locator {
    return this.page.getByRole("region", { name: "Test result" });
  }

  /**
   * A step's outcome in the last Test, shown inline in its step: status, request sent, response
   * or error (test ids step-status, step-request, step-response-status, step-response-body, step-error).
   */
  testStep(key: string): Locator {
    return this.page.getByRole("group", { name: `Result of ${key}`, exact: true });
  }

  /** Deploy (it saves first): waits for "Deployed v<N>." and returns N. */
  async deploy(): Promise<number> {
    await this.page.getByRole("button", { name: "Deploy", exact: true }).click();
    const message = this.page.getByRole("status").filter({ hasText: /^Deployed v\d+\.$/ });
    await expect(message).toBeVisible();
    const version = Number(/v(\d+)/.exec((await message.textContent()) ?? "")![1]);
    await expect(this.status).toContainText(`Deployed v${version}`);
    await expect(this.status).not.toContainText("Undeployed changes");
    return version;
  }

  /** "Enabled for all users", saved at once. */
  async setEnabledForAll(enabled: boolean): Promise<void> {
    const checkbox = this.page.getByLabel("Enabled for all users");
    await checkbox.setChecked(enabled);
    await expect(checkbox).toBeEnabled();
    await expect(checkbox).toBeChecked({ checked: enabled });
  }

  async openRuns(): Promise<void> {
    await this.page.getByRole("navigation", { name: "Workflow" }).getByRole("link", { name: "Runs", exact: true }).click();
    await expect(this.page).toHaveURL(/\/workflows\/[0-9a-f-]{36}\/runs/);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
