import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { settle } from "@/test/support/action-result";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getResource, getResourceSecretCiphertexts, listResourceSecretNames } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { auditEvents, resourceSecrets } from "@/db/schema";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { VaultError } from "@/lib/vault/vault";
import { appCredentialSecretName, CLIENT_SECRET } from "./config";
import { createResourceDraft, saveResourceStep } from "./save-step";
import { decryptResourceSecret } from "./secrets";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

const CLIENT_SECRET_VALUE = `client-secret-${randomUUID()}`;
const APP_KEY_VALUE = `app-api-key-${randomUUID()}`;
const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
const noProfile = { source: "none", method: "GET", path: "", fields: "", claimPath: "" };

async function newProject() {
  const created = await createUserWithProject({ email: `r-${randomUUID()}@example.test`, passwordHash: "x", projectName: "P" });
  return created!.projectId;
}

async function newResource(projectId: string, name = `TaskLab ${randomUUID().slice(0, 8)}`) {
  return (await createResourceDraft({ projectId, values: { name }, actor: SYSTEM_ACTOR })).resourceId;
}

async function save(projectId: string, resourceId: string, step: Parameters<typeof saveResourceStep>[0]["step"], values: unknown) {
  return settle(saveResourceStep({ projectId, resourceId, step, values, actor: SYSTEM_ACTOR }));
}

/** A User-Level OAuth resource taken through every saved step. */
async function userOAuthResource(projectId: string) {
  const resourceId = await newResource(projectId);
  expect(await save(projectId, resourceId, "api-info", { level: "user", authType: "oauth2", grantType: "refresh_token" })).toMatchObject({
    ok: true,
    data: { next: "authorization" },
  });
  expect(
    await save(projectId, resourceId, "authorization", {
      accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
      clientId: "client-1",
      clientSecret: CLIENT_SECRET_VALUE,
      includeClientCredentials: true,
      requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
    }),
  ).toMatchObject({ ok: true, data: { next: "request-details" } });
  expect(
    await save(projectId, resourceId, "request-details", {
      baseUrl: "https://{{inputs.subdomain}}.tasklab.test/api",
      authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
      userProfile: noProfile,
    }),
  ).toMatchObject({ ok: true, data: { next: "test-and-publish" } });
  return resourceId;
}

describe("saving the wizard's steps", () => {
  it("creates a draft, refusing a name the project already has in any case", async () => {
    const projectId = await newProject();
    const resourceId = await newResource(projectId, "TaskLab");
    const resource = await getResource({ projectId, resourceId });
    expect(resource).toMatchObject({ name: "TaskLab", slug: "tasklab", status: "draft", stepReached: "api-info" });

    expect(await settle(createResourceDraft({ projectId, values: { name: "tasklab" }, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      fieldErrors: { name: ['A resource named "tasklab" already exists in this project.'] },
    });
    expect(await settle(createResourceDraft({ projectId, values: { name: "TaskLab!" }, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      fieldErrors: { name: ['A resource with a similar name already uses the identifier "tasklab".'] },
    });
    // Another project may use the same name.
    expect(
      (await settle(createResourceDraft({ projectId: await newProject(), values: { name: "TaskLab" }, actor: SYSTEM_ACTOR }))).ok,
    ).toBe(true);
  });

  it("stores the configuration, records progress, and encrypts the Client Secret", async () => {
    const projectId = await newProject();
    const resourceId = await userOAuthResource(projectId);
    const resource = await getResource({ projectId, resourceId });
    expect(resource).toMatchObject({ level: "user", authType: "oauth2", grantType: "refresh_token", stepReached: "test-and-publish" });
    expect(resource?.config.oauth).toEqual({
      accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
      clientId: "client-1",
      includeClientCredentials: true,
      requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
    });
    const ciphertexts = await getResourceSecretCiphertexts({ resourceId, names: [CLIENT_SECRET] });
    expect(decryptResourceSecret(resourceId, CLIENT_SECRET, ciphertexts.get(CLIENT_SECRET)!)).toBe(CLIENT_SECRET_VALUE);
  });

  it("keeps the saved Client Secret when it is left empty, and replaces it when given", async () => {
    const projectId = await newProject();
    const resourceId = await userOAuthResource(projectId);
    // The same Access Token URL (a new one needs the secret again: see secret-exposure.db.test.ts).
    const authorization = {
      accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
      clientId: "client-2",
      clientSecret: "",
      includeClientCredentials: false,
      requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
    };
    expect((await save(projectId, resourceId, "authorization", authorization)).ok).toBe(true);
    expect(
      await save(projectId, resourceId, "authorization", {
        ...authorization,
        accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/v2/token",
      }),
    ).toMatchObject({ ok: false, fieldErrors: { clientSecret: [expect.stringContaining("enter this secret again")] } });
    const kept = (await getResourceSecretCiphertexts({ resourceId, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    expect(decryptResourceSecret(resourceId, CLIENT_SECRET, kept)).toBe(CLIENT_SECRET_VALUE);
    // Progress is never lost by saving an earlier step again.
    expect((await getResource({ projectId, resourceId }))?.stepReached).toBe("test-and-publish");

    expect((await save(projectId, resourceId, "authorization", { ...authorization, clientSecret: "rotated" })).ok).toBe(true);
    const replaced = (await getResourceSecretCiphertexts({ resourceId, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    expect(decryptResourceSecret(resourceId, CLIENT_SECRET, replaced)).toBe("rotated");
  });

  it("rejects invalid values without changing anything", async () => {
    const projectId = await newProject();
    const resourceId = await userOAuthResource(projectId);
    const before = await getResource({ projectId, resourceId });
    const result = await save(projectId, resourceId, "authorization", {
      accessTokenUrl: "https://{{inputs.subdmain}}.tasklab.test/token",
      clientId: "changed",
      clientSecret: "changed",
      includeClientCredentials: true,
      requiredInputs: [
        { key: "subdomain", label: "A" },
        { key: "subdomain", label: "B" },
      ],
    });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        "requiredInputs.1.key": ["Input keys must be unique."],
        accessTokenUrl: ['Unknown variable "inputs.subdmain". Did you mean "inputs.subdomain"?'],
      },
      formError: undefined,
    });
    expect(await getResource({ projectId, resourceId })).toEqual(before);
    const secret = (await getResourceSecretCiphertexts({ resourceId, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    expect(decryptResourceSecret(resourceId, CLIENT_SECRET, secret)).toBe(CLIENT_SECRET_VALUE);
  });

  it("starts the later steps afresh when the level or authentication type changes", async () => {
    const projectId = await newProject();
    const resourceId = await userOAuthResource(projectId);
    expect(await save(projectId, resourceId, "api-info", { level: "app", authType: "api_keys", grantType: null })).toMatchObject({
      ok: true,
      data: { next: "request-details" },
    });
    expect(await getResource({ projectId, resourceId })).toMatchObject({ level: "app", config: {}, stepReached: "request-details" });
    expect(await listResourceSecretNames({ resourceId })).toEqual([]);
    // App-Level resources have no Authorization step.
    expect(await save(projectId, resourceId, "authorization", { apiKeys: [{ name: "api_key", secret: true }] })).toEqual({
      ok: false,
      formError: "Only User-Level resources have an Authorization step.",
    });
  });

  it("stores App-Level key values encrypted and drops the values of removed keys", async () => {
    const projectId = await newProject();
    const resourceId = await newResource(projectId);
    await save(projectId, resourceId, "api-info", { level: "app", authType: "api_keys", grantType: null });
    const details = {
      baseUrl: "https://tasklab.test",
      authentication: { ...blankAuth, preset: "header", name: "X-Api-Key", value: "{{credentials.api_key}}" },
      userProfile: noProfile,
    };
    expect(
      await save(projectId, resourceId, "request-details", {
        ...details,
        appApiKeys: [
          { name: "api_key", secret: true, value: APP_KEY_VALUE },
          { name: "account", secret: false, value: "acme" },
        ],
      }),
    ).toMatchObject({ ok: true });
    expect((await listResourceSecretNames({ resourceId })).sort()).toEqual([
      appCredentialSecretName("account"),
      appCredentialSecretName("api_key"),
    ]);

    expect(
      (await save(projectId, resourceId, "request-details", { ...details, appApiKeys: [{ name: "api_key", secret: true, value: "" }] })).ok,
    ).toBe(true);
    expect(await listResourceSecretNames({ resourceId })).toEqual([appCredentialSecretName("api_key")]);
    expect((await getResource({ projectId, resourceId }))?.config.apiKeys).toEqual([{ name: "api_key", secret: true }]);
  });

  it("answers 'not found' for another project's resource and changes nothing", async () => {
    const projectId = await newProject();
    const resourceId = await userOAuthResource(projectId);
    const before = await getResource({ projectId, resourceId });
    const otherProject = await newProject();
    expect(await save(otherProject, resourceId, "name", { name: "Hijacked" })).toEqual({ ok: false, formError: "Resource not found." });
    expect(await getResource({ projectId, resourceId })).toEqual(before);
  });
});

describe("secrets at rest", () => {
  // postgres.js answers a row array, PGlite an object holding `rows`.
  function rowsOf(result: unknown): Array<Record<string, unknown>> {
    return Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows;
  }

  it("appear in plaintext in no table", async () => {
    const projectId = await newProject();
    await userOAuthResource(projectId);
    const appResource = await newResource(projectId);
    await save(projectId, appResource, "api-info", { level: "app", authType: "api_keys", grantType: null });
    await save(projectId, appResource, "request-details", {
      baseUrl: "https://tasklab.test",
      authentication: { ...blankAuth, preset: "query", name: "key", value: "{{credentials.api_key}}" },
      userProfile: noProfile,
      appApiKeys: [{ name: "api_key", secret: true, value: APP_KEY_VALUE }],
    });

    const db = await getDb();
    const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`));
    expect(tables.length).toBeGreaterThan(5);
    for (const { table_name } of tables) {
      const dump = JSON.stringify(rowsOf(await db.execute(sql.raw(`select * from "${String(table_name)}"`))));
      expect(dump, String(table_name)).not.toContain(CLIENT_SECRET_VALUE);
      expect(dump, String(table_name)).not.toContain(APP_KEY_VALUE);
    }
  });

  it("do not decrypt once copied to another resource's row", async () => {
    const projectId = await newProject();
    const source = await userOAuthResource(projectId);
    const target = await userOAuthResource(projectId);
    const db = await getDb();
    const ciphertext = (await getResourceSecretCiphertexts({ resourceId: source, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    await db
      .update(resourceSecrets)
      .set({ ciphertext })
      .where(sql`${resourceSecrets.resourceId} = ${target} and ${resourceSecrets.name} = ${CLIENT_SECRET}`);
    const copied = (await getResourceSecretCiphertexts({ resourceId: target, names: [CLIENT_SECRET] })).get(CLIENT_SECRET)!;
    expect(copied).toBe(ciphertext);
    expect(() => decryptResourceSecret(target, CLIENT_SECRET, copied)).toThrow(VaultError);
  });
});

describe("the Authorization Code grant and the Validation request", () => {
  const authorization = {
    authorizationUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/authorize",
    scopes: "tasks:read  tasks:write",
    usePkce: true,
    parameters: [{ name: "prompt", value: "consent" }],
  };
  const client = {
    accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
    clientId: "client-1",
    clientSecret: CLIENT_SECRET_VALUE,
    includeClientCredentials: true,
    requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
  };
  const requestDetails = {
    baseUrl: "https://{{inputs.subdomain}}.tasklab.test/api",
    authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
    userProfile: noProfile,
  };

  async function auditChanges(projectId: string, resourceId: string) {
    const db = await getDb();
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.objectId, resourceId)))
      .orderBy(auditEvents.createdAt);
    return rows.map((row) => [row.action, row.changes]);
  }

  it("saves and publishes the authorization settings and the Validation request, and audits a new Authorization URL host", async () => {
    const projectId = await newProject();
    const resourceId = await newResource(projectId);
    expect(
      await save(projectId, resourceId, "api-info", { level: "app", authType: "oauth2", grantType: "authorization_code" }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { grantType: ["Authorization Code needs a User-Level resource: each end user authorizes for themselves."] },
    });
    expect(
      await save(projectId, resourceId, "api-info", { level: "user", authType: "oauth2", grantType: "authorization_code" }),
    ).toMatchObject({ ok: true, data: { next: "authorization" } });
    // The Authorization URL is required for this grant.
    expect(await save(projectId, resourceId, "authorization", client)).toMatchObject({
      ok: false,
      fieldErrors: { "authorization.authorizationUrl": ["Enter the Authorization URL."] },
    });
    expect(
      await save(projectId, resourceId, "authorization", {
        ...client,
        authorization: { ...authorization, parameters: [{ name: "redirect_uri", value: "https://evil.test" }] },
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { "authorization.parameters.0.name": [expect.stringContaining("sets redirect_uri itself")] },
    });
    expect(await save(projectId, resourceId, "authorization", { ...client, authorization })).toMatchObject({ ok: true });
    expect(
      await save(projectId, resourceId, "request-details", {
        ...requestDetails,
        validationRequest: { method: "GET", path: "/workspaces/{{inputs.subdomain}}" },
      }),
    ).toMatchObject({ ok: true, data: { next: "test-and-publish" } });

    const saved = await getResource({ projectId, resourceId });
    expect(saved).toMatchObject({ level: "user", authType: "oauth2", grantType: "authorization_code" });
    expect(saved?.config.oauth?.authorization).toEqual({ ...authorization, scopes: "tasks:read tasks:write" });
    expect(saved?.config.request?.validationRequest).toEqual({ method: "GET", path: "/workspaces/{{inputs.subdomain}}" });

    await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
    const published = (await getResource({ projectId, resourceId }))?.published;
    expect(published?.grantType).toBe("authorization_code");
    expect(published?.config.oauth?.authorization).toEqual({ ...authorization, scopes: "tasks:read tasks:write" });
    expect(published?.config.request?.validationRequest).toEqual({ method: "GET", path: "/workspaces/{{inputs.subdomain}}" });
    expect((await auditChanges(projectId, resourceId)).at(-1)).toEqual([
      "resource.published",
      expect.arrayContaining(["Authorization URL host: none → {{inputs.subdomain}}.tasklab.test"]),
    ]);

    // A new Authorization URL and Scopes, and no Validation request: saved with the fields named, published with the hosts.
    expect(
      await save(projectId, resourceId, "authorization", {
        ...client,
        clientSecret: "",
        authorization: { ...authorization, authorizationUrl: "https://login.tasklab.test/authorize", scopes: "tasks:read" },
      }),
    ).toMatchObject({ ok: true });
    expect(
      await save(projectId, resourceId, "request-details", { ...requestDetails, validationRequest: { method: "GET", path: "" } }),
    ).toMatchObject({ ok: true });
    const draft = await getResource({ projectId, resourceId });
    expect(draft?.config.request).not.toHaveProperty("validationRequest");
    await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
    const events = await auditChanges(projectId, resourceId);
    expect(events.slice(-3)).toEqual([
      ["resource.updated", ["config.oauth.authorization"]],
      ["resource.updated", ["config.request.validationRequest"]],
      [
        "resource.published",
        expect.arrayContaining([
          "config.oauth.authorization",
          "config.request.validationRequest",
          "Authorization URL host: {{inputs.subdomain}}.tasklab.test → login.tasklab.test",
        ]),
      ],
    ]);
    expect((await getResource({ projectId, resourceId }))?.published?.config.oauth?.authorization?.authorizationUrl).toBe(
      "https://login.tasklab.test/authorize",
    );
  });

  it("refuses a Validation request where end users type nothing, and authorization settings for another grant", async () => {
    const projectId = await newProject();
    const resourceId = await newResource(projectId);
    expect((await save(projectId, resourceId, "api-info", { level: "user", authType: "oauth2", grantType: "refresh_token" })).ok).toBe(
      true,
    );
    expect(await save(projectId, resourceId, "authorization", { ...client, requiredInputs: [], authorization })).toMatchObject({
      ok: false,
      fieldErrors: { authorization: [expect.stringContaining("Only the Authorization Code grant")] },
    });
    expect(
      (
        await save(projectId, resourceId, "authorization", {
          ...client,
          accessTokenUrl: "https://tasklab.test/oauth/token",
          requiredInputs: [],
        })
      ).ok,
    ).toBe(true);
    expect(
      await save(projectId, resourceId, "request-details", {
        ...requestDetails,
        baseUrl: "https://tasklab.test/api",
        validationRequest: { method: "GET", path: "/me" },
      }),
    ).toMatchObject({ ok: false, fieldErrors: { "validationRequest.path": [expect.stringContaining("A Validation request is for")] } });
    expect((await getResource({ projectId, resourceId }))?.config.oauth).not.toHaveProperty("authorization");
    expect((await getResource({ projectId, resourceId }))?.config.request).toBeUndefined();

    // A User-Level API Keys resource may check the keys an end user types.
    const keysResource = await newResource(projectId);
    expect((await save(projectId, keysResource, "api-info", { level: "user", authType: "api_keys", grantType: null })).ok).toBe(true);
    expect((await save(projectId, keysResource, "authorization", { apiKeys: [{ name: "api_key", secret: true }] })).ok).toBe(true);
    expect(
      (
        await save(projectId, keysResource, "request-details", {
          baseUrl: "https://tasklab.test/api",
          authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
          userProfile: noProfile,
          validationRequest: { method: "POST", path: "/keys/check" },
        })
      ).ok,
    ).toBe(true);
    expect((await getResource({ projectId, resourceId: keysResource }))?.config.request?.validationRequest).toEqual({
      method: "POST",
      path: "/keys/check",
    });
  });
});
