import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { PASSWORD, randomEmail } from "./support/users";

// Before the page's JavaScript has loaded, or without it, the sign-in and sign-up forms still
// work: they POST to their server actions, and no field ever shows in a URL.
test.use({ javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });

const projectUrl = /\/projects\/([0-9a-f-]{36})\/resources$/;

/** Every URL the page requests from now on, and every URL it shows after a navigation. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  page.on("framenavigated", (frame) => urls.push(frame.url()));
  return urls;
}

function expectNoCredentialsIn(urls: string[], email: string) {
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    for (const text of [url, decodeURIComponent(url.replaceAll(/%(?![0-9a-f]{2})/gi, "%25"))]) {
      expect(text).not.toContain("password");
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(email);
    }
  }
}

test("sign up and sign in without JavaScript, by POST, with nothing in the URL", async ({ page }) => {
  const email = randomEmail("no-js");
  const urls = recordUrls(page);
  const formPosts: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.method() !== "GET")
      formPosts.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(projectUrl);
  expect(page.url()).not.toContain("password");
  await expect(page.getByRole("heading", { name: "Resources", level: 1 })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  const projectId = projectUrl.exec(new URL(page.url()).pathname)![1]!;

  // Signing out needs JavaScript (next-auth's client); forgetting the cookie is the same here.
  await page.context().clearCookies();
  await page.goto(`/projects/${projectId}/resources`);
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  // The email is kept for the next try; the password is not sent back.
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/resources$`));
  await expect(page.getByText(email)).toBeVisible();

  expect(formPosts).toEqual(["POST /sign-up", "POST /sign-in", "POST /sign-in"]);
  expectNoCredentialsIn(urls, email);
});

test("sign-up without JavaScript explains its errors on the page", async ({ page }) => {
  const email = randomEmail("no-js-short");
  const urls = recordUrls(page);
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
  expectNoCredentialsIn(urls, email);
});

test("without JavaScript, a callbackUrl to another origin is not followed", async ({ page, browser }) => {
  const setup = await browser.newPage();
  const email = randomEmail("no-js-callback");
  await setup.goto("/sign-up");
  await setup.getByLabel("Email").fill(email);
  await setup.getByLabel("Password").fill(PASSWORD);
  await setup.getByRole("button", { name: "Create account" }).click();
  await expect(setup).toHaveURL(projectUrl);
  await setup.close();

  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/\t/evil.example")}`);
  const { origin } = new URL(page.url());
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(projectUrl);
  expect(new URL(page.url()).origin).toBe(origin);
});
