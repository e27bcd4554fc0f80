import { expect, test } from "./support/test";
import { PASSWORD, randomEmail, signIn, signUp } from "./support/users";

// These tests sign up and in themselves: they start signed out.
test.use({ storageState: { cookies: [], origins: [] } });

test("sign up, see the empty Resources page, sign out and sign in again", async ({ page }) => {
  const { email, projectId } = await signUp(page);

  await expect(page.getByRole("heading", { name: "Resources", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No resources yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create Resource" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto(`/projects/${projectId}/resources`);
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/resources$`));
  await expect(page.getByRole("heading", { name: "No resources yet" })).toBeVisible();
});

test("a wrong password and an unknown email get the same inline error", async ({ page, browser }) => {
  const setup = await browser.newPage();
  const { email } = await signUp(setup);
  await setup.close();

  await signIn(page, email, "not the password");
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, randomEmail("nobody"), "not the password");
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
});

test("repeated failures for one email are throttled, even with the right password next", async ({ page, browser }) => {
  const setup = await browser.newPage();
  const { email } = await signUp(setup);
  await setup.close();

  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn(page, email, `wrong password ${attempt}`);
    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  }
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: /Too many failed sign-in attempts\. Try again in \d+ minutes?\./ })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("sign-up explains a short password and a taken email inline", async ({ page, browser }) => {
  const setup = await browser.newPage();
  const { email } = await signUp(setup);
  await setup.close();

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(randomEmail());
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();

  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
});

test("a callbackUrl is followed on this origin only", async ({ page, browser }) => {
  const setup = await browser.newPage();
  const { email, projectId } = await signUp(setup);
  await setup.close();

  const cases = [
    [`/projects/${projectId}/settings`, new RegExp(`/projects/${projectId}/settings$`)],
    ["/\t/evil.example", new RegExp(`/projects/${projectId}/resources$`)],
    ["/\n/evil.example", new RegExp(`/projects/${projectId}/resources$`)],
    ["/.//evil.example", new RegExp(`/projects/${projectId}/resources$`)],
    ["https://evil.example/", new RegExp(`/projects/${projectId}/resources$`)],
  ] as const;
  for (const [callbackUrl, landing] of cases) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    const { origin } = new URL(page.url());
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(landing);
    expect(new URL(page.url()).origin).toBe(origin);
  }
});
