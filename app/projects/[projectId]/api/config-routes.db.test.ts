import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { createSecretKey } from "@/db/queries/secret-keys";
import { getResource, listResources, listResourceSecretNames } from "@/db/queries/resources";
import { getWorkflow, listWorkflows } from "@/db/queries/workflows";
import { projectWithSigningKey, signUserToken } from "@/test/support/connect-fixtures";
import { callSdkRoute, type SdkAuth } from "@/test/support/sdk-route-fixtures";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { saveWebhookSetup } from "@/lib/webhooks/setup";
import { createWorkflowDraft, saveWorkflow } from "@/lib/workflows/workflows";
import * as resourceConfig from "./resources/[resourceId]/config/route";
import * as resourceImport from "./resources/config/route";
import * as workflowConfig from "./workflows/[workflowId]/config/route";
import * as workflowImport from "./workflows/config/route";

// The configuration API's route handlers on a real database: a Secret Key reads and writes a
// project's resource and workflow documents; a User Token, no key or another project's key or
// IDs are refused, and a refused write changes nothing.

vi.mock("@/lib/workflows/jobs", () => ({ enqueueStep: vi.fn(async () => {}), syncWorkflowSchedule: vi.fn(async () => {}) }));

// The database starts (and migrates) once, before the first test's clock runs.
beforeAll(async () => {
  await getDb();
}, 120_000);

const CLIENT_SECRET = `client-secret-${randomUUID()}`;
const SIGNING_SECRET = `whsec_${Buffer.alloc(24, 9).toString("base64")}`;
const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

async function projectWithKey() {
  const project = await projectWithSigningKey();
  const secret = generateSecretKey();
  await createSecretKey({ projectId: project.projectId, name: "ci", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  return { ...project, secretKey: secret.key };
}

async function configuredProject() {
  const project = await projectWithKey();
  const { projectId } = project;
  const { resourceId } = await createResourceDraft({ projectId, values: { name: "TaskLab" }, actor: SYSTEM_ACTOR });
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
      accessTokenUrl: "https://tasklab.example/oauth/token",
      clientId: "tasklab-client",
      clientSecret: CLIENT_SECRET,
      includeClientCredentials: true,
      requiredInputs: [],
    },
    actor: SYSTEM_ACTOR,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "request-details",
    values: {
      baseUrl: "https://tasklab.example/api",
      authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
      userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
    },
    actor: SYSTEM_ACTOR,
  });
  await publishResourceDraft({ projectId, resourceId, actor: SYSTEM_ACTOR });
  await saveWebhookSetup({
    projectId,
    resourceId,
    values: {
      signature: { kind: "standard_webhooks" },
      signingSecret: SIGNING_SECRET,
      eventTypeTemplate: "{{payload.type}}",
      eventTypes: ["task.created"],
      userMatchTemplate: "{{payload.account_id}}",
      userMatchField: { kind: "user_id" },
      eventIdTemplate: "{{headers.webhook-id}}",
    },
    actor: SYSTEM_ACTOR,
  });
  const { workflowId } = await createWorkflowDraft({ projectId, name: "On new task", actor: SYSTEM_ACTOR });
  await saveWorkflow({
    projectId,
    workflowId,
    values: {
      name: "On new task",
      sampleTrigger: "",
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [
        {
          key: "get_task",
          type: "request",
          resourceId,
          method: "GET",
          path: "/tasks/{{trigger.payload.id}}",
          query: [],
          headers: [],
          body: "",
          retries: true,
        },
      ],
    },
    actor: SYSTEM_ACTOR,
  });
  return { ...project, resourceId, workflowId };
}

const key = (project: { secretKey: string }): SdkAuth => ({ secretKey: project.secretKey });

function call(
  handler: Parameters<typeof callSdkRoute>[0],
  method: string,
  url: string,
  params: Record<string, string>,
  auth: SdkAuth,
  body?: unknown,
  headers?: Record<string, string>,
) {
  return callSdkRoute(handler, { url, params, auth, method, body, headers });
}

const getResourceConfig = (projectId: string, resourceId: string, auth: SdkAuth) =>
  call(resourceConfig.GET, "GET", `/projects/${projectId}/api/resources/${resourceId}/config`, { projectId, resourceId }, auth);
const putResourceConfig = (projectId: string, resourceId: string, auth: SdkAuth, body: unknown, headers?: Record<string, string>) =>
  call(
    resourceConfig.PUT,
    "PUT",
    `/projects/${projectId}/api/resources/${resourceId}/config`,
    { projectId, resourceId },
    auth,
    body,
    headers,
  );
const postResourceConfig = (projectId: string, auth: SdkAuth, body: unknown, headers?: Record<string, string>) =>
  call(resourceImport.POST, "POST", `/projects/${projectId}/api/resources/config`, { projectId }, auth, body, headers);
const getWorkflowConfig = (projectId: string, workflowId: string, auth: SdkAuth) =>
  call(workflowConfig.GET, "GET", `/projects/${projectId}/api/workflows/${workflowId}/config`, { projectId, workflowId }, auth);
const putWorkflowConfig = (projectId: string, workflowId: string, auth: SdkAuth, body: unknown) =>
  call(workflowConfig.PUT, "PUT", `/projects/${projectId}/api/workflows/${workflowId}/config`, { projectId, workflowId }, auth, body);
const postWorkflowConfig = (projectId: string, auth: SdkAuth, body: unknown) =>
  call(workflowImport.POST, "POST", `/projects/${projectId}/api/workflows/config`, { projectId }, auth, body);

describe("the configuration API", () => {
  it("exports a resource and a workflow, imports them into another project (201), and exports the same documents there", async () => {
    const source = await configuredProject();
    const resource = await getResourceConfig(source.projectId, source.resourceId, key(source));
    expect(resource.status).toBe(200);
    const workflow = await getWorkflowConfig(source.projectId, source.workflowId, key(source));
    expect(workflow.status).toBe(200);
    for (const document of [resource.json, workflow.json]) {
      const text = JSON.stringify(document);
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(SIGNING_SECRET);
    }
    expect(resource.json).toMatchObject({
      kind: "resource",
      version: 1,
      config: { oauth: { clientSecret: { $secret: "client_secret" } } },
      webhook: { signingSecret: { $secret: "webhook_secret" } },
    });

    const target = await projectWithKey();
    const imported = await postResourceConfig(target.projectId, key(target), resource.json);
    expect(imported.status).toBe(201);
    const resourceId = imported.json!.id as string;
    expect(await listResourceSecretNames({ resourceId })).toEqual([]);
    expect((await getResource({ projectId: target.projectId, resourceId }))!.status).toBe("draft");
    const importedWorkflow = await postWorkflowConfig(target.projectId, key(target), workflow.json);
    expect(importedWorkflow.status).toBe(201);
    const workflowId = importedWorkflow.json!.id as string;
    expect((await getWorkflow({ projectId: target.projectId, workflowId }))!.deployedVersion).toBeNull();

    expect((await getResourceConfig(target.projectId, resourceId, key(target))).json).toEqual(resource.json);
    expect((await getWorkflowConfig(target.projectId, workflowId, key(target))).json).toEqual(workflow.json);
  });

  it("PUT replaces the draft configuration, never the published one or a secret, and answers the new document", async () => {
    const project = await configuredProject();
    const before = (await getResource({ projectId: project.projectId, resourceId: project.resourceId }))!;
    const secrets = (await listResourceSecretNames({ resourceId: project.resourceId })).sort();
    const document = (await getResourceConfig(project.projectId, project.resourceId, key(project))).json!;
    const changed = {
      ...document,
      config: {
        ...(document.config as object),
        request: { ...(document.config as { request: object }).request, baseUrl: "https://tasklab.example/api/v2" },
      },
    };
    const response = await putResourceConfig(project.projectId, project.resourceId, key(project), changed);
    expect(response.status).toBe(200);
    expect(response.json).toEqual(changed);
    const after = (await getResource({ projectId: project.projectId, resourceId: project.resourceId }))!;
    expect(after.config.request?.baseUrl).toBe("https://tasklab.example/api/v2");
    expect(after.published).toEqual(before.published);
    expect((await listResourceSecretNames({ resourceId: project.resourceId })).sort()).toEqual(secrets);

    const workflow = (await getWorkflowConfig(project.projectId, project.workflowId, key(project))).json!;
    const renamed = { ...workflow, name: "On every new task" };
    expect((await putWorkflowConfig(project.projectId, project.workflowId, key(project), renamed)).json).toEqual(renamed);

    // A refused PUT changes nothing: a step on a resource the project does not have, a secret value.
    const unknownResource = { ...renamed, name: "Broken", steps: [{ ...(workflow.steps as object[])[0], resource: "Billing" }] };
    const refused = await putWorkflowConfig(project.projectId, project.workflowId, key(project), unknownResource);
    expect({ status: refused.status, code: refused.json?.error?.code, message: refused.json?.error?.message }).toEqual({
      status: 400,
      code: "invalid_input",
      message: 'This project has no resource named "Billing": import or create them first.',
    });
    expect((await getWorkflow({ projectId: project.projectId, workflowId: project.workflowId }))!.name).toBe("On every new task");
    const config = document.config as { oauth: object; request: object };
    const withSecret = { ...document, name: "Leaky", config: { ...config, oauth: { ...config.oauth, clientSecret: "s3cr3t" } } };
    expect((await putResourceConfig(project.projectId, project.resourceId, key(project), withSecret)).json?.error?.fields).toHaveProperty([
      "config.oauth.clientSecret",
    ]);
    expect((await getResource({ projectId: project.projectId, resourceId: project.resourceId }))!.name).toBe("TaskLab");
  });

  it("refuses a User Token (403), no key (401) and a revoked or unknown key (401)", async () => {
    const project = await configuredProject();
    const token = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "user-1" } });
    const document = (await getResourceConfig(project.projectId, project.resourceId, key(project))).json!;
    const cases: [SdkAuth, number, string][] = [
      [{ token }, 403, "secret_key_required"],
      [null, 401, "missing_secret_key"],
      [{ secretKey: `sk_${"x".repeat(43)}` }, 401, "invalid_secret_key"],
    ];
    for (const [auth, status, code] of cases) {
      for (const response of [
        await getResourceConfig(project.projectId, project.resourceId, auth),
        await putResourceConfig(project.projectId, project.resourceId, auth, { ...document, name: "Renamed" }),
        await postResourceConfig(project.projectId, auth, { ...document, name: "Copy" }),
        await getWorkflowConfig(project.projectId, project.workflowId, auth),
        await postWorkflowConfig(project.projectId, auth, {}),
      ]) {
        expect({ status: response.status, code: response.json?.error?.code }).toEqual({ status, code });
      }
    }
    expect((await listResources({ projectId: project.projectId })).map((resource) => resource.name)).toEqual(["TaskLab"]);
  });

  it("answers 404 for another project's resource and workflow IDs, and for its key", async () => {
    const project = await configuredProject();
    const other = await projectWithKey();
    const document = (await getResourceConfig(project.projectId, project.resourceId, key(project))).json!;
    const cases = [
      await getResourceConfig(other.projectId, project.resourceId, key(other)),
      await putResourceConfig(other.projectId, project.resourceId, key(other), document),
      await getWorkflowConfig(other.projectId, project.workflowId, key(other)),
      await putWorkflowConfig(other.projectId, project.workflowId, key(other), {}),
      await getResourceConfig(other.projectId, "not-a-uuid", key(other)),
    ];
    expect(cases.map((response) => [response.status, response.json?.error?.code])).toEqual([
      [404, "resource_not_found"],
      [404, "resource_not_found"],
      [404, "workflow_not_found"],
      [404, "workflow_not_found"],
      [404, "resource_not_found"],
    ]);
    // Another project's key does not open this one.
    expect((await getResourceConfig(project.projectId, project.resourceId, key(other))).status).toBe(401);
    expect((await getResource({ projectId: project.projectId, resourceId: project.resourceId }))!.name).toBe("TaskLab");
  });

  it("refuses bodies that are not documents with a 4xx and creates nothing", async () => {
    const project = await configuredProject();
    const target = await projectWithKey();
    const resource = (await getResourceConfig(project.projectId, project.resourceId, key(project))).json!;
    const workflow = (await getWorkflowConfig(project.projectId, project.workflowId, key(project))).json!;
    const cases: [
      Promise<{ status: number; json?: { error?: { code: string; fields?: Record<string, string> } } }>,
      number,
      string,
      string?,
    ][] = [
      [postResourceConfig(target.projectId, key(target), "{not json"), 400, "invalid_json"],
      [postResourceConfig(target.projectId, key(target), resource, { "content-type": "text/plain" }), 415, "unsupported_media_type"],
      [postResourceConfig(target.projectId, key(target), [resource]), 400, "invalid_body"],
      [postResourceConfig(target.projectId, key(target), workflow), 400, "invalid_input", "kind"],
      [postResourceConfig(target.projectId, key(target), { ...resource, extra: true }), 400, "invalid_input", "extra"],
      [
        postResourceConfig(target.projectId, key(target), '{"kind":"resource","version":1,"__proto__":{"admin":true}}'),
        400,
        "invalid_input",
        "__proto__",
      ],
      [postResourceConfig(target.projectId, key(target), { ...resource, name: "x".repeat(2 * 1024 * 1024) }), 413, "payload_too_large"],
      [postWorkflowConfig(target.projectId, key(target), workflow), 400, "invalid_input", "steps.0.resource"],
      [postWorkflowConfig(target.projectId, key(target), resource), 400, "invalid_input", "kind"],
    ];
    for (const [pending, status, code, field] of cases) {
      const response = await pending;
      expect({ status: response.status, code: response.json?.error?.code }).toEqual({ status, code });
      if (field) expect(response.json?.error?.fields).toHaveProperty([field]);
    }
    expect(await listResources({ projectId: target.projectId })).toEqual([]);
    expect(await listWorkflows({ projectId: target.projectId })).toEqual([]);
  });
});
