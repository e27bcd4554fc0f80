import { randomUUID } from "node:crypto";
import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

export function randomEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

const projectUrl = /\/projects\/([0-9a-f-]{36})\/resources$/;

/** Creates an account through the sign-up form; the new user lands on their first project. */
export async function signUp(page: Page, email = randomEmail()): Promise<{ email: string; projectId: string }> {
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

/** A signed-up user in a browser context of their own. */
export async function newUser(browser: Browser, prefix?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const account = await signUp(page, randomEmail(prefix));
  return { ...account, page, context };
}
