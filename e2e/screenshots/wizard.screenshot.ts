import path from "node:path";
import { TASKLAB_DEFAULT_CLIENT } from "@/test/fixtures/tasklab";
import { expect, test } from "../support/test";
import { signUp } from "../support/users";
import { ResourceWizard } from "../support/wizard";

// The README's screenshot of the API Resource wizard: a user's first resource at Request Details.
test("the wizard at Request Details", async ({ page }) => {
  const { projectId } = await signUp(page, "team@example.com");
  const wizard = new ResourceWizard(page, projectId);
  await wizard.create("TaskLab");
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Refresh Token" });
  await wizard.continue();
  await wizard.addRequiredInputs([{ key: "workspace", label: "Workspace" }]);
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://{{inputs.workspace}}.tasklab.example/oauth/token",
    ...TASKLAB_DEFAULT_CLIENT,
  });
  await wizard.continue();
  await wizard.expectStep("request-details");
  await wizard.fillRequestDetails({ baseUrl: "https://api.tasklab.example/v1", authentication: "Bearer Token" });
  await expect(wizard.requestPreview).toContainText("GET https://api.tasklab.example/v1");
  await page.screenshot({ path: path.join(import.meta.dirname, "../../docs/wizard.png"), fullPage: true });
});
