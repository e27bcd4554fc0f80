import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getResourceConnection } from "@/db/queries/connections";
import { getResource } from "@/db/queries/resources";
import { startTaskLab, TASKLAB_DEFAULT_CLIENT, type TaskLab } from "@/test/fixtures/tasklab";
import { settle } from "@/test/support/action-result";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { basicClientAuthorization } from "@/lib/oauth/token";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { connectUser } from "./connect";
import {
  loadTestAndPublish,
  publishResourceDraft,
  saveTestCredentialsForResource,
  sendTestRequestThroughResource,
} from "./test-and-publish";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// Attacks by a team member who may edit a resource but should never read its saved secrets.

let tasklab: TaskLab;
let projectId: string;
beforeAll(async () => {
  tasklab = await startTaskLab();
  ({ projectId } = await projectWithSigningKey());
});
afterAll(() => tasklab.close());

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
const noProfile = { source: "none", method: "GET", path: "", fields: "", claimPath: "" };

describe("write-only secrets stay unreadable", () => {
  it("refuses to untick Secret on a saved App-Level key without entering it again", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "app-api-keys");
    const before = await getResource({ projectId, resourceId });
    const result = await settle(
      saveResourceStep({
        projectId,
        resourceId,
        step: "request-details",
        values: {
          baseUrl: `${tasklab.url}/header`,
          authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
          userProfile: noProfile,
          appApiKeys: [{ name: "api_key", secret: false, value: "" }],
        },
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(result).toMatchObject({ ok: false, fieldErrors: { "appApiKeys.0.value": [expect.stringContaining("enter it again")] } });
    expect(await getResource({ projectId, resourceId })).toEqual(before);
  });

  it("refuses a new Access Token URL with the saved Client Secret, and masks the client secret in a token endpoint's answer", async () => {
    const { resourceId } = await createResourceDraft({ projectId, values: { name: `Echo ${Date.now()}` }, actor: SYSTEM_ACTOR });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "api-info",
      values: { level: "user", authType: "oauth2", grantType: "client_credentials" },
      actor: SYSTEM_ACTOR,
    });
    const authorization = {
      accessTokenUrl: `${tasklab.url}/oauth/token`,
      clientId: TASKLAB_DEFAULT_CLIENT.clientId,
      clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret,
      includeClientCredentials: true,
      requiredInputs: [],
    };
    await saveResourceStep({ projectId, resourceId, step: "authorization", values: authorization, actor: SYSTEM_ACTOR });
    // Only the URL changes, the secret field left empty ("keep it"): refused.
    const moved = { ...authorization, accessTokenUrl: `${tasklab.url}/echo`, clientSecret: "" };
    expect(
      await settle(saveResourceStep({ projectId, resourceId, step: "authorization", values: moved, actor: SYSTEM_ACTOR })),
    ).toMatchObject({
      ok: false,
      fieldErrors: { clientSecret: [expect.stringContaining("enter this secret again")] },
    });
    expect((await getResource({ projectId, resourceId }))?.config.oauth?.accessTokenUrl).toBe(`${tasklab.url}/oauth/token`);

    // Entered again for the echoing host, it is never shown back: not in clear, not in the Basic header.
    await saveResourceStep({
      projectId,
      resourceId,
      step: "authorization",
      values: { ...moved, clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret },
      actor: SYSTEM_ACTOR,
    });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "request-details",
      values: {
        baseUrl: `${tasklab.url}/api`,
        authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
        userProfile: noProfile,
      },
      actor: SYSTEM_ACTOR,
    });
    const outcome = await sendTestRequestThroughResource({
      projectId,
      resourceId,
      allowPrivateNetwork: true,
      call: { method: "GET", path: "/me" },
    });
    expect(outcome.error?.kind).toBe("token_endpoint");
    const shown = JSON.stringify(outcome);
    const basic = basicClientAuthorization(TASKLAB_DEFAULT_CLIENT.clientId, TASKLAB_DEFAULT_CLIENT.clientSecret).slice("Basic ".length);
    expect(outcome.error?.body).toContain("••••••••");
    expect(shown).not.toContain(basic);
    expect(shown).not.toContain(TASKLAB_DEFAULT_CLIENT.clientSecret);
  });

  it("clears a User-Level test credential when its key stops being secret, so it never reaches the page", async () => {
    const { resourceId } = await createResourceDraft({ projectId, values: { name: `Keys ${Date.now()}` }, actor: SYSTEM_ACTOR });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "api-info",
      values: { level: "user", authType: "api_keys", grantType: null },
      actor: SYSTEM_ACTOR,
    });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "authorization",
      values: { apiKeys: [{ name: "api_key", secret: true }] },
      actor: SYSTEM_ACTOR,
    });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "request-details",
      values: {
        baseUrl: `${tasklab.url}/header`,
        authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
        userProfile: noProfile,
      },
      actor: SYSTEM_ACTOR,
    });
    await saveTestCredentialsForResource({
      resource: (await getResource({ projectId, resourceId }))!,
      values: { api_key: "tl_secret_test_value" },
      actor: SYSTEM_ACTOR,
    });
    expect(await getResourceConnection({ resourceId, kind: "test" })).toBeDefined();

    await saveResourceStep({
      projectId,
      resourceId,
      step: "authorization",
      values: { apiKeys: [{ name: "api_key", secret: false }] },
      actor: SYSTEM_ACTOR,
    });
    expect(await getResourceConnection({ resourceId, kind: "test" })).toBeUndefined();
    const view = await loadTestAndPublish((await getResource({ projectId, resourceId }))!);
    expect(JSON.stringify(view)).not.toContain("tl_secret_test_value");
  });
});

describe("the User Profile path", () => {
  it("encodes a user's value in the path: it cannot climb out of the base path or add a query", async () => {
    const received: string[] = [];
    const api = createServer((request, response) => {
      received.push(request.url ?? "");
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ id: "forged" }));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const { resourceId } = await createResourceDraft({ projectId, values: { name: `Profile ${Date.now()}` }, actor: SYSTEM_ACTOR });
      await saveResourceStep({
        projectId,
        resourceId,
        step: "api-info",
        values: { level: "user", authType: "api_keys", grantType: null },
        actor: SYSTEM_ACTOR,
      });
      await saveResourceStep({
        projectId,
        resourceId,
        step: "authorization",
        values: {
          apiKeys: [
            { name: "account", secret: false },
            { name: "api_key", secret: true },
          ],
        },
        actor: SYSTEM_ACTOR,
      });
      await saveResourceStep({
        projectId,
        resourceId,
        step: "request-details",
        values: {
          baseUrl: `${url}/v1`,
          authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
          userProfile: { source: "request", method: "GET", path: "/accounts/{{credentials.account}}/me", fields: "id", claimPath: "" },
        },
        actor: SYSTEM_ACTOR,
      });
      await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
      await connectUser({
        project: { id: projectId, allowPrivateNetwork: true },
        resourceId,
        userId: "climber",
        body: { account: "x/../../../notes/42?", api_key: "k" },
        actor: SYSTEM_ACTOR,
      });
      expect(received).toEqual(["/v1/accounts/x%2F..%2F..%2F..%2Fnotes%2F42%3F/me"]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
