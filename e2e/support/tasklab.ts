import { expect, test as base, type Page } from "@playwright/test";
import { startTaskLab, type TaskLab } from "../fixtures/tasklab";

export {
  TASKLAB_DEFAULT_API_KEY,
  TASKLAB_DEFAULT_BASIC_USER,
  TASKLAB_DEFAULT_CLIENT,
  TASKLAB_DEFAULT_USER,
  type TaskLab,
} from "../fixtures/tasklab";

/**
 * `test` with a `tasklab` fixture: one TaskLab server per Playwright worker, on 127.0.0.1,
 * shared by that worker's tests (each test uses its own tokens, so they do not interfere).
 */
export const test = base.extend<Record<never, never>, { tasklab: TaskLab }>({
  tasklab: [
    async ({}, use) => {
      const tasklab = await startTaskLab();
      await use(tasklab);
      await tasklab.close();
    },
    { scope: "worker" },
  ],
});

export { expect };

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
