import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, expectNoAxeViolations, test } from "./support/test";
import { newUser, signUp } from "./support/users";
import { ResourceWizard } from "./support/wizard";

// Resources as code through the dashboard: Export on a resource's page gives its JSON with no
// secret value; Import on another project's Resources list creates a draft from the file and
// opens it where the Client Secret is still to be entered.

test("a resource exported from one project is imported into another as a draft, its secret still to be entered", async ({
  page,
  browser,
}) => {
  test.slow();
  const { projectId } = await signUp(page);
  const wizard = new ResourceWizard(page, projectId);
  const name = `TaskLab ${randomUUID().slice(0, 6)}`;
  const clientSecret = `client-secret-${randomUUID()}`;

  await wizard.create(name);
  await wizard.chooseApiInfo({ level: "User-Level Resource", authType: "OAuth 2.0", grant: "Client Credentials" });
  await wizard.continue();
  await wizard.fillOAuthAuthorization({
    accessTokenUrl: "https://auth.tasklab.example/oauth/token",
    clientId: "tasklab-client",
    clientSecret,
  });
  await wizard.continue();
  await wizard.fillRequestDetails({ baseUrl: "https://api.tasklab.example/v1" });
  await wizard.continue();
  await wizard.expectStep("test-and-publish");

  // Export: the JSON is shown, and downloads as a file; neither holds the Client Secret.
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const exported = page.getByRole("textbox", { name: "Exported configuration" });
  await expect(exported).toHaveValue(/"kind": "resource"/);
  const json = await exported.inputValue();
  expect(json).not.toContain(clientSecret);
  expect(JSON.parse(json)).toMatchObject({
    name,
    config: {
      oauth: { clientId: "tasklab-client", clientSecret: { $secret: "client_secret" } },
      request: { baseUrl: "https://api.tasklab.example/v1" },
    },
  });
  await expectNoAxeViolations(page, "section[aria-label='Exported resource']");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const download = await downloading;
  const file = await download.path();
  expect(await readFile(file, "utf8")).toBe(json);

  // Another team's project: Import refuses what is not JSON, inline, then takes the file.
  const other = await newUser(browser, "importer");
  const otherWizard = new ResourceWizard(other.page, other.projectId);
  await otherWizard.openResources();
  await other.page.getByRole("button", { name: "Import", exact: true }).click();
  await other.page.getByLabel("Configuration JSON").fill("{ not json");
  await other.page.getByRole("button", { name: "Import resource" }).click();
  await expect(other.page.getByText("This is not valid JSON")).toBeVisible();
  await other.page.getByLabel("Configuration JSON").fill(json.replace('"kind": "resource"', '"kind": "workflow"'));
  await other.page.getByRole("button", { name: "Import resource" }).click();
  await expect(otherWizard.alert("This is a workflow export: import it on the Workflows list.")).toBeVisible();
  await expectNoAxeViolations(other.page, "form[aria-label='Import a resource']");

  await other.page.getByLabel("Or choose a file").setInputFiles(file);
  await expect(other.page.getByLabel("Configuration JSON")).toHaveValue(json);
  await other.page.getByRole("button", { name: "Import resource" }).click();

  // The draft opens where its secret is entered: the Client Secret is not set there.
  await otherWizard.expectStep("authorization");
  await expect(other.page.getByLabel("Client ID", { exact: true })).toHaveValue("tasklab-client");
  await expect(other.page.getByLabel("Client Secret", { exact: true })).toHaveValue("");
  await expect(other.page.getByRole("button", { name: "Replace Client Secret" })).toHaveCount(0);
  await other.page.getByRole("button", { name: "Continue" }).click();
  await expect(other.page.getByText("Enter the Client Secret.")).toBeVisible();

  await otherWizard.openResources();
  await expect(otherWizard.statusCell(name)).toHaveText("Draft");
  await other.context.close();
});
