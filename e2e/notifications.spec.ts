import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { importPKCS8, SignJWT } from "jose";
import { Webhook } from "standardwebhooks";
import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { expectNoAxeViolations } from "./support/test";
import { newUser } from "./support/users";
import { ResourceWizard } from "./support/wizard";

// Signs up, publishes a TaskLab resource and goes through Settings: allow for a loaded machine.
test.describe.configure({ timeout: 120_000 });

/** The team's backend: an HTTP server that records every notification it receives. */
async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/switchboard-events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("an endpoint added under Settings → Notifications receives a signed connection.created (Delivered, Resend) and connection.invalid; Connected Users shows the invalid one first and under needs reconnect", async ({
  browser,
  tasklab,
  request,
}) => {
  // A new user, Settings, two connects, a refresh that fails and Connected Users: 40 s of a 60 s budget on a loaded CI machine.
  test.slow();
  const { page, projectId, context } = await newUser(browser, "notify");
  const receiver = await startReceiver();
  try {
    await allowPrivateNetwork(page, projectId);
    await page.getByRole("button", { name: "Generate signing key" }).click();
    const privateKeyPem = await page.getByLabel("Private key", { exact: true }).inputValue();

    const wizard = new ResourceWizard(page, projectId);
    const resourceId = await wizard.publishTaskLabOAuth({ tasklabUrl: tasklab.url, testRefreshToken: tasklab.issueTokens().refreshToken });

    // Settings → Notifications: add the endpoint; its signing secret is shown once.
    await page.goto(`/projects/${projectId}/settings`);
    const tabs = page.getByRole("navigation", { name: "Settings", exact: true });
    await expect(tabs.getByRole("link", { name: "General" })).toHaveAttribute("aria-current", "page");
    await tabs.getByRole("link", { name: "Notifications" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/settings/notifications$`));
    await expect(tabs.getByRole("link", { name: "Notifications" })).toHaveAttribute("aria-current", "page");
    await expectNoAxeViolations(page);

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByLabel("Signing secret", { exact: true });
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByRole("heading", { name: receiver.url })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Signing secret", { exact: true })).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    await expect(page.getByText("No deliveries yet.")).toBeVisible();

    // The team's backend connects a user through the Connect API.
    const now = Math.floor(Date.now() / 1000);
    const userToken = await new SignJWT({ sub: "notified-user", iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: "RS256" })
      .sign(await importPKCS8(privateKeyPem, "RS256"));
    const connected = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
      headers: { authorization: `Bearer ${userToken}` },
      data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
    });
    expect(connected.status(), await connected.text()).toBe(200);

    // Deliveries: connection.created, Delivered on the first attempt.
    const deliveries = page.getByRole("table", { name: `Deliveries to ${receiver.url}` });
    await expect(async () => {
      await page.reload();
      await expect(deliveries.getByRole("row").filter({ hasText: "connection.created" }).filter({ hasText: "Delivered" })).toHaveCount(1, {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    await expect(deliveries.getByRole("row").nth(1).getByRole("cell").nth(2)).toHaveText("1");
    await expect(deliveries.getByRole("row").nth(1).getByRole("cell").nth(3)).toHaveText("204");
    await expectNoAxeViolations(page);

    // What the backend received verifies with the secret, and names the user.
    expect(receiver.received).toHaveLength(1);
    const webhook = new Webhook(secret);
    const first = webhook.verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>) as {
      type: string;
      id: string;
      data: Record<string, unknown>;
    };
    expect(first).toMatchObject({ type: "connection.created", data: { projectId, resourceId, userId: "notified-user" } });

    // Resend: a new delivery of the same event.
    await deliveries.getByRole("button", { name: "Resend connection.created" }).click();
    await expect(async () => {
      await page.reload();
      await expect(deliveries.getByRole("row").filter({ hasText: "connection.created" }).filter({ hasText: "Delivered" })).toHaveCount(2, {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    expect(receiver.received).toHaveLength(2);
    const again = webhook.verify(receiver.received[1]!.body, receiver.received[1]!.headers as Record<string, string>) as { id: string };
    expect(again.id).toBe(first.id);

    // The token endpoint refuses the refresh token: the connection needs a reconnect.
    tasklab.behaviour.tokenStatus = 400;
    const refused = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/request`, {
      headers: { authorization: `Bearer ${userToken}` },
      data: { method: "GET", path: "/tasks" },
    });
    expect(refused.status(), await refused.text()).toBe(424);
    tasklab.reset();
    await expect(async () => {
      await page.reload();
      await expect(deliveries.getByRole("row").filter({ hasText: "connection.invalid" }).filter({ hasText: "Delivered" })).toHaveCount(1, {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });

    // Another user connects later, and stays VALID.
    const otherToken = await new SignJWT({ sub: "valid-user", iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: "RS256" })
      .sign(await importPKCS8(privateKeyPem, "RS256"));
    const other = await request.post(`/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
      headers: { authorization: `Bearer ${otherToken}` },
      data: { refresh_token: tasklab.issueTokens().refreshToken, access_token: "" },
    });
    expect(other.status(), await other.text()).toBe(200);

    // Connected Users: INVALID first, with the reason; "needs reconnect" shows only those.
    await page.goto(`/projects/${projectId}/resources/${resourceId}/connected-users`);
    const users = page.getByRole("table");
    await expect(users.getByRole("row")).toHaveCount(3);
    await expect(users.getByRole("row").nth(1)).toContainText("notified-user");
    await expect(users.getByRole("row").nth(1)).toContainText("Needs reconnect: the token endpoint answered invalid_grant");
    await page.getByLabel("needs reconnect").check();
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/invalid=1/);
    await expect(users.getByRole("row")).toHaveCount(2);
    await expect(page.getByLabel("needs reconnect")).toBeChecked();
    await expect(page.getByLabel("Keep-warm")).not.toBeChecked();
    await expectNoAxeViolations(page);
  } finally {
    await receiver.close();
    await context.close();
  }
});
