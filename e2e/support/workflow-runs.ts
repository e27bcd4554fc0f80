import { expect, type Locator, type Page } from "@playwright/test";

const runUrl = /\/workflows\/[0-9a-f-]{36}\/runs\/([0-9a-f-]{36})$/;

/** A workflow's Runs tab and its run pages, as a user reads them. */
export class WorkflowRuns {
  constructor(readonly page: Page) {}

  // ---- The list -----------------------------------------------------------------------------

  /** The Runs table's rows, newest first (header row excluded). */
  get rows(): Locator {
    return this.page
      .getByRole("table", { name: /^Runs of / })
      .locator("tbody")
      .getByRole("row");
  }

  /** The link on a row's status ("Succeeded run 1a2b3c4d"), which opens the run. */
  statusLink(row: number): Locator {
    return this.rows.nth(row).getByRole("link");
  }

  /** Status (All, Queued, …) and User ID, then Filter. */
  async filter({ status = "All", userId = "" }: { status?: string; userId?: string }): Promise<void> {
    await this.page.getByLabel("Status", { exact: true }).selectOption({ label: status });
    await this.page.getByLabel("User ID", { exact: true }).fill(userId);
    await this.page.getByRole("button", { name: "Filter", exact: true }).click();
  }

  /** Opens the run of a row of the list; answers its id. */
  async openRun(row: number): Promise<string> {
    await this.statusLink(row).click();
    await expect(this.page).toHaveURL(runUrl);
    return this.runId();
  }

  // ---- A run --------------------------------------------------------------------------------

  /** The id of the run whose page is open. */
  runId(): string {
    return runUrl.exec(new URL(this.page.url()).pathname)![1]!;
  }

  /** The run's status badge: Queued, Running, Succeeded, Failed, Stopped or Cancelled. */
  get runStatus(): Locator {
    return this.page.getByTestId("run-status");
  }

  get triggerInput(): Locator {
    return this.page.getByTestId("run-trigger-input");
  }

  /**
   * A step of the run, by key: the region headed "<n>. <key>" ("3.1. <key>" in a branch or an
   * item). An item's steps repeat in each item: read them `within` one (fanOutItem).
   */
  step(key: string, within: Page | Locator = this.page): Locator {
    return within.getByRole("region", { name: new RegExp(`^\\d+(?:\\.\\d+)*\\. ${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });
  }

  /** A Fan Out's items, by the Fan Out's number ("2"): counts (test id run-fan-out-counts), one page of items, First items / Next items. */
  fanOutItems(stepNumber: string): Locator {
    return this.page.getByRole("group", { name: `Items of step ${stepNumber}`, exact: true });
  }

  /** "3 succeeded, 1 failed" of a Fan Out. */
  fanOutCounts(stepNumber: string): Locator {
    return this.fanOutItems(stepNumber).getByTestId("run-fan-out-counts");
  }

  /** Expands item `index` (from 0) of a Fan Out and answers it: its status, error and steps. */
  async openFanOutItem(stepNumber: string, index: number): Promise<Locator> {
    const item = this.fanOutItems(stepNumber)
      .getByRole("group")
      .filter({ has: this.page.getByText(`Item ${index}`, { exact: true }) });
    await item.getByText(`Item ${index}`, { exact: true }).click();
    await expect(item).toHaveAttribute("open", "");
    return item;
  }

  /** The status a Response step answered the caller with (the run's "Answered" section). */
  get answerStatus(): Locator {
    return this.page.getByTestId("run-answer-status");
  }

  get answerBody(): Locator {
    return this.page.getByTestId("run-answer-body");
  }

  /** A step's own status: a Condition's or Fan Out's region also holds the steps it ran, whose statuses come after its own. */
  stepStatus(key: string, within: Page | Locator = this.page): Locator {
    return this.step(key, within).getByTestId("run-step-status").first();
  }

  stepResponseStatus(key: string): Locator {
    return this.step(key).getByTestId("run-step-response-status");
  }

  stepResponseBody(key: string): Locator {
    return this.step(key).getByTestId("run-step-response-body");
  }

  /** A step's attempts, first to last. */
  attempts(key: string): Locator {
    return this.step(key)
      .getByRole("list", { name: `Attempts of ${key}`, exact: true })
      .getByRole("listitem");
  }

  /** Opens "Request sent" of an attempt and answers the request as sent (method URL, headers, body). */
  async requestSent(key: string, attempt = 0): Promise<Locator> {
    const item = this.attempts(key).nth(attempt);
    await item.getByText("Request sent", { exact: true }).click();
    const request = item.getByTestId("run-attempt-request");
    await expect(request).toBeVisible();
    return request;
  }

  /** Replay (or Retry from failed step): on to the new run's page; answers its id. */
  async replay(button: "Replay" | "Retry from failed step" = "Replay"): Promise<string> {
    const before = this.runId();
    await this.page.getByRole("button", { name: button, exact: true }).click();
    await expect(this.page).not.toHaveURL(new RegExp(`/runs/${before}$`));
    await expect(this.page).toHaveURL(runUrl);
    return this.runId();
  }

  /** Cancel: the page refreshes with the run Cancelled. */
  async cancel(): Promise<void> {
    await this.page.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect(this.runStatus).toHaveText("Cancelled");
  }

  /** "All runs", back to the list. */
  async backToRuns(): Promise<void> {
    await this.page.getByRole("link", { name: "All runs", exact: true }).click();
    await expect(this.page).toHaveURL(/\/workflows\/[0-9a-f-]{36}\/runs$/);
  }
}
