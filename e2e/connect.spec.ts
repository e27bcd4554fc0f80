import { signUserToken, startCustomerApp } from "./support/customer-app";
import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { ResourceWizard } from "./support/wizard";

type ConnectOutcome =
  | { ok: true; connection: { userId: string; status: string; profile: Record<string, unknown> } }
  | { ok: false; name: string; code: string; message: string };

test("a page on an Allowed Origin connects a user with connectAction, and the connection shows under Connected Users", async ({
  page,
  projectId,
  context,
  tasklab,
  baseURL,
}) => {
  const allowed = await startCustomerApp(`${baseURL}/sdk.js`);
  const refused = await startCustomerApp(`${baseURL}/sdk.js`);
  try {
    await allowPrivateNetwork(page, projectId);

    // Settings → Signing Keys: generate a key (the private key is shown once) and allow the customer app's origin.
    await page.getByRole("button", { name: "Generate signing key" }).click();
    const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();
    expect(privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");
    await page.getByLabel("Allowed Origins").fill(allowed.origin);
    await page.getByRole("button", { name: "Save origins" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Private key", { exact: true })).toHaveCount(0);
    await expect(page.getByLabel("Allowed Origins")).toHaveValue(allowed.origin);

    // A published User-Level resource named TaskLab whose User Profile comes from /me.
    const wizard = new ResourceWizard(page, projectId);
    await wizard.create("TaskLab");
    await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
    await wizard.continue();
    await wizard.fillOAuthAuthorization({
      accessTokenUrl: `${tasklab.url}/oauth/token`,
      clientId: "tasklab-client",
      clientSecret: "tasklab-secret",
    });
    await wizard.continue();
    await wizard.fillRequestDetails({ baseUrl: `${tasklab.url}/api` });
    await page.getByRole("radio", { name: /^Request/ }).check();
    await page.getByLabel("Path", { exact: true }).fill("/me");
    await page.getByLabel("Fields to keep").fill("id, email");
    await wizard.continue();
    await wizard.expectStep("test-and-publish");
    await wizard.finish();
    await wizard.publishDialog.getByRole("button", { name: "Publish anyway" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/resources$`));

    const userToken = await signUserToken(privateKeyPem, "customer-user-42");
    const payload = { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" };

    const connectFrom = async (origin: string): Promise<ConnectOutcome> => {
      const customer = await context.newPage();
      await customer.goto(origin);
      await expect(customer.locator("body[data-sdk=ready]")).toHaveCount(1);
      const outcome = await customer.evaluate(
        async ({ projectId, userToken, payload }) => {
          const sdk = (window as unknown as { switchboard: Record<string, (...args: unknown[]) => Promise<unknown>> }).switchboard;
          try {
            await sdk.authenticate!(projectId, userToken);
            return { ok: true, connection: await sdk.connectAction!("TaskLab", payload) };
          } catch (error) {
            const { name, code, message } = error as { name: string; code: string; message: string };
            return { ok: false, name, code, message };
          }
        },
        { projectId, userToken, payload },
      );
      await customer.close();
      return outcome as ConnectOutcome;
    };

    const connected = await connectFrom(allowed.origin);
    expect(connected).toMatchObject({
      ok: true,
      connection: { userId: "customer-user-42", status: "VALID", profile: { id: "u_ada", email: "ada@tasklab.test" } },
    });

    // The same call from an origin that is not allowed never reaches the API.
    const blocked = await connectFrom(refused.origin);
    expect(blocked).toMatchObject({ ok: false, name: "NetworkError" });
    if (!blocked.ok) expect(blocked.message).toContain("Allowed Origins");

    await wizard.open("TaskLab");
    await page.getByRole("navigation", { name: "Resource", exact: true }).getByRole("link", { name: "Connected Users" }).click();
    const row = page.getByRole("row").filter({ hasText: "customer-user-42" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("ada@tasklab.test");
    await expect(row).toContainText("Valid");
    await expect(page.getByRole("row")).toHaveCount(2);
    expect(await page.content()).not.toContain(payload.refresh_token);
  } finally {
    await Promise.all([allowed.close(), refused.close()]);
  }
});
