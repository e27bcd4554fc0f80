import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { newProject } from "./users";

type Finding = { url: string; rule: string; impact: string; help: string; targets: string[] };

const FAILING_IMPACTS = new Set(["serious", "critical"]);

/** What Playwright throws when the document it evaluates in goes away. */
const NAVIGATION_ERROR = /Execution context was destroyed|Target page, context or browser has been closed|Frame was detached/i;

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * What is scanned once: a page's URL without its fragment and with its ids as `:id`, so one step
 * of the wizard is scanned once, not once per resource and test that goes through it.
 */
function scanKey(url: URL): string {
  return `${url.pathname}${url.search}`.replaceAll(ID, ":id");
}

/** The scanner watching each page, so that a test's own axe check waits its turn (`inTurn`). */
const scanners = new WeakMap<Page, AccessibilityScanner>();

/**
 * Runs axe on every page of the app (the `origin`) that a test's browser contexts show, once
 * per distinct URL (ids aside) and Playwright worker: after each navigation of a page's main
 * frame (`page.goto`, a click on a link, a redirect, a client-side navigation) once the page has
 * loaded, and on each open page at the end of the test. Scans of one page run one at a time. A
 * scan that a navigation cuts short (a click, a redirect) or overlaps (a client-side navigation)
 * is dropped, and its URL is scanned on its next visit: an overlapped scan saw a document half
 * way between two pages (Next.js had taken the old page's <title> out and not yet put the new
 * one in: "document-title" on a page that has one).
 */
class AccessibilityScanner {
  readonly findings: Finding[] = [];
  private readonly errors: unknown[] = [];
  private readonly watched = new WeakSet<BrowserContext>();
  private readonly pages = new Set<Page>();
  private readonly queues = new Map<Page, Promise<void>>();
  private readonly navigations = new Map<Page, number>();

  /**
   * @param scanned the scan keys scanned, or being scanned, in this worker: a page one test
   * scanned is not scanned again by the worker's next tests.
   */
  constructor(
    private readonly origin: string,
    private readonly scanned: Set<string>,
  ) {}

  watch(context: BrowserContext): void {
    if (this.watched.has(context)) return;
    this.watched.add(context);
    for (const page of context.pages()) this.watchPage(page);
    context.on("page", (page) => this.watchPage(page));
  }

  /** Waits for the scans under way, then scans each open page at its current URL. */
  async finish(): Promise<void> {
    await Promise.all([...this.pages].map((page) => this.enqueue(page)));
    if (this.errors.length) throw this.errors[0];
  }

  private watchPage(page: Page): void {
    scanners.set(page, this);
    this.pages.add(page);
    this.navigations.set(page, 0);
    // A test's own `page.goto` waits for the scan of the page it leaves, rather than cutting it
    // short (and scanning again on the next visit).
    const goto = page.goto.bind(page);
    page.goto = async (...args) => {
      await this.queues.get(page);
      return goto(...args);
    };
    page.on("framenavigated", (frame) => {
      if (frame !== page.mainFrame()) return;
      this.navigations.set(page, this.navigations.get(page)! + 1);
      void this.enqueue(page);
    });
    page.on("close", () => this.pages.delete(page));
  }

  /**
   * Runs `task` once the page's scans under way are done, and holds back its next scans until
   * `task` is: axe runs one at a time in a page ("Axe is already running").
   */
  inTurn<T>(page: Page, task: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(page) ?? Promise.resolve()).then(task);
    this.queues.set(
      page,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }

  private enqueue(page: Page): Promise<void> {
    return this.inTurn(page, () => this.scan(page)).catch((error: unknown) => {
      this.errors.push(error);
    });
  }

  private async scan(page: Page): Promise<void> {
    const navigation = this.navigations.get(page);
    const overtaken = () => page.isClosed() || this.navigations.get(page) !== navigation;
    let key: string | undefined;
    try {
      await page.waitForLoadState("load");
      const url = new URL(page.url());
      if (url.origin !== this.origin || this.scanned.has(scanKey(url))) return;
      key = scanKey(url);
      this.scanned.add(key);
      // A client-side navigation (Sign out → /sign-in) reaches "load" before Next.js sets the new
      // page's <title>, and a dynamic page streams its metadata after "load": scanned in between,
      // every page lacked one. 2 s was not always enough on a loaded CI machine (/projects/new). A
      // page without a title still fails, 10 s later.
      await page.waitForFunction(() => document.title !== "", undefined, { timeout: 10_000 }).catch(() => undefined);
      // A scan cut short while the page's script stayed (a client-side navigation) can leave its
      // axe.run going in the page, and axe refuses a second one ("Axe is already running").
      await page
        .waitForFunction(() => !(window as { axe?: { _running?: boolean } }).axe?._running, undefined, { timeout: 10_000 })
        .catch(() => undefined);
      // Legacy mode runs axe.run in the page itself; the default runs axe.finishRun in a blank
      // page it opens in the test's context. The app has no iframes for the default to reach.
      const results = await new AxeBuilder({ page })
        .setLegacyMode()
        .options({ resultTypes: ["violations"] })
        .analyze();
      if (overtaken()) {
        this.scanned.delete(key);
        return;
      }
      for (const violation of results.violations) {
        if (!violation.impact || !FAILING_IMPACTS.has(violation.impact)) continue;
        this.findings.push({
          url: url.pathname + url.search,
          rule: violation.id,
          impact: violation.impact,
          help: violation.help,
          targets: violation.nodes.map((node) => node.target.join(" ")),
        });
      }
    } catch (error) {
      // The page navigated or closed under the scan (the error can arrive before the
      // navigation's event does): the page is scanned again at its new URL.
      if (key) this.scanned.delete(key);
      if (overtaken() || (error instanceof Error && NAVIGATION_ERROR.test(error.message))) return;
      throw error;
    }
  }
}

function describeFindings(findings: readonly Finding[]): string {
  const lines = [`${findings.length} serious or critical accessibility violation(s) (axe):`];
  for (const finding of findings) {
    lines.push(`  ${finding.url}: ${finding.rule} (${finding.impact}) ${finding.help}`);
    for (const target of finding.targets) lines.push(`      ${target}`);
  }
  return lines.join("\n");
}

/** Every browser context the test opens: the `context` fixture's, and `browser.newContext()`'s. */
function watchContexts(browser: Browser, context: BrowserContext, scanner: AccessibilityScanner): () => void {
  scanner.watch(context);
  const onContext = (created: BrowserContext) => scanner.watch(created);
  browser.on("context", onContext);
  return () => browser.off("context", onContext);
}

/**
 * The `test` every spec uses:
 * - each page of the app it visits is scanned with axe (unless the worker scanned it already in
 *   an earlier test), and a serious or critical violation fails the test, listing the page, the
 *   rule, its impact and the elements (`accessibilityScan`, automatic);
 * - `page` is signed in as the user the setup project signed up (`e2e/signed-in-user.setup.ts`);
 *   `test.use({ storageState: { cookies: [], origins: [] } })` gives a test a signed-out one;
 * - `projectId`: a new project of that user's, for this test alone (the page is left on its
 *   Resources page);
 * - `tasklab`: one TaskLab server per Playwright worker, on 127.0.0.1, shared by that worker's
 *   tests (each test uses its own tokens, so they do not interfere).
 */
export const test = base.extend<{ accessibilityScan: void; projectId: string }, { tasklab: TaskLab; scannedPages: Set<string> }>({
  scannedPages: [async ({}, use) => use(new Set()), { scope: "worker" }],
  accessibilityScan: [
    async ({ browser, context, baseURL, javaScriptEnabled, scannedPages }, use, testInfo) => {
      // axe runs as JavaScript in the page: a test without it has nothing to scan with.
      if (javaScriptEnabled === false || !baseURL) return use();
      const scanner = new AccessibilityScanner(new URL(baseURL).origin, scannedPages);
      const unwatch = watchContexts(browser, context, scanner);
      await use();
      unwatch();
      // A test that failed already keeps its own error.
      if (testInfo.status !== testInfo.expectedStatus) return;
      await scanner.finish();
      if (scanner.findings.length) {
        await testInfo.attach("axe-violations.json", { body: JSON.stringify(scanner.findings, null, 2), contentType: "application/json" });
        throw new Error(describeFindings(scanner.findings));
      }
    },
    { auto: true, title: "accessibility scan (axe)" },
  ],
  projectId: [
    async ({ page }, use) => {
      const { projectId } = await newProject(page);
      await use(projectId);
    },
    { title: "new project" },
  ],
  tasklab: [
    async ({}, use) => {
      const tasklab = await startTaskLab();
      await use(tasklab);
      await tasklab.close();
    },
    { scope: "worker" },
  ],
});

export { expect };

/**
 * No axe finding at all (any impact) in what a test has just opened without navigating (a panel,
 * a form): the automatic scan sees pages as they load; this checks the part a feature adds.
 */
export async function expectNoAxeViolations(page: Page, selector?: string): Promise<void> {
  const violations = await axeViolations(page, selector);
  expect(violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((node) => node.target) }))).toEqual([]);
}

/**
 * No serious or critical axe finding in what the page shows now (a page that changes without
 * navigating, e.g. a form showing an error): the automatic scan's bar, checked at a moment the
 * test chooses.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(
    violations
      .filter(({ impact }) => impact && FAILING_IMPACTS.has(impact))
      .map(({ id, impact, help, nodes }) => ({ id, impact, help, targets: nodes.map((node) => node.target) })),
  ).toEqual([]);
}

async function axeViolations(page: Page, selector?: string) {
  const builder = new AxeBuilder({ page }).setLegacyMode();
  const analyze = () => (selector ? builder.include(selector) : builder).analyze();
  // The automatic scan of a URL the test has just reached (a filter's ?invalid=1) may be running.
  const scanner = scanners.get(page);
  const { violations } = await (scanner ? scanner.inTurn(page, analyze) : analyze());
  return violations;
}
