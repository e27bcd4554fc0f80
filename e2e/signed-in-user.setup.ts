import { test } from "./support/test";
import { randomEmail, signUp } from "./support/users";

// The setup project: signs up the user whose session every test's `page` starts with
// (`storageState` in playwright.config.ts), so the tests spend their time on what they test.
test("sign up the user the tests share", async ({ page }) => {
  await signUp(page, randomEmail("shared"));
  await page.context().storageState({ path: process.env.E2E_STORAGE_STATE! });
});
