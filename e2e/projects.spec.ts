import { expect, test } from "./support/test";
import { newUser, redirectNextActionTo } from "./support/users";

test("a user who is not a member gets a 404 for the project's pages", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  const mallory = await newUser(browser, "mallory");

  for (const section of ["resources", "settings"]) {
    const response = await mallory.page.goto(`/projects/${alice.projectId}/${section}`);
    expect(response?.status()).toBe(404);
    await expect(mallory.page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(mallory.page.getByText("My project")).toHaveCount(0);
  }
  expect((await mallory.page.goto("/projects/not-a-uuid/settings"))?.status()).toBe(404);
});

test("a non-member's direct action calls on another project are refused and change nothing", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  const mallory = await newUser(browser, "mallory");
  const { page } = mallory;

  await page.goto(`/projects/${mallory.projectId}/settings`);
  await redirectNextActionTo(page, mallory.projectId, alice.projectId);

  await page.getByLabel("Project name").fill("Owned by mallory");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Project not found." })).toBeVisible();

  await page.getByLabel("Member email").fill(mallory.email);
  await page.getByRole("button", { name: "Add member" }).click();
  // One refusal under each form.
  await expect(page.getByRole("alert").filter({ hasText: "Project not found." })).toHaveCount(2);

  // Alice's project is untouched and still closed to Mallory.
  await alice.page.goto(`/projects/${alice.projectId}/settings`);
  await expect(alice.page.getByLabel("Project name")).toHaveValue("My project");
  await expect(alice.page.getByRole("cell", { name: mallory.email, exact: true })).toHaveCount(0);
  await page.unrouteAll();
  expect((await page.goto(`/projects/${alice.projectId}/resources`))?.status()).toBe(404);
});

test("a project name holding a NUL character, sent past the form, is refused on its field and changes nothing", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  const { page } = alice;
  await page.goto(`/projects/${alice.projectId}/settings`);
  // The form cannot hold a NUL; a caller of the action can: the action's JSON body gets one.
  await redirectNextActionTo(page, alice.projectId, alice.projectId, { "NUL here": "NUL\\u0000here" });

  await page.getByLabel("Project name").fill("NUL here");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("A NUL character or a lone surrogate cannot be stored.")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveCount(0);

  await page.unrouteAll();
  await page.reload();
  await expect(page.getByLabel("Project name")).toHaveValue("My project");
});

test("the owner adds a member by email, who then has access until removed", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  const bob = await newUser(browser, "bob");

  await alice.page.goto(`/projects/${alice.projectId}/settings`);
  await alice.page.getByLabel("Project name").fill("Alice's API");
  await alice.page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(alice.page.getByRole("status")).toHaveText("Saved.");

  await alice.page.getByLabel("Member email").fill("nobody-here@example.test");
  await alice.page.getByRole("button", { name: "Add member" }).click();
  await expect(alice.page.getByText("No Switchboard account uses this email. Ask them to sign up first.")).toBeVisible();

  await alice.page.getByLabel("Member email").fill(bob.email);
  await alice.page.getByRole("button", { name: "Add member" }).click();
  await expect(alice.page.getByRole("cell", { name: bob.email, exact: true })).toBeVisible();

  // Bob sees the project in his switcher and can open it, but cannot manage members.
  await bob.page.goto(`/projects/${bob.projectId}/resources`);
  await bob.page.getByLabel(/Switch project/).click();
  await bob.page.getByRole("list", { name: "Projects" }).getByRole("link", { name: "Alice's API" }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/projects/${alice.projectId}/resources$`));
  await bob.page.getByRole("link", { name: "Settings" }).click();
  await expect(bob.page.getByRole("cell", { name: alice.email, exact: true })).toBeVisible();
  await expect(bob.page.getByRole("button", { name: "Add member" })).toHaveCount(0);

  await alice.page.getByRole("button", { name: `Remove ${bob.email}` }).click();
  await expect(alice.page.getByRole("cell", { name: bob.email, exact: true })).toHaveCount(0);
  expect((await bob.page.goto(`/projects/${alice.projectId}/resources`))?.status()).toBe(404);
});

test("Settings shows the Project ID, and its copy button puts it on the clipboard", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  await alice.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await alice.page.getByRole("link", { name: "Settings" }).click();

  await expect(alice.page.getByLabel("Project ID", { exact: true })).toHaveValue(alice.projectId);
  await alice.page.getByRole("button", { name: "Copy Project ID" }).click();
  await expect(alice.page.getByRole("button", { name: "Copy Project ID" })).toHaveText("Copied");
  expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe(alice.projectId);
});

test("a new project is created from the switcher and becomes the current one", async ({ browser }) => {
  const alice = await newUser(browser, "alice");
  await alice.page.getByLabel(/Switch project/).click();
  await alice.page.getByRole("link", { name: "New project" }).click();
  await alice.page.getByRole("button", { name: "Create project" }).click();
  await expect(alice.page.getByText("Enter a project name.")).toBeVisible();
  await alice.page.getByLabel("Project name").fill("Second API");
  await alice.page.getByRole("button", { name: "Create project" }).click();

  await expect(alice.page).toHaveURL(/\/projects\/[0-9a-f-]{36}\/resources$/);
  expect(alice.page.url()).not.toContain(alice.projectId);
  await expect(alice.page.getByLabel(/Project: Second API/)).toBeVisible();
  await alice.page.getByLabel(/Switch project/).click();
  await expect(alice.page.getByRole("list", { name: "Projects" }).getByRole("link")).toHaveText(["My project", "Second API"]);
});

test("the owner sets the project's Secret Key rate limit under Settings → Rate Limits", async ({ page, projectId }) => {
  await page.goto(`/projects/${projectId}/settings`);
  const limit = page.getByLabel("Secret Key requests a minute");
  await expect(limit).toHaveValue("6000");

  await limit.fill("30");
  await page.getByRole("button", { name: "Save limit" }).click();
  await expect(page.getByText("Allow at least 60 requests a minute.")).toBeVisible();

  await limit.fill("12000");
  await page.getByRole("button", { name: "Save limit" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Secret Key requests a minute")).toHaveValue("12000");
});
