import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { WebhookSetup } from "./support/webhook-setup";
import { ResourceWizard } from "./support/wizard";

// A page prints at most 256 KB of a JSON value, with Show more for the rest: a 180 KB webhook
// body of nested arrays (62 levels, within the limit of 64) indents to about 12 MB, which the
// event page used to print whole (a 40 KB one of 20,000 levels printed 200 MB).
test.describe.configure({ timeout: 120_000 });

/** JSON text of arrays nested `depth` levels deep. */
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

test("a webhook event's large JSON payload prints 256 KB on its page, and Show more prints 256 KB more", async ({
  page,
  projectId,
  tasklab,
}) => {
  test.slow();
  await allowPrivateNetwork(page, projectId);
  const resourceId = await new ResourceWizard(page, projectId).publishTaskLabOAuth({
    tasklabUrl: tasklab.url,
    testRefreshToken: tasklab.issueTokens().refreshToken,
  });
  const webhooks = new WebhookSetup(page, projectId);
  await webhooks.open(resourceId);
  await webhooks.chooseSignature("None");
  await webhooks.setEventTypeTemplate("{{payload.type}}");
  await webhooks.setEventTypes(["task.created"]);
  await webhooks.setUserMatching("{{payload.account_id}}", { userId: true });
  await webhooks.save();

  // Past the depth limit: refused, naming it.
  const deep = await page.request.post(`/projects/${projectId}/resources/${resourceId}/webhook`, {
    headers: { "content-type": "application/json" },
    data: `{"type":"task.created","items":${nested(3000)}}`,
  });
  expect(deep.status()).toBe(400);
  expect(await deep.json()).toMatchObject({ error: { code: "invalid_body", message: expect.stringContaining("64") } });
  // Within it: kept, and the newest event.
  const body = `{"type":"task.created","account_id":"nobody","items":[${Array.from({ length: 1500 }, () => nested(60)).join(",")}]}`;
  const sent = await page.request.post(`/projects/${projectId}/resources/${resourceId}/webhook`, {
    headers: { "content-type": "application/json" },
    data: body,
  });
  expect(sent.status(), await sent.text()).toBeLessThan(300);

  await webhooks.open(resourceId);
  const eventLink = page.locator(`a[href*="/resources/${resourceId}/webhooks/events/"]`).first();
  const eventUrl = await eventLink.getAttribute("href");
  await eventLink.click();
  await expect(page).toHaveURL(new RegExp(`/webhooks/events/[0-9a-f-]{36}$`));

  const payload = page.getByRole("region", { name: "Payload" });
  await expect(payload.getByText("Showing the first 256 KB.")).toBeVisible();
  const shown = (await payload.locator("pre").textContent()) ?? "";
  expect(shown.length).toBeGreaterThan(200 * 1024);
  expect(shown.length).toBeLessThanOrEqual(256 * 1024);
  expect(shown.startsWith('{\n  "type": "task.created",')).toBe(true);
  // The whole document (HTML and the RSC payload inside it) stays small.
  const html = await (await page.request.get(eventUrl!)).text();
  expect(html.length).toBeLessThan(2 * 1024 * 1024);

  await payload.getByRole("link", { name: "Show more" }).click();
  await expect(page).toHaveURL(/\?more=2$/);
  await expect(payload.getByText("Showing the first 512 KB.")).toBeVisible();
  const more = (await payload.locator("pre").textContent()) ?? "";
  expect(more.length).toBeGreaterThan(256 * 1024);
  expect(more.length).toBeLessThanOrEqual(512 * 1024);
  expect(more.startsWith(shown)).toBe(true);
});
