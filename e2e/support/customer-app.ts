import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type BrowserContext, type Page } from "@playwright/test";
import { importPKCS8, SignJWT } from "jose";
import type * as Sdk from "@/lib/sdk";

/** The SDK as the customer app's page holds it (`window.switchboard`). */
type SdkWindow = { switchboard: typeof Sdk };

export interface CustomerApp {
  /** "http://127.0.0.1:<port>": a second origin, to allow (or not) under Allowed Origins. */
  origin: string;
  close(): Promise<void>;
}

/** A "customer app": a page on its own origin that loads Switchboard's SDK as a module. */
export async function startCustomerApp(sdkUrl: string): Promise<CustomerApp> {
  const html = `<!doctype html><html lang="en"><head><title>Customer app</title></head><body><p>Customer app</p>
<script type="module">
  import * as switchboard from ${JSON.stringify(sdkUrl)};
  window.switchboard = switchboard;
  document.body.dataset.sdk = "ready";
</script></body></html>`;
  const server: Server = createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A User Token as the customer's backend signs it: RS256 with the project's private signing key. */
export async function signUserToken(privateKeyPem: string, userId: string, ttlSeconds = 600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, iat: now, exp: now + ttlSeconds })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await importPKCS8(privateKeyPem, "RS256"));
}

/**
 * Settings → Signing Keys: generates a key (its private key is shown once) and allows `origin`
 * under Allowed Origins. Answers the private key, to sign User Tokens with.
 */
export async function allowCustomerApp(page: Page, projectId: string, origin: string): Promise<string> {
  await page.goto(`/projects/${projectId}/settings`);
  await page.getByRole("button", { name: "Generate signing key" }).click();
  const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
  expect(privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");
  await page.getByLabel("Allowed Origins").fill(origin);
  await page.getByRole("button", { name: "Save origins" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  return privateKeyPem;
}

/** The customer app open in a tab, its SDK loaded: what its own code calls, run in the page. */
export class CustomerPage {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, app: CustomerApp): Promise<CustomerPage> {
    const page = await context.newPage();
    await page.goto(app.origin);
    await expect(page.locator("body[data-sdk=ready]")).toHaveCount(1);
    return new CustomerPage(page);
  }

  /** `switchboard.authenticate(projectId, userToken)`. */
  async authenticate(projectId: string, userToken: string): Promise<void> {
    await this.page.evaluate(
      ({ projectId, userToken }) => (window as unknown as SdkWindow).switchboard.authenticate(projectId, userToken),
      { projectId, userToken },
    );
  }

  /**
   * `switchboard.connect(resourceName)`: answers the Connect Portal's popup it opens (on its way
   * to the portal) and what connect() resolves with, once the popup is done.
   */
  async connect(resourceName: string): Promise<{ popup: Page; result: Promise<Sdk.ConnectResult> }> {
    const popup = this.page.waitForEvent("popup");
    const result = this.page.evaluate((name) => (window as unknown as SdkWindow).switchboard.connect(name), resourceName);
    // A rejection is the test's to see when it awaits the result; until then it is not unhandled.
    result.catch(() => undefined);
    return { popup: await popup, result };
  }

  /**
   * `POST /projects/{projectId}/sdk/resources/{resourceId}/request` from the page with the User
   * Token, as the customer app's frontend calls its API through its user's connection.
   */
  async requestThroughResource(
    baseUrl: string,
    {
      projectId,
      resourceId,
      userToken,
      method,
      path,
    }: { projectId: string; resourceId: string; userToken: string; method: string; path: string },
  ): Promise<{ status: number; body: unknown }> {
    return this.page.evaluate(
      async ({ url, userToken, method, path }) => {
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${userToken}`, "content-type": "application/json" },
          body: JSON.stringify({ method, path }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      { url: `${baseUrl}/projects/${projectId}/sdk/resources/${resourceId}/request`, userToken, method, path },
    );
  }
}
