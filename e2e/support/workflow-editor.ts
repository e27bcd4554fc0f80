import { expect, type Locator, type Page } from "@playwright/test";

export type TriggerLabel = "App Event" | "Request" | "Scheduler";
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type OperatorLabel = "equals" | "does not equal" | "contains" | "is empty" | "is not empty";
/** The lists a step holds: a Condition's two branches, a Fan Out's body. */
export type StepListLabel = "When true" | "Otherwise" | "Steps for each item";

type Row = { name: string; value: string };
export interface RequestFields {
  key?: string;
  method?: Method;
  path?: string;
  query?: readonly Row[];
  headers?: readonly Row[];
  body?: string;
  retries?: boolean;
}
export interface ConditionFields {
  key?: string;
  left: string;
  operator: OperatorLabel;
  right?: string;
}
export interface FanOutFields {
  key?: string;
  items: string;
  concurrency?: number;
  onItemFailure?: "Fail the Fan Out" | "Continue and report";
}
export interface FunctionFields {
  key?: string;
  parameters?: readonly Row[];
  code?: string;
}
export interface ResponseFields {
  key?: string;
  status?: number;
  headers?: readonly Row[];
  body?: string;
}

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
  // A step's card holds the cards of its lists (a Condition's When true and Otherwise, a Fan Out's
  // Steps for each item), so a label inside a card may also name a nested card's field: the
  // helpers below read a card's own field with `ownField`, which comes before its lists.

  /** Step n (1-based) of the top-level Steps list, or a nested step by its number ("2.1", "3.1.2"). */
  step(position: number | string): Locator {
    return this.page.getByRole("group", { name: `Step ${position}`, exact: true });
  }

  /** The top-level step cards, in order (nested cards are named "Step 2.1" and are not among them). */
  get steps(): Locator {
    return this.page.getByRole("region", { name: "Steps" }).getByRole("group", { name: /^Step \d+$/ });
  }

  /** A card's own field by its label (a string matches exactly), not a nested card's: a card's fields come before its lists. */
  ownField(step: Locator, label: string | RegExp): Locator {
    return step.getByLabel(label, { exact: true }).first();
  }

  /** A list of a step ("When true", "Otherwise", "Steps for each item"): the group inside its card. */
  stepList(step: number | string | Locator, listLabel: StepListLabel): Locator {
    const card = typeof step === "object" ? step : this.step(step);
    // The card's own list comes before the lists of the cards it holds.
    return card.getByRole("group", { name: listLabel, exact: true }).first();
  }

  /** Add step (the top level's) → an item of its menu ("TaskLab Request", "Condition", "Fan Out", …); returns the new step. */
  async addStep(item: string): Promise<Locator> {
    const before = await this.steps.count();
    await this.pickFromMenu("Add step", item);
    await expect(this.steps).toHaveCount(before + 1);
    return this.step(before + 1);
  }

  /**
   * "Add step to <list> of Step <n>" → an item of its menu: a step at the end of that list of the
   * step (a card or its number, "2" or "2.1"); returns the new nested card ("Step 2.1").
   */
  async addStepTo(step: number | string | Locator, listLabel: StepListLabel, item: string): Promise<Locator> {
    const number = typeof step === "object" ? await stepNumber(step) : String(step);
    const list = this.stepList(step, listLabel);
    const cards = list.getByRole("group", { name: new RegExp(`^Step ${escapeRegExp(number)}\\.\\d+$`) });
    const before = await cards.count();
    await this.pickFromMenu(`Add step to ${listLabel} of Step ${number}`, item);
    await expect(cards).toHaveCount(before + 1);
    // Named by its number, as step() names a card: the last card of the list is the new one.
    return this.step(await stepNumber(cards.nth(before)));
  }

  /** Opens the Add step menu button of this name (its menu has the same name) and picks an item. */
  private async pickFromMenu(button: string, item: string): Promise<void> {
    await this.page.getByRole("button", { name: button, exact: true }).click();
    await this.page.getByRole("menu", { name: button, exact: true }).getByRole("menuitem", { name: item, exact: true }).click();
  }

  /** Add step → "<resource> Request", then its fields. Template fields are filled as text; use typeTemplate to pick variables. */
  async addRequestStep(resourceName: string, fields: RequestFields = {}): Promise<Locator> {
    const step = await this.addStep(`${resourceName} Request`);
    await this.fillRequest(step, fields);
    return step;
  }

  /** A Request step's fields: key, Method, Path, Query and Header rows, Body, Retry failed requests (its name holds its hint too). */
  async fillRequest(step: Locator, { key, method, path, query = [], headers = [], body, retries }: RequestFields): Promise<void> {
    await this.fillKey(step, key);
    if (method !== undefined) await this.ownField(step, "Method").selectOption(method);
    if (path !== undefined) await this.ownField(step, "Path").fill(path);
    for (const row of query) await this.addRow(step, "Query parameter", "Parameter", row);
    for (const row of headers) await this.addRow(step, "Header", "Header", row);
    if (body !== undefined) await this.ownField(step, "Body").fill(body);
    if (retries !== undefined) await this.ownField(step, /^Retry failed requests/).setChecked(retries);
  }

  private async fillKey(step: Locator, key: string | undefined): Promise<void> {
    if (key !== undefined) await this.ownField(step, "Step key").fill(key);
  }

  /** Adds a row ("Query parameter 2", "Header 1", "Parameter 1") to a step that holds no steps, and fills its name and value. */
  private async addRow(
    step: Locator,
    rowLabel: "Query parameter" | "Header" | "Parameter",
    fieldLabel: "Parameter" | "Header",
    row: { name: string; value: string },
  ) {
    const groups = step.getByRole("group", { name: new RegExp(`^${rowLabel} \\d+$`) });
    const count = await groups.count();
    await step.getByRole("button", { name: `Add ${rowLabel.toLowerCase()}`, exact: true }).click();
    const added = step.getByRole("group", { name: `${rowLabel} ${count + 1}`, exact: true });
    await added.getByLabel(`${fieldLabel} name`, { exact: true }).fill(row.name);
    await added.getByLabel(`${fieldLabel} value`, { exact: true }).fill(row.value);
  }

  /** Add step → Condition: Left value, Operator, Right value. */
  async addCondition(fields: ConditionFields): Promise<Locator> {
    const step = await this.addStep("Condition");
    await this.fillCondition(step, fields);
    return step;
  }

  async fillCondition(step: Locator, { key, left, operator, right }: ConditionFields): Promise<void> {
    await this.fillKey(step, key);
    await this.ownField(step, "Left value").fill(left);
    await this.ownField(step, "Operator").selectOption({ label: operator });
    if (right !== undefined) await this.ownField(step, "Right value").fill(right);
  }

  /** Add step → Delay: Seconds. */
  async addDelay({ key, seconds }: { key?: string; seconds: number }): Promise<Locator> {
    const step = await this.addStep("Delay");
    await this.fillKey(step, key);
    await this.ownField(step, "Seconds").fill(String(seconds));
    return step;
  }

  /** A Fan Out's fields: Items (a template yielding an array), Concurrency, On item failure. */
  async fillFanOut(step: Locator, { key, items, concurrency, onItemFailure }: FanOutFields): Promise<void> {
    await this.fillKey(step, key);
    await this.ownField(step, "Items").fill(items);
    if (concurrency !== undefined) await this.ownField(step, "Concurrency").fill(String(concurrency));
    if (onItemFailure !== undefined) await this.ownField(step, "On item failure").selectOption({ label: onItemFailure });
  }

  /** A Function's fields: Parameters rows (name, value template) and Code (`function run(parameters)`). */
  async fillFunction(step: Locator, { key, parameters = [], code }: FunctionFields): Promise<void> {
    await this.fillKey(step, key);
    for (const row of parameters) await this.addRow(step, "Parameter", "Parameter", row);
    if (code !== undefined) await this.ownField(step, "Code").fill(code);
  }

  /** A Response's fields: Status, Headers rows, Body (JSON with templates). */
  async fillResponse(step: Locator, { key, status, headers = [], body }: ResponseFields): Promise<void> {
    await this.fillKey(step, key);
    if (status !== undefined) await this.ownField(step, "Status").fill(String(status));
    for (const row of headers) await this.addRow(step, "Header", "Header", row);
    if (body !== undefined) await this.ownField(step, "Body").fill(body);
  }

  // Exact names: "Remove step 1" is also the start of a nested card's "Remove step 1.1".
  async moveStepUp(position: number | string): Promise<void> {
    await this.step(position)
      .getByRole("button", { name: `Move step ${position} up`, exact: true })
      .click();
  }

  async moveStepDown(position: number | string): Promise<void> {
    await this.step(position)
      .getByRole("button", { name: `Move step ${position} down`, exact: true })
      .click();
  }

  async removeStep(position: number | string): Promise<void> {
    await this.step(position)
      .getByRole("button", { name: `Remove step ${position}`, exact: true })
      .click();
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

/** A card's number, from its name: "Step 2.1" → "2.1". */
async function stepNumber(card: Locator): Promise<string> {
  const name = await card.getAttribute("aria-label");
  const number = /^Step (\d+(?:\.\d+)*)$/.exec(name ?? "")?.[1];
  if (!number) throw new Error(`Not a step card: ${name}`);
  return number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
