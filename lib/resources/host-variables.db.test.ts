import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getResource, getResourceSecretCiphertexts, listResourceSecretNames } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { settle } from "@/test/support/action-result";
import { CLIENT_SECRET } from "./config";
import { createResourceDraft, saveResourceStep } from "./save-step";
import { decryptResourceSecret } from "./secrets";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
const noProfile = { source: "none", method: "GET", path: "", fields: "", claimPath: "" };
const WHOLE_HOST =
  "{{inputs.host}} sets the whole host: end users could send the Client Secret to any server. Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.";

async function newProject() {
  const created = await createUserWithProject({ email: `h-${randomUUID()}@example.test`, passwordHash: "x", projectName: "P" });
  return created!.projectId;
}

/** A User-Level OAuth resource whose API Info is saved, at the Authorization step. */
async function atAuthorization(projectId: string) {
  const { resourceId } = await createResourceDraft({
    projectId,
    values: { name: `TaskLab ${randomUUID().slice(0, 8)}` },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "api-info",
    values: { level: "user", authType: "oauth2", grantType: "refresh_token" },
    actor: SYSTEM_ACTOR,
  });
  return resourceId;
}

function authorization(accessTokenUrl: string, extra: Record<string, unknown> = {}) {
  return {
    accessTokenUrl,
    clientId: "client-1",
    clientSecret: `client-secret-${randomUUID()}`,
    includeClientCredentials: true,
    requiredInputs: [{ key: "host", label: "Host" }],
    ...extra,
  };
}

describe("a variable that sets the host", () => {
  it("is refused on the Access Token URL with a field error, and nothing is saved", async () => {
    const projectId = await newProject();
    const resourceId = await atAuthorization(projectId);
    const before = await getResource({ projectId, resourceId });

    for (const values of [
      authorization("https://{{inputs.host}}/oauth/token"),
      authorization("https://{{inputs.host}}/oauth/token", { allowAnyHost: false }),
    ]) {
      expect(await settle(saveResourceStep({ projectId, resourceId, step: "authorization", values, actor: SYSTEM_ACTOR }))).toEqual({
        ok: false,
        fieldErrors: { accessTokenUrl: [WHOLE_HOST] },
      });
    }
    expect(await getResource({ projectId, resourceId })).toEqual(before);
    expect(await listResourceSecretNames({ resourceId })).toEqual([]);
  });

  it("saves with Allow any host, keeping the flag in the draft's configuration", async () => {
    const projectId = await newProject();
    const resourceId = await atAuthorization(projectId);
    const values = authorization("https://{{inputs.host}}/oauth/token", { allowAnyHost: true });

    expect(await settle(saveResourceStep({ projectId, resourceId, step: "authorization", values, actor: SYSTEM_ACTOR }))).toEqual({
      ok: true,
      data: { resourceId, next: "request-details" },
    });
    const resource = await getResource({ projectId, resourceId });
    expect(resource?.config.oauth).toEqual({
      accessTokenUrl: "https://{{inputs.host}}/oauth/token",
      allowAnyHost: true,
      clientId: "client-1",
      includeClientCredentials: true,
      requiredInputs: [{ key: "host", label: "Host" }],
    });
    const ciphertext = (await getResourceSecretCiphertexts({ resourceId, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    expect(decryptResourceSecret(resourceId, CLIENT_SECRET, ciphertext)).toBe(values.clientSecret);
  });

  it("needs no flag when followed by the team's domain", async () => {
    const projectId = await newProject();
    const resourceId = await atAuthorization(projectId);
    const values = authorization("https://{{inputs.host}}.tasklab.test/oauth/token");
    expect(await settle(saveResourceStep({ projectId, resourceId, step: "authorization", values, actor: SYSTEM_ACTOR }))).toMatchObject({
      ok: true,
    });
    expect((await getResource({ projectId, resourceId }))?.config.oauth).not.toHaveProperty("allowAnyHost");
  });

  it("is refused on the API Base URL unless Allow any host is ticked there", async () => {
    const projectId = await newProject();
    const resourceId = await atAuthorization(projectId);
    await saveResourceStep({
      projectId,
      resourceId,
      step: "authorization",
      values: authorization("https://{{inputs.host}}/oauth/token", { allowAnyHost: true }),
      actor: SYSTEM_ACTOR,
    });
    const before = await getResource({ projectId, resourceId });
    const details = {
      baseUrl: "https://{{inputs.host}}/api",
      authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
      userProfile: noProfile,
    };

    expect(
      await settle(saveResourceStep({ projectId, resourceId, step: "request-details", values: details, actor: SYSTEM_ACTOR })),
    ).toEqual({
      ok: false,
      fieldErrors: {
        baseUrl: [
          "{{inputs.host}} sets the whole host: end users could send your API requests, with their credentials, to any server. Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.",
        ],
      },
    });
    // Allowing any host for the Access Token URL allows nothing for the API Base URL.
    expect(await getResource({ projectId, resourceId })).toEqual(before);

    expect(
      await settle(
        saveResourceStep({
          projectId,
          resourceId,
          step: "request-details",
          values: { ...details, allowAnyHost: true },
          actor: SYSTEM_ACTOR,
        }),
      ),
    ).toMatchObject({ ok: true, data: { next: "test-and-publish" } });
    expect((await getResource({ projectId, resourceId }))?.config.request).toMatchObject({
      baseUrl: "https://{{inputs.host}}/api",
      allowAnyHost: true,
    });
  });
});
