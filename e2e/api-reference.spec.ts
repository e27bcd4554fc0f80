import { expect, test } from "./support/test";

test("API Reference lists the Connect API for the project, and its code scrolls by keyboard", async ({ page, projectId }) => {
  // The page is long (every operation and schema, highlighted): axe takes a while over it.
  test.slow();
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "API Reference" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/api-reference$`));
  await expect(page.getByRole("heading", { name: "API Reference", level: 1 })).toBeVisible();
  await expect(page.getByText(projectId, { exact: true })).toBeVisible();

  // The overview links to each operation.
  await page.getByRole("link", { name: "Send a request through a resource" }).click();
  await expect(page).toHaveURL(/#/);
  await expect(page.getByRole("heading", { name: "Send a request through a resource", level: 2 })).toBeInViewport();

  // A curl example wider than its block: Tab from its copy button reaches the code, and the
  // arrow keys scroll it.
  const example = page.getByRole("region", { name: "curl example: Send a request through a resource" });
  await expect(example).toContainText(`/projects/${projectId}/sdk/resources/`);
  expect(await example.evaluate((pre) => pre.scrollWidth > pre.clientWidth)).toBe(true);
  await page.getByRole("button", { name: "Copy the curl example: Send a request through a resource" }).focus();
  await page.keyboard.press("Tab");
  await expect(example).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => example.evaluate((pre) => pre.scrollLeft)).toBeGreaterThan(0);
});
