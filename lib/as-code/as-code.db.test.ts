import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { getResource, listResources, listResourceSecretNames } from "@/db/queries/resources";
import { createProject } from "@/db/queries/projects";
import { createUserWithProject } from "@/db/queries/users";
import { getWorkflow, listWorkflows, setWorkflowEndUsersMayStart } from "@/db/queries/workflows";
import { exportResourceConfig, exportWorkflowConfig, importResourceConfig, importWorkflowConfig } from "@/components/as-code/actions";
import { AppError } from "@/lib/errors";
import { getSessionUser } from "@/server/session";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { toResourceDraft } from "@/lib/resources/draft";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { saveWebhookSetup } from "@/lib/webhooks/setup";
import { createWorkflowDraft, saveWorkflow } from "@/lib/workflows/workflows";
import { exportResource, importResource, replaceResourceConfig, type ResourceDocument } from "./resource";
import { exportWorkflow, importWorkflow, replaceWorkflowConfig, type WorkflowDocument } from "./workflow";

// Resources and workflows as code on a real database: export → import into another project →
// export gives the same document; no secret value is ever in a document; hostile documents are
// refused with the field named and nothing written.

vi.mock("@/lib/workflows/jobs", () => ({ enqueueStep: vi.fn(async () => {}), syncWorkflowSchedule: vi.fn(async () => {}) }));
// The action adapter reads the session from next-auth; here the test says who is signed in.
vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

// The database starts (and migrates) once, before the first test's clock runs.
beforeAll(async () => {
  await getDb();
}, 120_000);

const CLIENT_SECRET = `client-secret-${randomUUID()}`;
const SIGNING_SECRET = `hmac-signing-secret-${randomUUID()}`;
const APP_KEY_VALUE = `app-key-value-${randomUUID()}`;
const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

let lastMember: { id: string; email: string } | undefined;
async function newProject(): Promise<string> {
  const email = `a-${randomUUID()}@example.test`;
  const created = await createUserWithProject({ email, passwordHash: "x", projectName: "P" });
  lastMember = { id: created!.user.id, email };
  return created!.projectId;
}

/** A published User-Level OAuth resource with a Client Secret, a Required Input, a User Profile and HMAC webhooks. */
async function configuredOAuthResource(projectId: string, name = `TaskLab ${randomUUID().slice(0, 6)}`) {
  const { resourceId } = await createResourceDraft({ projectId, values: { name }, actor: SYSTEM_ACTOR });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "api-info",
    values: { level: "user", authType: "oauth2", grantType: "refresh_token" },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "authorization",
    values: {
      accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.example/oauth/token",
      clientId: "tasklab-client",
      clientSecret: CLIENT_SECRET,
      includeClientCredentials: false,
      requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
    },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "request-details",
    values: {
      baseUrl: "https://{{inputs.subdomain}}.tasklab.example/api",
      authentication: {
        ...blankAuth,
        preset: "bearer",
        token: "{{credentials.access_token}}",
        custom: [{ location: "header", name: "X-Team", value: "{{inputs.subdomain}}" }],
      },
      userProfile: { source: "request", method: "GET", path: "/me", fields: "id, email", claimPath: "" },
    },
    actor: SYSTEM_ACTOR,
  });
  await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
  await saveWebhookSetup({
    projectId,
    resourceId,
    values: {
      signature: {
        kind: "hmac",
        header: "X-Signature-256",
        algorithm: "sha256",
        encoding: "hex",
        prefix: "sha256=",
        content: "body",
        timestampHeader: "",
        toleranceSeconds: 300,
      },
      signingSecret: SIGNING_SECRET,
      eventTypeTemplate: "{{payload.type}}",
      eventTypes: ["task.created", "task.completed"],
      userMatchTemplate: "{{payload.account_id}}",
      userMatchField: { kind: "profile", path: "id" },
      eventIdTemplate: "{{headers.x-event-id}}",
      subscription: { subscribe: { method: "POST", path: "/hooks", body: '{"url": "{{webhook.url}}"}' }, unsubscribe: null },
    },
    actor: SYSTEM_ACTOR,
  });
  return resourceId;
}

/** An App-Level API Keys resource whose key value is a secret. */
async function appKeysResource(projectId: string) {
  const { resourceId } = await createResourceDraft({
    projectId,
    values: { name: `Billing ${randomUUID().slice(0, 6)}` },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "api-info",
    values: { level: "app", authType: "api_keys", grantType: null },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "request-details",
    values: {
      baseUrl: "https://billing.example/v1",
      authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
      userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      appApiKeys: [{ name: "api_key", secret: true, value: APP_KEY_VALUE }],
    },
    actor: SYSTEM_ACTOR,
  });
  return resourceId;
}

async function workflowOn(projectId: string, resourceId: string) {
  const { workflowId } = await createWorkflowDraft({ projectId, name: "Copy new tasks", actor: SYSTEM_ACTOR });
  await saveWorkflow({
    projectId,
    workflowId,
    values: {
      name: "Copy new tasks",
      sampleTrigger: "",
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [
        {
          key: "get_task",
          type: "request",
          resourceId,
          method: "GET",
          path: "/tasks/{{trigger.payload.id}}",
          query: [{ name: "expand", value: "owner" }],
          headers: [],
          body: "",
          retries: true,
        },
        { key: "is_open", type: "condition", left: "{{steps.get_task.body.status}}", operator: "equals", right: "open" },
        { key: "wait", type: "delay", seconds: 60 },
        {
          key: "comment",
          type: "request",
          resourceId,
          method: "POST",
          path: "/tasks/{{trigger.payload.id}}/comments",
          query: [],
          headers: [{ name: "X-User", value: "{{user.profile.email}}" }],
          body: '{"text": "Seen by {{user.id}}"}',
          retries: false,
        },
      ],
    },
    actor: SYSTEM_ACTOR,
  });
  return workflowId;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function withoutSecrets(json: string) {
  for (const secret of [CLIENT_SECRET, SIGNING_SECRET, APP_KEY_VALUE]) expect(json).not.toContain(secret);
}

describe("resources as code", () => {
  it("exports a configured resource with placeholders for its secrets, and imports it into another project as a draft with none set", async () => {
    const source = await newProject();
    const resourceId = await configuredOAuthResource(source, "TaskLab");
    const exported = await exportResource({ projectId: source, resourceId });
    withoutSecrets(JSON.stringify(exported));
    expect(exported).toMatchObject({
      kind: "resource",
      version: 1,
      name: "TaskLab",
      level: "user",
      config: { oauth: { clientId: "tasklab-client", clientSecret: { $secret: "client_secret" }, requiredInputs: [{ key: "subdomain" }] } },
      webhook: { signature: { kind: "hmac", header: "x-signature-256" }, signingSecret: { $secret: "webhook_secret" } },
    });

    const target = await newProject();
    // Through JSON, as a file or a paste brings it.
    const { resourceId: imported, openStep } = await importResource({
      projectId: target,
      document: JSON.parse(JSON.stringify(exported)),
      actor: SYSTEM_ACTOR,
    });
    expect(openStep).toBe("authorization");
    const row = (await getResource({ projectId: target, resourceId: imported }))!;
    expect(row).toMatchObject({ status: "draft", published: null, stepReached: "test-and-publish" });
    expect(await listResourceSecretNames({ resourceId: imported })).toEqual([]);
    // The wizard shows the Client Secret as still to be entered.
    expect(toResourceDraft(row, []).saved.clientSecret).toBe(false);

    expect(await exportResource({ projectId: target, resourceId: imported })).toEqual(exported);
  });

  it("round-trips an App-Level API Keys resource, its key value left out", async () => {
    const source = await newProject();
    const exported = await exportResource({ projectId: source, resourceId: await appKeysResource(source) });
    withoutSecrets(JSON.stringify(exported));
    expect(exported.config.apiKeys).toEqual([{ name: "api_key", secret: true, value: { $secret: "credential:api_key" } }]);
    const target = await newProject();
    const { resourceId, openStep } = await importResource({ projectId: target, document: exported, actor: SYSTEM_ACTOR });
    expect(openStep).toBe("request-details");
    expect(await listResourceSecretNames({ resourceId })).toEqual([]);
    expect(await exportResource({ projectId: target, resourceId })).toEqual(exported);
  });

  it("round-trips an Authorization Code resource's authorization settings and a Validation request, refusing them where they do not belong", async () => {
    const source = await newProject();
    const { resourceId } = await createResourceDraft({ projectId: source, values: { name: "TaskLab Connect" }, actor: SYSTEM_ACTOR });
    const authorization = {
      authorizationUrl: "https://{{inputs.subdomain}}.tasklab.example/oauth/authorize",
      scopes: "tasks:read tasks:write",
      usePkce: false,
      parameters: [{ name: "audience", value: "{{inputs.subdomain}}" }],
    };
    const validationRequest = { method: "GET", path: "/workspaces/{{inputs.subdomain}}" };
    const steps: [Parameters<typeof saveResourceStep>[0]["step"], unknown][] = [
      ["api-info", { level: "user", authType: "oauth2", grantType: "authorization_code" }],
      [
        "authorization",
        {
          accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.example/oauth/token",
          clientId: "tasklab-client",
          clientSecret: CLIENT_SECRET,
          includeClientCredentials: true,
          requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
          authorization,
        },
      ],
      [
        "request-details",
        {
          baseUrl: "https://{{inputs.subdomain}}.tasklab.example/api",
          authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
          userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
          validationRequest,
        },
      ],
    ];
    for (const [step, values] of steps) await saveResourceStep({ projectId: source, resourceId, step, values, actor: SYSTEM_ACTOR });
    const exported = await exportResource({ projectId: source, resourceId });
    withoutSecrets(JSON.stringify(exported));
    expect(exported).toMatchObject({
      grantType: "authorization_code",
      config: { oauth: { authorization, clientSecret: { $secret: "client_secret" } }, request: { validationRequest } },
    });

    const target = await newProject();
    const { resourceId: imported } = await importResource({
      projectId: target,
      document: JSON.parse(JSON.stringify(exported)),
      actor: SYSTEM_ACTOR,
    });
    const row = (await getResource({ projectId: target, resourceId: imported }))!;
    expect(row.config.oauth?.authorization).toEqual(authorization);
    expect(row.config.request?.validationRequest).toEqual(validationRequest);
    expect(await exportResource({ projectId: target, resourceId: imported })).toEqual(exported);

    // Replaced by a document without them: the draft drops both, and the change names them.
    const oauthWithout = { ...exported.config.oauth! };
    delete oauthWithout.authorization;
    const requestWithout = { ...exported.config.request! };
    delete requestWithout.validationRequest;
    const bare = { ...exported, grantType: "refresh_token" as const, config: { oauth: oauthWithout, request: requestWithout } };
    await replaceResourceConfig({ projectId: target, resourceId: imported, document: bare, actor: SYSTEM_ACTOR });
    const replaced = (await getResource({ projectId: target, resourceId: imported }))!;
    expect(replaced.grantType).toBe("refresh_token");
    expect(replaced.config.oauth).not.toHaveProperty("authorization");
    expect(replaced.config.request).not.toHaveProperty("validationRequest");

    // Authorization settings on another grant, a reserved parameter and a Validation request with nothing typed are refused.
    const refusals: [unknown, Record<string, RegExp>][] = [
      [{ ...exported, grantType: "refresh_token" }, { "config.oauth.authorization": /Only the Authorization Code grant/ }],
      [
        {
          ...exported,
          config: {
            ...exported.config,
            oauth: { ...exported.config.oauth, authorization: { ...authorization, parameters: [{ name: "state", value: "x" }] } },
          },
        },
        { "config.oauth.authorization.parameters.0.name": /sets state itself/ },
      ],
      [
        {
          ...exported,
          config: {
            oauth: {
              ...exported.config.oauth,
              accessTokenUrl: "https://tasklab.example/oauth/token",
              requiredInputs: [],
              authorization: { ...authorization, authorizationUrl: "https://tasklab.example/oauth/authorize", parameters: [] },
            },
            request: {
              ...exported.config.request,
              baseUrl: "https://tasklab.example/api",
              validationRequest: { method: "GET", path: "/me" },
            },
          },
        },
        { "config.request.validationRequest.path": /A Validation request is for/ },
      ],
    ];
    for (const [document, fields] of refusals) {
      const error = await refusal(importResource({ projectId: target, document, actor: SYSTEM_ACTOR }));
      expect(error).toMatchObject({ code: "invalid_input", status: 400 });
      for (const [field, message] of Object.entries(fields)) expect(error.fields?.[field], JSON.stringify(error.fields)).toMatch(message);
    }
  });

  it("imports a draft that stopped at API Info, resuming there", async () => {
    const target = await newProject();
    const document = {
      kind: "resource",
      version: 1,
      name: "Half done",
      level: "user",
      authType: "api_keys",
      grantType: null,
      config: {},
      webhook: null,
    };
    const { resourceId, openStep } = await importResource({ projectId: target, document, actor: SYSTEM_ACTOR });
    expect(openStep).toBe("authorization");
    expect(await exportResource({ projectId: target, resourceId })).toEqual(document);
  });

  const hostile: [string, (doc: ResourceDocument) => unknown, Record<string, string | RegExp>][] = [
    ["a workflow document", (doc) => ({ ...doc, kind: "workflow" }), { kind: /workflow export: import it on the Workflows list/ }],
    ["a later format version", (doc) => ({ ...doc, version: 2 }), { version: /version 1/ }],
    ["an unknown top-level field", (doc) => ({ ...doc, published: { level: "user" } }), { published: "Unknown field." }],
    [
      "an unknown nested field",
      (doc) => ({ ...doc, config: { ...doc.config, oauth: { ...doc.config.oauth, tokenUrl: "https://evil.example" } } }),
      { "config.oauth.tokenUrl": "Unknown field." },
    ],
    ["an unknown webhook field", (doc) => ({ ...doc, webhook: { ...doc.webhook, secret: "x" } }), { "webhook.secret": "Unknown field." }],
    [
      "a secret value",
      (doc) => ({ ...doc, config: { ...doc.config, oauth: { ...doc.config.oauth, clientSecret: "s3cr3t" } } }),
      { "config.oauth.clientSecret": /never sets a secret/ },
    ],
    [
      "a webhook signing secret",
      (doc) => ({ ...doc, webhook: { ...doc.webhook, signingSecret: "whsec_x" } }),
      { "webhook.signingSecret": /never sets a secret/ },
    ],
    [
      "a prototype key",
      (doc) => JSON.parse(JSON.stringify(doc).replace('"config":{', '"config":{"__proto__":{"polluted":true},')),
      { "config.__proto__": /not allowed/ },
    ],
    [
      "a constructor key deep inside",
      (doc) => JSON.parse(JSON.stringify(doc).replace('"custom":[', '"constructor":{"prototype":{}},"custom":[')),
      { "config.request.authentication.constructor": /not allowed/ },
    ],
    [
      "an unknown template variable",
      (doc) => ({
        ...doc,
        config: { ...doc.config, request: { ...doc.config.request!, baseUrl: "https://{{inputs.tenant}}.tasklab.example/api" } },
      }),
      { "config.request.baseUrl": /inputs\.tenant/ },
    ],
    [
      "an unclosed template",
      (doc) => ({
        ...doc,
        config: {
          ...doc.config,
          request: {
            ...doc.config.request!,
            authentication: { ...doc.config.request!.authentication, token: "{{credentials.access_token" },
          },
        },
      }),
      { "config.request.authentication.token": /./ },
    ],
    [
      "a huge template",
      (doc) => ({
        ...doc,
        config: {
          ...doc.config,
          request: { ...doc.config.request!, authentication: { ...doc.config.request!.authentication, token: "x".repeat(100_000) } },
        },
      }),
      { "config.request.authentication.token": "Use at most 4096 characters." },
    ],
    ["a huge name", (doc) => ({ ...doc, name: "n".repeat(10_000) }), { name: "Use at most 64 characters." }],
    [
      "a host chosen by end users",
      (doc) => ({
        ...doc,
        config: { ...doc.config, oauth: { ...doc.config.oauth, accessTokenUrl: "https://{{inputs.subdomain}}/token" } },
      }),
      { "config.oauth.accessTokenUrl": /whole host/ },
    ],
    [
      "API keys on an OAuth resource",
      (doc) => ({ ...doc, config: { ...doc.config, apiKeys: [{ name: "k", secret: true }] } }),
      { "config.apiKeys": /Unknown field/ },
    ],
    ["a bad signature", (doc) => ({ ...doc, webhook: { ...doc.webhook, signature: { kind: "rsa" } } }), { "webhook.signature.kind": /./ }],
  ];

  it.each(hostile)("refuses %s with invalid_input naming the field, and creates nothing", async (_, change, fields) => {
    const source = await newProject();
    const exported = await exportResource({ projectId: source, resourceId: await configuredOAuthResource(source) });
    const target = await newProject();
    const error = await refusal(importResource({ projectId: target, document: change(exported), actor: SYSTEM_ACTOR }));
    expect(error).toMatchObject({ code: "invalid_input", status: 400 });
    for (const [field, message] of Object.entries(fields)) {
      expect(error.fields?.[field], `${field} in ${JSON.stringify(error.fields)}`).toMatch(message);
    }
    expect(await listResources({ projectId: target })).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a name the target project already has (409 name_taken)", async () => {
    const source = await newProject();
    const exported = await exportResource({ projectId: source, resourceId: await configuredOAuthResource(source, "TaskLab") });
    const error = await refusal(importResource({ projectId: source, document: { ...exported, name: "tasklab" }, actor: SYSTEM_ACTOR }));
    expect(error).toMatchObject({ code: "name_taken", status: 409, fields: { name: expect.stringContaining("already exists") } });
  });

  it("replaces a draft's configuration, leaving the published one and the secrets still sent where they were entered for", async () => {
    const projectId = await newProject();
    const resourceId = await configuredOAuthResource(projectId);
    const before = (await getResource({ projectId, resourceId }))!;
    const exported = await exportResource({ projectId, resourceId });
    const secretsBefore = (await listResourceSecretNames({ resourceId })).sort();

    // A new API Base URL path: the Client Secret still goes to the same Access Token URL.
    const renamed = {
      ...exported,
      name: "TaskLab v2",
      config: {
        ...exported.config,
        request: { ...exported.config.request!, baseUrl: "https://{{inputs.subdomain}}.tasklab.example/api/v2" },
      },
    };
    expect(await replaceResourceConfig({ projectId, resourceId, document: renamed, actor: SYSTEM_ACTOR })).toEqual(renamed);
    const after = (await getResource({ projectId, resourceId }))!;
    expect(after.published).toEqual(before.published);
    expect(after.status).toBe("published");
    expect((await listResourceSecretNames({ resourceId })).sort()).toEqual(secretsBefore);

    // A new Access Token URL and signature kind: the draft's Client Secret and the signing secret must be entered again; the published copies stay.
    const moved = {
      ...renamed,
      config: {
        ...renamed.config,
        oauth: { ...renamed.config.oauth!, accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.example/oauth/v2/token" },
      },
      webhook: { ...renamed.webhook!, signature: { kind: "standard_webhooks" } },
    };
    await replaceResourceConfig({ projectId, resourceId, document: moved, actor: SYSTEM_ACTOR });
    expect((await listResourceSecretNames({ resourceId })).sort()).toEqual(["published:client_secret"]);
    expect((await getResource({ projectId, resourceId }))!.published).toEqual(before.published);
  });

  it("does not replace another project's resource", async () => {
    const projectId = await newProject();
    const resourceId = await configuredOAuthResource(projectId);
    const exported = await exportResource({ projectId, resourceId });
    const other = await newProject();
    expect(
      await refusal(
        replaceResourceConfig({ projectId: other, resourceId, document: { ...exported, name: "Stolen" }, actor: SYSTEM_ACTOR }),
      ),
    ).toMatchObject({ code: "resource_not_found" });
    expect(await refusal(exportResource({ projectId: other, resourceId }))).toMatchObject({ code: "resource_not_found" });
    expect((await getResource({ projectId, resourceId }))!.name).toBe(exported.name);
  });
});

describe("workflows as code", () => {
  async function exportedPair() {
    const source = await newProject();
    const resourceId = await configuredOAuthResource(source, "TaskLab");
    const workflowId = await workflowOn(source, resourceId);
    return {
      source,
      resourceId,
      workflowId,
      resource: await exportResource({ projectId: source, resourceId }),
      workflow: await exportWorkflow({ projectId: source, workflowId }),
    };
  }

  it("names resources by name, and binds them to the target project's resources of that name on import", async () => {
    const { resource, workflow } = await exportedPair();
    withoutSecrets(JSON.stringify(workflow));
    expect(workflow).toMatchObject({
      kind: "workflow",
      version: 1,
      name: "Copy new tasks",
      trigger: { kind: "resource_event", resource: "TaskLab", eventType: "task.created" },
      steps: [{ key: "get_task", resource: "TaskLab" }, { key: "is_open" }, { key: "wait" }, { key: "comment", resource: "TaskLab" }],
    });
    expect(JSON.stringify(workflow)).not.toContain("resourceId");

    const target = await newProject();
    const { resourceId: targetResource } = await importResource({ projectId: target, document: resource, actor: SYSTEM_ACTOR });
    const { workflowId } = await importWorkflow({ projectId: target, document: JSON.parse(JSON.stringify(workflow)), actor: SYSTEM_ACTOR });
    const row = (await getWorkflow({ projectId: target, workflowId }))!;
    expect(row.deployedVersion).toBeNull();
    expect(row.draft.trigger).toEqual({ kind: "resource_event", resourceId: targetResource, eventType: "task.created" });
    expect(row.draft.steps.filter((step) => step.type === "request").map((step) => step.resourceId)).toEqual([
      targetResource,
      targetResource,
    ]);

    expect(await exportWorkflow({ projectId: target, workflowId })).toEqual(workflow);
  });

  it("lists the resources the target project is missing, and creates nothing", async () => {
    const { workflow } = await exportedPair();
    const target = await newProject();
    const error = await refusal(importWorkflow({ projectId: target, document: workflow, actor: SYSTEM_ACTOR }));
    expect(error).toMatchObject({ code: "invalid_input", message: expect.stringContaining('no resource named "TaskLab"') });
    expect(error.fields).toMatchObject({
      "trigger.resource": expect.any(String),
      "steps.0.resource": expect.any(String),
      "steps.3.resource": expect.any(String),
    });
    expect(await listWorkflows({ projectId: target })).toEqual([]);
  });

  const hostile: [string, (doc: WorkflowDocument, ids: { resourceId: string }) => unknown, Record<string, string | RegExp>][] = [
    ["a resource document", (doc) => ({ ...doc, kind: "resource" }), { kind: /resource export: import it on the Resources list/ }],
    [
      "another project's resource ID",
      (doc, { resourceId }) => ({ ...doc, steps: doc.steps.map((step) => ("resource" in step ? { ...step, resourceId } : step)) }),
      { "steps.0.resourceId": /Unknown field/ },
    ],
    [
      "a resource ID instead of a name",
      (doc, { resourceId }) => ({ ...doc, trigger: { kind: "resource_event", resourceId, eventType: "task.created" } }),
      { "trigger.resourceId": /./ },
    ],
    ["an unknown step field", (doc) => ({ ...doc, steps: [{ ...doc.steps[2], run: "rm -rf /" }] }), { "steps.0.run": "Unknown field." }],
    [
      "an unknown variable",
      (doc) => ({ ...doc, steps: [doc.steps[0], { ...doc.steps[1], left: "{{secrets.client_secret}}" }] }),
      { "steps.1.left": /secrets\.client_secret/ },
    ],
    [
      "a huge body",
      (doc) => ({ ...doc, steps: [{ ...doc.steps[0], body: `{"a": "${"x".repeat(70_000)}"}` }] }),
      { "steps.0.body": /at most 65536/ },
    ],
    ["a body that is not JSON", (doc) => ({ ...doc, steps: [{ ...doc.steps[0], body: "{not json" }] }), { "steps.0.body": /must be JSON/ }],
    [
      "an event type the resource does not list",
      (doc) => ({ ...doc, trigger: { ...doc.trigger, eventType: "task.deleted" } }),
      { "trigger.eventType": /not one of/ },
    ],
    [
      "a prototype key in the sample",
      (doc) => JSON.parse(JSON.stringify(doc).replace('"sampleTrigger":{', '"sampleTrigger":{"__proto__":{"x":1}')),
      { "sampleTrigger.__proto__": /not allowed/ },
    ],
    ["a sample that is not an object", (doc) => ({ ...doc, sampleTrigger: [1, 2] }), { sampleTrigger: /JSON object/ }],
    [
      "End users may start this workflow that is not a boolean",
      (doc) => ({ ...doc, endUsersMayStart: "yes" }),
      { endUsersMayStart: /true or false/ },
    ],
  ];

  it.each(hostile)("refuses %s with invalid_input, and creates nothing", async (_, change, fields) => {
    const { resource, workflow, resourceId } = await exportedPair();
    const target = await newProject();
    await importResource({ projectId: target, document: resource, actor: SYSTEM_ACTOR });
    const error = await refusal(importWorkflow({ projectId: target, document: change(workflow, { resourceId }), actor: SYSTEM_ACTOR }));
    expect(error).toMatchObject({ code: "invalid_input", status: 400 });
    for (const [field, message] of Object.entries(fields))
      expect(error.fields?.[field], `${field} in ${JSON.stringify(error.fields)}`).toMatch(message);
    expect(await listWorkflows({ projectId: target })).toEqual([]);
  });

  it("carries End users may start this workflow: exported, imported, replaced; a document without it imports as false", async () => {
    const { source, resource, workflowId, workflow } = await exportedPair();
    expect(workflow.endUsersMayStart).toBe(false);
    await setWorkflowEndUsersMayStart({ projectId: source, workflowId, allowed: true, actor: SYSTEM_ACTOR });
    const allowed = await exportWorkflow({ projectId: source, workflowId });
    expect(allowed.endUsersMayStart).toBe(true);

    const target = await newProject();
    await importResource({ projectId: target, document: resource, actor: SYSTEM_ACTOR });
    const imported = await importWorkflow({ projectId: target, document: allowed, actor: SYSTEM_ACTOR });
    expect((await getWorkflow({ projectId: target, workflowId: imported.workflowId }))!.endUsersMayStart).toBe(true);
    const withoutFlag: Partial<WorkflowDocument> = { ...allowed };
    delete withoutFlag.endUsersMayStart;
    const older = await importWorkflow({ projectId: target, document: withoutFlag, actor: SYSTEM_ACTOR });
    expect((await getWorkflow({ projectId: target, workflowId: older.workflowId }))!.endUsersMayStart).toBe(false);

    // A replace sets it from the document at once (a setting, not part of the draft).
    expect(
      await replaceWorkflowConfig({ projectId: target, workflowId: imported.workflowId, document: withoutFlag, actor: SYSTEM_ACTOR }),
    ).toMatchObject({ endUsersMayStart: false });
    expect((await getWorkflow({ projectId: target, workflowId: imported.workflowId }))!.endUsersMayStart).toBe(false);
  });

  it("imports a document exported before samples were checked with its sample as it was (the trigger's payload alone)", async () => {
    const { resource, workflow } = await exportedPair();
    const target = await newProject();
    await importResource({ projectId: target, document: resource, actor: SYSTEM_ACTOR });
    const older = { ...workflow, sampleTrigger: { id: "t_1", title: "Payload alone" } };
    const { workflowId } = await importWorkflow({ projectId: target, document: older, actor: SYSTEM_ACTOR });
    expect((await getWorkflow({ projectId: target, workflowId }))!.sampleTrigger).toEqual({ id: "t_1", title: "Payload alone" });
  });

  it("replaces a workflow's draft and leaves its other project's twin alone", async () => {
    const { source, workflowId, workflow } = await exportedPair();
    const changed = { ...workflow, name: "Copy tasks", steps: workflow.steps.slice(0, 1) };
    expect(await replaceWorkflowConfig({ projectId: source, workflowId, document: changed, actor: SYSTEM_ACTOR })).toEqual(changed);
    expect((await getWorkflow({ projectId: source, workflowId }))!.draft.steps).toHaveLength(1);
    const other = await newProject();
    expect(await refusal(replaceWorkflowConfig({ projectId: other, workflowId, document: changed, actor: SYSTEM_ACTOR }))).toMatchObject({
      code: "workflow_not_found",
    });
  });
});

describe("Export and Import on the dashboard", () => {
  it("export the JSON for a member, import it into their other project and answer the draft to open", async () => {
    const source = await newProject();
    const member = lastMember!;
    const resourceId = await configuredOAuthResource(source, "TaskLab");
    const workflowId = await workflowOn(source, resourceId);
    vi.mocked(getSessionUser).mockResolvedValue(member);
    const resource = await exportResourceConfig({ projectId: source, resourceId });
    const workflow = await exportWorkflowConfig({ projectId: source, workflowId });
    if (!resource.ok || !workflow.ok) throw new Error("export refused");
    withoutSecrets(resource.data + workflow.data);
    expect(JSON.parse(resource.data)).toEqual(await exportResource({ projectId: source, resourceId }));

    // The member's second project: the wizard opens where the Client Secret is to be entered.
    const target = (await createProject({ userId: member.id, name: "Q" })).id;
    const imported = await importResourceConfig({ projectId: target, json: resource.data });
    expect(imported).toEqual({
      ok: true,
      data: { href: expect.stringMatching(new RegExp(`^/projects/${target}/resources/[0-9a-f-]{36}/authorization$`)) },
    });
    const importedWorkflow = await importWorkflowConfig({ projectId: target, json: workflow.data });
    expect(importedWorkflow).toEqual({
      ok: true,
      data: { href: expect.stringMatching(new RegExp(`^/projects/${target}/workflows/[0-9a-f-]{36}$`)) },
    });
  });

  it("refuse non-members, another project's IDs and bad JSON, creating nothing", async () => {
    const source = await newProject();
    const resourceId = await configuredOAuthResource(source);
    const outsiderProject = await newProject();
    vi.mocked(getSessionUser).mockResolvedValue(lastMember!);
    expect(await exportResourceConfig({ projectId: source, resourceId })).toEqual({ ok: false, formError: "Project not found." });
    expect(await exportResourceConfig({ projectId: outsiderProject, resourceId })).toEqual({
      ok: false,
      formError: "No resource with this ID in this project.",
    });
    expect(await importResourceConfig({ projectId: source, json: "{}" })).toEqual({ ok: false, formError: "Project not found." });
    expect(await importResourceConfig({ projectId: outsiderProject, json: "{not json" })).toMatchObject({
      ok: false,
      fieldErrors: { json: [expect.stringContaining("not valid JSON")] },
    });
    expect(await importWorkflowConfig({ projectId: outsiderProject, json: '{"kind":"resource","version":1}' })).toMatchObject({
      ok: false,
      fieldErrors: { kind: [expect.stringContaining("Resources list")] },
    });
    vi.mocked(getSessionUser).mockResolvedValue(null);
    expect(await importResourceConfig({ projectId: outsiderProject, json: "{}" })).toMatchObject({
      ok: false,
      formError: expect.stringContaining("Sign in"),
    });
    expect(await listResources({ projectId: outsiderProject })).toEqual([]);
    expect(await listWorkflows({ projectId: outsiderProject })).toEqual([]);
  });
});
