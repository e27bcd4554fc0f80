// What the Connect Portal tests need: User-Level resources the portal connects (API Keys with a
// Validation request, OAuth 2.0 Authorization Code against TaskLab's authorization endpoint), built
// through the app's own steps, with the portal's settings written into the published configuration.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { StoredAuthorizationSettings, StoredValidationRequest } from "@/db/resource-config";
import { resources } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import type { TaskLab } from "@/test/fixtures/tasklab";
import { publishedTaskLabResource } from "./connect-fixtures";

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

/** Changes a published resource's configuration as a later Finish would (the revision trigger runs). */
async function amendPublished(
  resourceId: string,
  amend: (published: NonNullable<typeof resources.$inferSelect.published>) => void,
): Promise<void> {
  const db = await getDb();
  const [row] = await db.select().from(resources).where(eq(resources.id, resourceId));
  const published = structuredClone(row!.published!);
  amend(published);
  await db.update(resources).set({ published }).where(eq(resources.id, resourceId));
}

/** A User-Level API Keys resource for TaskLab's /header API (X-API-Key), with a Validation request (GET /me) unless `validation` is null. */
export async function publishedUserApiKeysResource(
  projectId: string,
  tasklab: Pick<TaskLab, "url">,
  { validation = { method: "GET", path: "/me" } }: { validation?: StoredValidationRequest | null } = {},
): Promise<string> {
  const { resourceId } = await createResourceDraft({
    projectId,
    values: { name: `TaskLab Keys ${randomUUID().slice(0, 8)}` },
    actor: SYSTEM_ACTOR,
  });
  const save = (step: "api-info" | "authorization" | "request-details", values: unknown) =>
    saveResourceStep({ projectId, resourceId, step, values, actor: SYSTEM_ACTOR });
  await save("api-info", { level: "user", authType: "api_keys", grantType: null });
  await save("authorization", { apiKeys: [{ name: "api_key", secret: true }] });
  await save("request-details", {
    baseUrl: `${tasklab.url}/header`,
    authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
    userProfile: { source: "request", method: "GET", path: "/me", fields: "id, email", claimPath: "" },
  });
  await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
  if (validation) await amendPublished(resourceId, (published) => void (published.config.request!.validationRequest = validation));
  return resourceId;
}

/** A User-Level OAuth 2.0 Authorization Code resource for TaskLab (/oauth/authorize, /oauth/token, profile from /api/me). */
export async function publishedAuthorizationCodeResource(
  projectId: string,
  tasklab: Pick<TaskLab, "url">,
  authorization: Partial<StoredAuthorizationSettings> = {},
): Promise<string> {
  const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth");
  await amendPublished(resourceId, (published) => {
    published.grantType = "authorization_code";
    published.config.oauth!.authorization = {
      authorizationUrl: `${tasklab.url}/oauth/authorize`,
      scopes: "tasks:read",
      usePkce: true,
      parameters: [],
      ...authorization,
    };
  });
  return resourceId;
}
