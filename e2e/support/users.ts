import { randomUUID } from "node:crypto";
import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

export function randomEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

const projectUrl = /\/projects\/([0-9a-f-]{36})\/resources$/;

/**
 * Creates an account through the sign-up form; the new user lands on their first project. A
 * page signed in already (the tests' shared user) is signed out first.
 */
export async function signUp(page: Page, email = randomEmail()): Promise<{ email: string; projectId: string }> {
  await page.context().clearCookies();
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(projectUrl);
  const projectId = projectUrl.exec(new URL(page.url()).pathname)![1]!;
  return { email, projectId };
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * A project of the signed-in user's, made through Projects → New project; the page is left on
 * its Resources page.
 */
export async function newProject(page: Page, name = `Project ${randomUUID().slice(0, 8)}`): Promise<{ projectId: string; name: string }> {
  await page.goto("/projects/new");
  await page.getByLabel("Project name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(projectUrl);
  return { projectId: projectUrl.exec(new URL(page.url()).pathname)![1]!, name };
}

/**
 * A second, separate user who signs up in a browser context of their own (without the shared
 * user's session that the `page` fixture and `browser.newContext()` get).
 */
export async function newUser(browser: Browser, prefix?: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const account = await signUp(page, randomEmail(prefix));
  return { ...account, page, context };
}

/**
 * Rewrites every server action request the page sends from now on, replacing one id (a
 * project's, a resource's) with another, and any further ids in `alsoReplace`: what an
 * attacker does by hand with a copied request. Undo with `page.unrouteAll()`.
 */
export async function redirectNextActionTo(page: Page, fromId: string, toId: string, alsoReplace: Record<string, string> = {}) {
  const replacements = { [fromId]: toId, ...alsoReplace };
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
    let body = request.postData() ?? "";
    for (const [from, to] of Object.entries(replacements)) {
      expect(body).toContain(from);
      body = body.replaceAll(from, to);
    }
    await route.continue({ postData: body });
  });
}
