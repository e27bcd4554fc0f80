import { expect, type Locator, type Page } from "@playwright/test";

export type SignatureLabel = "None" | "HMAC" | "Standard Webhooks";

/** The Webhook Setup page (a resource's Webhooks tab), as a user goes through it in one project. */
export class WebhookSetup {
  constructor(
    readonly page: Page,
    readonly projectId: string,
  ) {}

  pageUrl(resourceId: string): string {
    return `/projects/${this.projectId}/resources/${resourceId}/webhooks`;
  }

  /** An alert with this text (Next.js also renders an empty route announcer alert). */
  alert(text: string | RegExp): Locator {
    return this.page.getByRole("alert").filter({ hasText: text });
  }

  async open(resourceId: string): Promise<void> {
    await this.page.goto(this.pageUrl(resourceId));
    await expect(this.page.getByRole("heading", { name: "Webhook Setup" })).toBeVisible();
  }

  /** From any of the resource's pages: the "Webhooks" tab. */
  async openTab(): Promise<void> {
    await this.page.getByRole("navigation", { name: "Resource" }).getByRole("link", { name: "Webhooks", exact: true }).click();
    await expect(this.page.getByRole("heading", { name: "Webhook Setup" })).toBeVisible();
  }

  /** The webhook URL the page shows (for the team's API to send events to). */
  async webhookUrl(): Promise<string> {
    return (await this.page.getByTestId("webhook-url").textContent())?.trim() ?? "";
  }

  /** The note an unpublished resource shows: it receives nothing until published. */
  get notPublishedNote(): Locator {
    return this.page.getByRole("note").filter({ hasText: "Only published resources receive events" });
  }

  /** The warning Signature None shows. */
  get noSignatureWarning(): Locator {
    return this.page.getByRole("note").filter({ hasText: "Anyone who knows this URL can send events" });
  }

  /** A warning of the settings as typed (an Event ID a replayer can change, HMAC without a timestamp). */
  setupWarning(text: string | RegExp): Locator {
    return this.page.getByRole("status").filter({ hasText: text });
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  // ---- Signature ----------------------------------------------------------------------------

  async chooseSignature(signature: SignatureLabel): Promise<void> {
    await this.page.getByRole("group", { name: "Signature" }).getByRole("radio", { name: signature }).check();
  }

  /** Signature None: events are not signed (the page warns). */
  async configureNoSignature(): Promise<void> {
    await this.chooseSignature("None");
    await expect(this.noSignatureWarning).toBeVisible();
  }

  /**
   * Signature Standard Webhooks with this signing secret, or with one made by "Generate secret"
   * when none is given. Returns the secret (to sign the test's events with).
   */
  async configureStandardWebhooks(secret?: string): Promise<string> {
    await this.chooseSignature("Standard Webhooks");
    if (secret === undefined) return this.generateSecret();
    await this.enterSigningSecret(secret);
    return secret;
  }

  /** "Generate secret": the new whsec_ secret is shown once, to copy. */
  async generateSecret(): Promise<string> {
    await this.page.getByRole("button", { name: "Generate secret" }).click();
    const shown = this.page.getByTestId("generated-signing-secret");
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/]{32}$/);
    return (await shown.textContent())!.trim();
  }

  /** Signature HMAC and its fields (those left out keep what the form shows). */
  async configureHmac({
    header,
    algorithm,
    encoding,
    prefix,
    signedContent,
    timestampHeader,
    toleranceSeconds,
    secret,
  }: {
    header: string;
    algorithm?: "SHA-256" | "SHA-1";
    encoding?: "hex" | "base64";
    prefix?: string;
    signedContent?: "Raw body" | "{timestamp}.{body}";
    timestampHeader?: string;
    toleranceSeconds?: number;
    secret?: string;
  }): Promise<void> {
    await this.chooseSignature("HMAC");
    await this.field("Signature header").fill(header);
    if (algorithm) await this.field("Algorithm").selectOption({ label: algorithm });
    if (encoding) await this.field("Encoding").selectOption({ label: encoding });
    if (prefix !== undefined) await this.field("Prefix").fill(prefix);
    if (signedContent) await this.field("Signed content").selectOption({ label: signedContent });
    if (timestampHeader !== undefined) await this.field("Timestamp header").fill(timestampHeader);
    if (toleranceSeconds !== undefined) await this.field("Tolerance (seconds)").fill(String(toleranceSeconds));
    if (secret !== undefined) await this.enterSigningSecret(secret);
  }

  /** The write-only Signing secret: Replace a saved one first, then type the new one. */
  async enterSigningSecret(secret: string): Promise<void> {
    const replace = this.page.getByRole("button", { name: "Replace Signing secret", exact: true });
    if (await replace.isVisible()) await replace.click();
    await this.field("Signing secret").fill(secret);
  }

  /** Whether the page shows a saved signing secret as "Set" (its value is never shown). */
  get signingSecretSet(): Locator {
    return this.page.getByRole("button", { name: "Replace Signing secret", exact: true });
  }

  // ---- Events, user matching, event ID -----------------------------------------------------

  async setEventTypeTemplate(template: string): Promise<void> {
    await this.field("Event type").fill(template);
  }

  /** The Event types list, as listed on the page. */
  get eventTypes(): Locator {
    return this.page.getByRole("list", { name: "Event types" }).getByRole("listitem");
  }

  async addEventType(name: string): Promise<void> {
    await this.field("New event type").fill(name);
    await this.page.getByRole("button", { name: "Add event type" }).click();
    await expect(this.page.getByRole("button", { name: `Remove ${name}`, exact: true })).toBeVisible();
  }

  async removeEventType(name: string): Promise<void> {
    await this.page.getByRole("button", { name: `Remove ${name}`, exact: true }).click();
  }

  /** Replaces the Event types list with these names. */
  async setEventTypes(names: readonly string[]): Promise<void> {
    const removes = this.page.getByRole("list", { name: "Event types" }).getByRole("button", { name: /^Remove / });
    while ((await removes.count()) > 0) await removes.first().click();
    for (const name of names) await this.addEventType(name);
  }

  /** User matching (User-Level resources): the template, matched against the User ID or a Profile field path. */
  async setUserMatching(template: string, matchAgainst: { userId: true } | { profileField: string } = { userId: true }): Promise<void> {
    await this.field("User matching").fill(template);
    const group = this.page.getByRole("group", { name: "Match against" });
    if ("profileField" in matchAgainst) {
      await group.getByRole("radio", { name: "Profile field" }).check();
      await this.field("Profile field path").fill(matchAgainst.profileField);
    } else {
      await group.getByRole("radio", { name: "User ID" }).check();
    }
  }

  async setEventIdTemplate(template: string): Promise<void> {
    await this.field("Event ID").fill(template);
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

  async save(): Promise<void> {
    await this.page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  }

  /** Save expecting field errors: clicks Save and waits until it is done (no "Saved."). */
  async trySave(): Promise<void> {
    await this.page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(this.page.getByRole("button", { name: "Save", exact: true })).toBeEnabled();
  }

  /** A field's error, as its accessible description announces it. */
  async expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAccessibleDescription(message instanceof RegExp ? message : new RegExp(escapeRegExp(message)));
  }

  // ---- Test event ---------------------------------------------------------------------------

  /** "Listen for test event": waits until the page says it is listening (send the event after this). */
  async listenForTestEvent(): Promise<void> {
    await this.page.getByRole("button", { name: "Listen for test event" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Listening…" })).toBeVisible();
  }

  /** What the last test event showed: time, type, user, signature, runs started, headers and payload. */
  get testEvent(): Locator {
    return this.page.getByRole("region", { name: "Test event" });
  }

  /** Waits for the test event to show (the page polls every second). */
  async waitForTestEvent(): Promise<Locator> {
    await expect(this.testEvent).toBeVisible({ timeout: 30_000 });
    return this.testEvent;
  }

  /** The test event's Payload, parsed. */
  async testEventPayload(): Promise<unknown> {
    return JSON.parse((await this.testEvent.getByRole("region", { name: "Payload" }).locator("pre").textContent()) ?? "null");
  }

  /** "Use as sample" on the test event: the workflow editor then lists its trigger.* variables. */
  async useAsSample(): Promise<void> {
    await this.testEvent.getByRole("button", { name: "Use as sample" }).click();
    await expect(this.testEvent.getByRole("status").filter({ hasText: "Kept as the sample event" })).toBeVisible();
  }

  // ---- Events list --------------------------------------------------------------------------

  get eventsList(): Locator {
    return this.page.getByRole("region", { name: "Events" });
  }

  /** The Events table's rows, newest first (without the header row). */
  get eventRows(): Locator {
    return this.eventsList.getByRole("row").filter({ has: this.page.getByRole("cell") });
  }

  /** A row's cells: Time (UTC), Type, User, Signature, Matched, Runs. */
  eventCell(row: Locator, column: "Time" | "Type" | "User" | "Signature" | "Matched" | "Runs"): Locator {
    return row.getByRole("cell").nth(["Time", "Type", "User", "Signature", "Matched", "Runs"].indexOf(column));
  }

  async filterEventsByType(type: string): Promise<void> {
    await this.eventsList.getByLabel("Filter by type", { exact: true }).fill(type);
    await this.eventsList.getByRole("button", { name: "Filter", exact: true }).click();
    await expect(this.page).toHaveURL(new RegExp(`[?&]type=${encodeURIComponent(type).replace(/\./g, "\\.")}`));
  }

  /** Opens an event of the list (its time links to it): headers and payload, or why it was rejected. */
  async openEvent(row: Locator): Promise<void> {
    await this.eventCell(row, "Time").getByRole("link").click();
    await expect(this.page).toHaveURL(/\/webhooks\/events\/[0-9a-f-]{36}$/);
    await expect(this.page.getByRole("heading", { name: "Event", exact: true })).toBeVisible();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
