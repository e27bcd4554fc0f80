import { allowPrivateNetwork, expect, test } from "./support/tasklab";
import { newUser } from "./support/users";
import { ResourceWizard } from "./support/wizard";

// Resources are changed by the Owner or an Admin; a Member reads them. The hole this closes: a
// member moved a published resource's API Base URL to another origin and published it, and the
// next request sent a connected user's credentials there.
test.describe.configure({ timeout: 120_000 });

test("a member sees a resource read-only and cannot publish it; once the owner makes them an Admin they can", async ({
  page,
  projectId,
  tasklab,
  browser,
}) => {
  test.slow();
  await allowPrivateNetwork(page, projectId);
  // The owner publishes a resource.
  const resourceId = await new ResourceWizard(page, projectId).publishTaskLabOAuth({
    tasklabUrl: tasklab.url,
    testRefreshToken: tasklab.issueTokens().refreshToken,
  });

  const bob = await newUser(browser, "bob");
  await page.goto(`/projects/${projectId}/settings`);
  await page.getByLabel("Member email").fill(bob.email);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByLabel(`Role of ${bob.email}`)).toHaveValue("member");

  // As a Member: no Create Resource, no Delete, and every wizard step read-only under the note.
  const note = bob.page.getByRole("note").filter({ hasText: "Only an Owner or Admin can change resources." });
  await bob.page.goto(`/projects/${projectId}/resources`);
  await expect(note).toBeVisible();
  await expect(bob.page.getByRole("link", { name: "Create Resource" })).toHaveCount(0);
  await expect(bob.page.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await bob.page.goto(`/projects/${projectId}/resources/${resourceId}/request-details`);
  await expect(note).toBeVisible();
  await expect(bob.page.getByLabel("API Base URL")).toBeDisabled();
  await expect(bob.page.getByLabel("API Base URL")).toHaveValue(`${tasklab.url}/api`);
  await bob.page.goto(`/projects/${projectId}/resources/${resourceId}/test-and-publish`);
  await expect(note).toBeVisible();
  await expect(bob.page.getByRole("button", { name: "Finish", exact: true })).toBeDisabled();
  await bob.page.goto(`/projects/${projectId}/resources/${resourceId}/webhooks`);
  await expect(note).toBeVisible();
  await expect(bob.page.getByRole("button", { name: "Save", exact: true })).toBeDisabled();

  // The owner makes Bob an Admin: the same pages are his to change, and Finish publishes.
  await page.getByLabel(`Role of ${bob.email}`).selectOption("admin");
  // The choice saves in the background: a reload before it lands still shows Member.
  await expect(async () => {
    await page.reload();
    await expect(page.getByLabel(`Role of ${bob.email}`)).toHaveValue("admin", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await bob.page.goto(`/projects/${projectId}/resources/${resourceId}/test-and-publish`);
  await expect(bob.page.getByRole("heading", { name: "Test and Publish" })).toBeVisible();
  await expect(note).toHaveCount(0);
  await bob.page.getByRole("button", { name: "Finish", exact: true }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/projects/${projectId}/resources$`));

  // The Audit Log names each publish with the hosts credentials go to.
  await page.goto(`/projects/${projectId}/settings/audit-log`);
  const published = page.getByRole("row").filter({ hasText: "resource.published" });
  await expect(published).toHaveCount(2);
  await expect(published.first()).toContainText(bob.email);
  await expect(published.first()).toContainText(`API Base URL host: ${new URL(tasklab.url).host} → ${new URL(tasklab.url).host}`);
});
