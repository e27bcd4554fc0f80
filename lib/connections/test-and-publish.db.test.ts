import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getResourceConnection, listTestRuns } from "@/db/queries/connections";
import { getResource, listResourceSecretNames } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { startTaskLab, TASKLAB_DEFAULT_CLIENT, type TaskLab } from "@/test/fixtures/tasklab";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { settle } from "@/test/support/action-result";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { loadResourceRuntime } from "@/lib/resources/runtime";
import {
  publishNeedsConfirmation,
  publishResourceDraft,
  saveTestCredentialsForResource,
  sendTestRequestThroughResource,
} from "./test-and-publish";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

let tasklab: TaskLab;
beforeAll(async () => {
  tasklab = await startTaskLab();
});
afterAll(() => tasklab.close());

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
const noProfile = { source: "none", method: "GET", path: "", fields: "", claimPath: "" };

/** A User-Level OAuth Refresh Token resource for TaskLab, through Request Details. */
async function tasklabResource(clientSecret = TASKLAB_DEFAULT_CLIENT.clientSecret) {
  const created = await createUserWithProject({ email: `t-${randomUUID()}@example.test`, passwordHash: "x", projectName: "P" });
  const projectId = created!.projectId;
  const { resourceId } = await createResourceDraft({
    projectId,
    values: { name: `TaskLab ${randomUUID().slice(0, 6)}` },
    actor: SYSTEM_ACTOR,
  });
  const save = (step: "api-info" | "authorization" | "request-details", values: unknown) =>
    settle(saveResourceStep({ projectId, resourceId, step, values, actor: SYSTEM_ACTOR }));
  await save("api-info", { level: "user", authType: "oauth2", grantType: "refresh_token" });
  await save("authorization", {
    accessTokenUrl: `${tasklab.url}/oauth/token`,
    clientId: TASKLAB_DEFAULT_CLIENT.clientId,
    clientSecret,
    includeClientCredentials: true,
    requiredInputs: [],
  });
  const details = {
    baseUrl: `${tasklab.url}/api`,
    authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
    userProfile: noProfile,
  };
  expect(await save("request-details", details)).toMatchObject({ ok: true, data: { next: "test-and-publish" } });
  return { projectId, resourceId, resource: (await getResource({ projectId, resourceId }))!, save, details };
}

const send = (projectId: string, resourceId: string, path = "/me") =>
  settle(sendTestRequestThroughResource({ projectId, resourceId, allowPrivateNetwork: true, call: { method: "GET", path } }));

const saveCredentials = (input: Parameters<typeof saveTestCredentialsForResource>[0]) => settle(saveTestCredentialsForResource(input));

describe("Test and Publish", () => {
  it("validates test credentials: required keys, unknown keys", async () => {
    const { resource } = await tasklabResource();
    expect(await saveCredentials({ resource, values: { access_token: "x" }, actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      fieldErrors: { refresh_token: ["Enter the Refresh Token."] },
    });
    expect(await saveCredentials({ resource, values: { refresh_token: "r", password: "p" }, actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      fieldErrors: { password: ['"password" is not a key of this resource.'] },
    });
    expect(await getResourceConnection({ resourceId: resource.id, kind: "test" })).toBeUndefined();
  });

  it("refuses test credentials that could not be sent or stored as they are, naming the key", async () => {
    const { resource } = await tasklabResource();
    expect(
      await saveCredentials({ resource, values: { access_token: "tok\u0001en", refresh_token: "r\ud800" }, actor: SYSTEM_ACTOR }),
    ).toEqual({
      ok: false,
      fieldErrors: {
        access_token: ["Must be text an HTTP header can carry: no control characters, and no characters beyond U+00FF."],
        refresh_token: ["Must not contain a lone surrogate (half of a character): it is not text."],
      },
    });
    expect(await getResourceConnection({ resourceId: resource.id, kind: "test" })).toBeUndefined();
  });

  it("sends a test request with the test connection, stores the rotated tokens and records the run", async () => {
    const { projectId, resourceId, resource } = await tasklabResource();
    const { refreshToken } = tasklab.issueTokens();
    expect(await saveCredentials({ resource, values: { access_token: "", refresh_token: refreshToken }, actor: SYSTEM_ACTOR })).toEqual({
      ok: true,
      data: undefined,
    });
    expect(await publishNeedsConfirmation(resource)).toBe(true);

    const result = await send(projectId, resourceId);
    expect(result).toMatchObject({ ok: true, data: { response: { status: 200 } } });
    const connection = (await getResourceConnection({ resourceId, kind: "test" }))!;
    const stored = decryptConnectionCredentials(connection.id, connection.credentials);
    expect(stored.refresh_token).not.toBe(refreshToken);
    expect(stored.access_token).toBeTruthy();
    expect(connection.accessTokenExpiresAt).not.toBeNull();
    // The second request uses the stored token: no new token request.
    const before = tasklab.tokenRequests.length;
    expect(await send(projectId, resourceId)).toMatchObject({ ok: true, data: { response: { status: 200 } } });
    expect(tasklab.tokenRequests.length).toBe(before);

    const runs = await listTestRuns({ resourceId });
    expect(runs.map((run) => [run.method, run.path, run.status, run.succeeded])).toEqual([
      ["GET", "/me", 200, true],
      ["GET", "/me", 200, true],
    ]);
    expect(await publishNeedsConfirmation((await getResource({ projectId, resourceId }))!)).toBe(false);
  });

  it("shows the token endpoint's invalid_client and records a failed run", async () => {
    const { projectId, resourceId, resource } = await tasklabResource("wrong-secret");
    await saveCredentials({ resource, values: { refresh_token: tasklab.issueTokens().refreshToken }, actor: SYSTEM_ACTOR });
    const result = await send(projectId, resourceId);
    expect(result).toMatchObject({
      ok: true,
      data: { error: { kind: "token_endpoint", status: 401, message: expect.stringContaining("invalid_client") } },
    });
    expect((await listTestRuns({ resourceId }))[0]).toMatchObject({ succeeded: false, status: null });
  });

  it("publishes the draft, and keeps the published configuration until Finish again", async () => {
    const { projectId, resourceId, save, details } = await tasklabResource();
    expect(await settle(publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR }))).toEqual({ ok: true, data: undefined });
    const published = (await getResource({ projectId, resourceId }))!;
    expect(published).toMatchObject({ status: "published", published: { level: "user", authType: "oauth2" } });
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect((await listResourceSecretNames({ resourceId })).sort()).toEqual(["client_secret", "published:client_secret"]);

    await save("request-details", { ...details, baseUrl: `${tasklab.url}/v2` });
    const edited = (await getResource({ projectId, resourceId }))!;
    expect(edited.config.request?.baseUrl).toBe(`${tasklab.url}/v2`);
    expect(edited.published?.config.request?.baseUrl).toBe(`${tasklab.url}/api`);
    expect(await publishNeedsConfirmation(edited)).toBe(true);
    expect((await loadResourceRuntime(edited, "published"))?.clientSecret).toBe(TASKLAB_DEFAULT_CLIENT.clientSecret);

    await settle(publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR }));
    expect((await getResource({ projectId, resourceId }))?.published?.config.request?.baseUrl).toBe(`${tasklab.url}/v2`);
  });
});
