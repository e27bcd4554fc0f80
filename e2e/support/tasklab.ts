import type { Page } from "@playwright/test";
import { expect } from "./test";

// The specs that talk to TaskLab take `test` (with its `tasklab` fixture) and `expect` from here.
export { expect, test } from "./test";
export {
  TASKLAB_DEFAULT_API_KEY,
  TASKLAB_DEFAULT_BASIC_USER,
  TASKLAB_DEFAULT_CLIENT,
  TASKLAB_DEFAULT_USER,
  type TaskLab,
} from "@/test/fixtures/tasklab";

/**
 * Settings → Network → "Allow private network" on (project owners only): TaskLab listens on
 * loopback, which Switchboard blocks by default.
 */
export async function allowPrivateNetwork(page: Page, projectId: string): Promise<void> {
  await page.goto(`/projects/${projectId}/settings`);
  const checkbox = page.getByLabel("Allow private network");
  await expect(checkbox).toBeEnabled();
  await expect(checkbox).not.toBeChecked();
  // A controlled checkbox: it shows checked once the setting is stored and the page refreshed.
  await checkbox.click();
  await expect(checkbox).toBeChecked();
  await expect(checkbox).toBeEnabled();
  await page.reload();
  await expect(page.getByLabel("Allow private network")).toBeChecked();
}
