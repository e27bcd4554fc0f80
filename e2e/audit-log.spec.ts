import { randomUUID } from "node:crypto";
import { expect, expectNoAxeViolations, test } from "./support/test";
import { newUser } from "./support/users";

test("Settings → Audit Log lists a rename and a secret key created, by the signed-in user, and filters by object", async ({ browser }) => {
  // Sign-up, two forms, two pages, an axe scan and three filters: more than the default 30 s on a busy machine.
  test.slow();
  const alice = await newUser(browser, "alice");
  const { page } = alice;
  const tabs = page.getByRole("navigation", { name: "Settings" });

  await page.goto(`/projects/${alice.projectId}/settings`);
  await expect(tabs.getByRole("link", { name: "General" })).toHaveAttribute("aria-current", "page");
  const projectName = `Audited ${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Project name").fill(projectName);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.getByLabel("Key name").fill("Billing backend");
  await page.getByRole("button", { name: "Create secret key" }).click();
  const key = await page.getByLabel("Secret key", { exact: true }).inputValue();
  expect(key).not.toBe("");

  await tabs.getByRole("link", { name: "Audit Log" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${alice.projectId}/settings/audit-log$`));
  await expect(tabs.getByRole("link", { name: "Audit Log" })).toHaveAttribute("aria-current", "page");
  await expect(tabs.getByRole("link", { name: "General" })).not.toHaveAttribute("aria-current", "page");

  const rows = page.getByRole("table", { name: "Audit events, newest first" }).getByRole("row");
  const rename = rows.filter({ hasText: "project.updated" });
  const created = rows.filter({ hasText: "secret_key.created" });
  await expect(rename).toHaveCount(1);
  await expect(rename.getByRole("cell").nth(1)).toHaveText(alice.email);
  await expect(rename).toContainText(`Project: ${projectName}`);
  await expect(rename.getByRole("cell").nth(4)).toHaveText("name");
  await expect(created).toHaveCount(1);
  await expect(created.getByRole("cell").nth(1)).toHaveText(alice.email);
  await expect(created).toContainText("Secret key: Billing backend");
  // Newest first: the key was created after the rename.
  await expect(rows.nth(1)).toContainText("secret_key.created");
  // The key itself is nowhere on the page.
  expect(await page.content()).not.toContain(key);
  await expectNoAxeViolations(page);

  await page.getByLabel("Object type").selectOption({ label: "Secret key" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/objectType=secret_key/);
  await expect(created).toHaveCount(1);
  await expect(rename).toHaveCount(0);

  await page.getByLabel("Object type").selectOption({ label: "All" });
  await page.getByLabel("Object name").fill(projectName.toLowerCase());
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/objectName=/);
  await expect(rename).toHaveCount(1);
  await expect(created).toHaveCount(0);

  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(rows.filter({ hasText: /project\.updated|secret_key\.created/ })).toHaveCount(2);
});

test("a member reads the Audit Log; a non-member gets a 404", async ({ browser }) => {
  // Three sign-ups (each hashes a password) before the first check.
  test.slow();
  const alice = await newUser(browser, "alice");
  const bob = await newUser(browser, "bob");
  const mallory = await newUser(browser, "mallory");
  await alice.page.goto(`/projects/${alice.projectId}/settings`);
  await alice.page.getByLabel("Member email").fill(bob.email);
  await alice.page.getByRole("button", { name: "Add member" }).click();
  await expect(alice.page.getByRole("cell", { name: bob.email, exact: true })).toBeVisible();

  await bob.page.goto(`/projects/${alice.projectId}/settings/audit-log`);
  const added = bob.page.getByRole("row").filter({ hasText: "member.added" });
  await expect(added).toContainText(`Team member: ${bob.email}`);
  await expect(added.getByRole("cell").nth(1)).toHaveText(alice.email);

  expect((await mallory.page.goto(`/projects/${alice.projectId}/settings/audit-log`))?.status()).toBe(404);
});
