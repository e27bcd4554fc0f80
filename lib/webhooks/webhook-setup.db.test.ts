import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb, rowsOf } from "@/db/client";
import { getResource, getResourceSecretCiphertexts } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { listWorkflows } from "@/db/queries/workflows";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { settle } from "@/test/support/action-result";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { waitFor } from "@/test/support/workflow-fixtures";
import { decryptResourceSecret } from "@/lib/resources/secrets";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { describeTrigger } from "@/lib/workflows/definition";
import { createWorkflowDraft, loadWorkflowEditor, saveWorkflow } from "@/lib/workflows/workflows";
import { getSessionUser } from "@/server/session";
import { saveWebhookSetup as saveWebhookSetupAction } from "@/app/(dashboard)/projects/[projectId]/resources/[resourceId]/webhooks/actions";
import { receiveWebhook } from "./intake";
import { WEBHOOK_SECRET } from "./settings";
import { generateStandardWebhooksSecret, type WebhookSetupInput, webhookTemplateVariables } from "./setup-schema";
import { getWebhookEventView, keepWebhookEventAsSample, loadWebhookSetup, pollWebhookTestEvent, saveWebhookSetup } from "./setup";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The Webhook Setup page's save path, Listen for test event and Use as sample, through the
// same lib calls its actions make (and one action, for who may call it), on a real PGlite.

// Runs are the engine's business (pg-boss): no workflow is deployed here, nothing is enqueued.
vi.mock("@/lib/workflows/jobs", () => ({ enqueueStep: vi.fn(async () => {}), syncWorkflowSchedule: vi.fn(async () => {}) }));
// The action adapter reads the session from next-auth; here the test says who is signed in.
vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let tasklab: TaskLab;
beforeAll(async () => {
  // The database starts (and migrates) once, before the first test's clock runs.
  await getDb();
  tasklab = await startTaskLab();
});
afterAll(() => tasklab.close());
beforeEach(() => vi.mocked(getSessionUser).mockReset());

/** The database's clock, which stamps events' received_at and says when listening starts (ms). */
async function databaseNow(): Promise<number> {
  const [row] = rowsOf<{ now: string | Date }>(await (await getDb()).execute(sql`select clock_timestamp() as now`));
  return new Date(row!.now).getTime();
}

async function setup() {
  const { projectId } = await projectWithSigningKey();
  const resourceId = await publishedTaskLabResource(projectId, tasklab);
  return { projectId, resourceId };
}

function standardWebhooks(secret: string, overrides: Partial<WebhookSetupInput> = {}): WebhookSetupInput {
  return {
    signature: { kind: "standard_webhooks" },
    signingSecret: secret,
    eventTypeTemplate: "{{payload.type}}",
    eventTypes: ["task.created", "task.completed"],
    userMatchTemplate: "{{payload.account_id}}",
    userMatchField: { kind: "user_id" },
    eventIdTemplate: "{{headers.webhook-id}}",
    ...overrides,
  };
}

const hmac = {
  kind: "hmac" as const,
  header: "X-Signature-256",
  algorithm: "sha256" as const,
  encoding: "hex" as const,
  prefix: "sha256=",
  content: "body" as const,
  timestampHeader: "",
  toleranceSeconds: 300,
};

/** An event as the team's API sends it to the webhook URL, signed with Standard Webhooks. */
function signedEvent({
  projectId,
  resourceId,
  secret,
  payload,
}: {
  projectId: string;
  resourceId: string;
  secret: string;
  payload: unknown;
}) {
  const body = JSON.stringify(payload);
  const id = `msg_${randomUUID()}`;
  const timestamp = new Date();
  return new Request(`http://switchboard.test/projects/${projectId}/resources/${resourceId}/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
    },
    body,
  });
}

describe("generateStandardWebhooksSecret", () => {
  it("makes whsec_ and base64 of 24 random bytes, which the standardwebhooks library signs and verifies with", () => {
    const secret = generateStandardWebhooksSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(24);
    expect(generateStandardWebhooksSecret()).not.toBe(secret);
    const webhook = new Webhook(secret);
    // One clock reading for the signature and its timestamp header: two could fall either side of a second.
    const at = new Date();
    const signature = webhook.sign("msg_1", at, "{}");
    expect(
      webhook.verify("{}", {
        "webhook-id": "msg_1",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      }),
    ).toEqual({});
  });
});

describe("saveWebhookSetup", () => {
  it("refuses an unknown variable naming it, HMAC without a signing secret and a malformed whsec_ secret, and saves nothing", async () => {
    const { projectId, resourceId } = await setup();
    const unknown = await settle(
      saveWebhookSetup({
        projectId,
        resourceId,
        values: standardWebhooks(generateStandardWebhooksSecret(), { eventTypeTemplate: "{{body.type}}" }),
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(unknown).toEqual({ ok: false, fieldErrors: { eventTypeTemplate: [expect.stringContaining('Unknown variable "body.type"')] } });

    const noSecret = await settle(
      saveWebhookSetup({ projectId, resourceId, values: standardWebhooks("", { signature: hmac }), actor: SYSTEM_ACTOR }),
    );
    expect(noSecret).toEqual({ ok: false, fieldErrors: { signingSecret: ["Enter the signing secret your API signs with."] } });

    // Shown together with the settings' own errors, so the form lists them all at once.
    const both = await settle(
      saveWebhookSetup({ projectId, resourceId, values: standardWebhooks("", { signature: hmac, eventTypes: [] }), actor: SYSTEM_ACTOR }),
    );
    expect(both).toEqual({
      ok: false,
      fieldErrors: { eventTypes: ["List at least one event type."], signingSecret: ["Enter the signing secret your API signs with."] },
    });
    expect(await settle(saveWebhookSetup({ projectId, resourceId, values: null, actor: SYSTEM_ACTOR }))).toMatchObject({
      ok: false,
      formError: expect.any(String),
    });

    const malformed = await settle(
      saveWebhookSetup({ projectId, resourceId, values: standardWebhooks("whsec_not base64!"), actor: SYSTEM_ACTOR }),
    );
    expect(malformed).toEqual({ ok: false, fieldErrors: { signingSecret: [expect.stringContaining("whsec_ followed by base64")] } });

    // A User-Level resource must say where an event names its user; event types are listed once.
    const noUser = await settle(
      saveWebhookSetup({
        projectId,
        resourceId,
        values: standardWebhooks(generateStandardWebhooksSecret(), { userMatchTemplate: "", eventTypes: ["a.b", "a.b"] }),
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(noUser).toEqual({
      ok: false,
      fieldErrors: { userMatchTemplate: [expect.stringContaining("{{payload.account_id}}")], "eventTypes.1": ['"a.b" is listed twice.'] },
    });

    expect((await getResource({ projectId, resourceId }))?.webhook).toBeNull();
    expect((await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).size).toBe(0);
  });

  it("stores the signing secret encrypted and the page's loader never returns it; an empty field keeps it, None removes it", async () => {
    const { projectId, resourceId } = await setup();
    const secret = generateStandardWebhooksSecret();
    expect(await settle(saveWebhookSetup({ projectId, resourceId, values: standardWebhooks(secret), actor: SYSTEM_ACTOR }))).toEqual({
      ok: true,
      data: { secretSet: true },
    });

    const ciphertext = (await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).get(WEBHOOK_SECRET)!;
    expect(ciphertext).not.toContain(secret.slice("whsec_".length));
    expect(decryptResourceSecret(resourceId, WEBHOOK_SECRET, ciphertext)).toBe(secret);
    const resource = (await getResource({ projectId, resourceId }))!;
    expect(resource.webhook).toEqual({
      signature: { kind: "standard_webhooks" },
      eventTypeTemplate: "{{payload.type}}",
      eventTypes: ["task.created", "task.completed"],
      userMatchTemplate: "{{payload.account_id}}",
      userMatchField: { kind: "user_id" },
      eventIdTemplate: "{{headers.webhook-id}}",
    });
    expect(JSON.stringify(resource.webhook)).not.toContain(secret);

    const view = await loadWebhookSetup({ resource });
    const shown = JSON.stringify(view);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(secret.slice("whsec_".length));
    expect(shown).not.toContain(ciphertext);
    expect(view.values.signingSecret).toBe("");
    expect(view.context).toEqual({ level: "user", savedSecretKind: "standard_webhooks" });
    expect(view).toMatchObject({ published: true, configured: true, level: "user" });

    // Saving again with the field empty keeps the secret; the intake verifies with it.
    expect(
      await settle(
        saveWebhookSetup({ projectId, resourceId, values: { ...view.values, eventTypes: ["task.created"] }, actor: SYSTEM_ACTOR }),
      ),
    ).toMatchObject({ ok: true });
    expect((await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).get(WEBHOOK_SECRET)).toBe(ciphertext);
    const receipt = await receiveWebhook({
      projectId,
      resourceId,
      request: signedEvent({ projectId, resourceId, secret, payload: { type: "task.created" } }),
    });
    expect(receipt).toMatchObject({ received: true, duplicate: false, eventType: "task.created", matched: false });

    // That secret is Standard Webhooks': switching to HMAC needs one of its own.
    expect(
      await settle(saveWebhookSetup({ projectId, resourceId, values: { ...view.values, signature: hmac }, actor: SYSTEM_ACTOR })),
    ).toEqual({
      ok: false,
      fieldErrors: { signingSecret: ["Enter the signing secret your API signs with."] },
    });
    // The header name is stored lower-case, as the intake reads headers.
    expect(
      await settle(
        saveWebhookSetup({
          projectId,
          resourceId,
          values: { ...view.values, signature: hmac, signingSecret: "hmac-secret" },
          actor: SYSTEM_ACTOR,
        }),
      ),
    ).toMatchObject({
      ok: true,
    });
    expect((await getResource({ projectId, resourceId }))?.webhook?.signature).toEqual({ ...hmac, header: "x-signature-256" });

    expect(
      await settle(
        saveWebhookSetup({ projectId, resourceId, values: { ...view.values, signature: { kind: "none" } }, actor: SYSTEM_ACTOR }),
      ),
    ).toEqual({
      ok: true,
      data: { secretSet: false },
    });
    expect((await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).size).toBe(0);
    expect((await loadWebhookSetup({ resource: (await getResource({ projectId, resourceId }))! })).context.savedSecretKind).toBeNull();
  });

  it("keeps the signing secret when the wizard's API Info changes and starts the later steps afresh", async () => {
    const { projectId, resourceId } = await setup();
    await saveWebhookSetup({ projectId, resourceId, values: standardWebhooks(generateStandardWebhooksSecret()), actor: SYSTEM_ACTOR });
    await saveResourceStep({
      projectId,
      resourceId,
      step: "api-info",
      values: { level: "app", authType: "api_keys", grantType: null },
      actor: SYSTEM_ACTOR,
    });
    expect((await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).size).toBe(1);
  });

  it("App-Level resources need no user matching", async () => {
    const { projectId } = await projectWithSigningKey();
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "app-api-keys");
    const result = await settle(
      saveWebhookSetup({
        projectId,
        resourceId,
        values: standardWebhooks(generateStandardWebhooksSecret(), { userMatchTemplate: "" }),
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(result).toEqual({ ok: true, data: { secretSet: true } });
    expect((await loadWebhookSetup({ resource: (await getResource({ projectId, resourceId }))! })).level).toBe("app");
  });

  it("the action refuses a member of another project, and a resource of another project named under one's own", async () => {
    const { projectId, resourceId } = await setup();
    const email = `other-${randomUUID()}@example.test`;
    const other = (await createUserWithProject({ email, passwordHash: "x", projectName: "Other" }))!;
    const otherMember = { id: other.user.id, email };
    const values = standardWebhooks(generateStandardWebhooksSecret());

    vi.mocked(getSessionUser).mockResolvedValue(otherMember);
    expect(await saveWebhookSetupAction({ projectId, resourceId, values })).toEqual({ ok: false, formError: "Project not found." });
    expect(await saveWebhookSetupAction({ projectId: other.projectId, resourceId, values })).toEqual({
      ok: false,
      formError: "No resource with this ID in this project.",
    });
    expect((await getResource({ projectId, resourceId }))?.webhook).toBeNull();
    expect((await getResourceSecretCiphertexts({ resourceId, names: [WEBHOOK_SECRET] })).size).toBe(0);

    vi.mocked(getSessionUser).mockResolvedValue(null);
    expect(await saveWebhookSetupAction({ projectId, resourceId, values })).toEqual({
      ok: false,
      formError: "Your session has ended. Sign in again.",
    });
  });
});

describe("Listen for test event and Use as sample", () => {
  it("shows the next event (type, headers without the signature, payload), keeps it as the sample, and the editor lists trigger.payload.* from it", async () => {
    const { projectId, resourceId } = await setup();
    const secret = generateStandardWebhooksSecret();
    await saveWebhookSetup({ projectId, resourceId, values: standardWebhooks(secret), actor: SYSTEM_ACTOR });

    // An event before listening started is not the test event.
    await receiveWebhook({
      projectId,
      resourceId,
      request: signedEvent({ projectId, resourceId, secret, payload: { type: "task.completed" } }),
    });
    const { since } = await pollWebhookTestEvent({ projectId, resourceId });
    expect(await pollWebhookTestEvent({ projectId, resourceId, since: new Date(since) })).toEqual({ since, event: null });

    const payload = { type: "task.created", account_id: "acct_9", task: { id: "t_1", title: "Write the report" } };
    // Listening starts at the next millisecond by the database's clock; the test event comes after
    // it, as a user's would: wait for that clock to pass it (no fixed pause, however short).
    await waitFor("the database's clock to pass the listening start", databaseNow, (now) => now > Date.parse(since), {
      intervalMs: 1,
    });
    await receiveWebhook({ projectId, resourceId, request: signedEvent({ projectId, resourceId, secret, payload }) });
    const { event } = await pollWebhookTestEvent({ projectId, resourceId, since: new Date(since) });
    expect(event).toMatchObject({
      eventType: "task.created",
      payload,
      matched: false,
      userId: null,
      signatureOk: true,
      rejectedReason: null,
      runCount: 0,
    });
    expect(event?.headers).toMatchObject({ "webhook-id": expect.stringMatching(/^msg_/), "content-type": "application/json" });
    expect(event?.headers).not.toHaveProperty("webhook-signature");

    await keepWebhookEventAsSample({ projectId, resourceId, eventId: event!.id });
    const resource = (await getResource({ projectId, resourceId }))!;
    expect(resource.webhookSample).toEqual({ type: "task.created", headers: event!.headers, payload });
    // The Webhook Setup page's template menus now list the sample's fields.
    expect(webhookTemplateVariables(resource.webhookSample)).toEqual(
      expect.arrayContaining(["payload.account_id", "payload.task.id", "headers.webhook-id"]),
    );

    // A workflow on "TaskLab … Triggers → task.created": its variables come from the sample event.
    const { workflowId } = await createWorkflowDraft({ projectId, name: "On task created", actor: SYSTEM_ACTOR });
    const step = {
      key: "get_task",
      type: "request" as const,
      resourceId,
      method: "GET" as const,
      path: "/tasks/{{trigger.payload.task.id}}",
      query: [],
      headers: [],
      body: "",
      retries: true,
    };
    const trigger = { kind: "resource_event" as const, resourceId, eventType: "task.created" };
    expect(
      await settle(
        saveWorkflow({
          projectId,
          workflowId,
          values: { name: "On task created", trigger, sampleTrigger: "", steps: [step] },
          actor: SYSTEM_ACTOR,
        }),
      ),
    ).toMatchObject({
      ok: true,
    });
    const view = await loadWorkflowEditor({ projectId, workflowId });
    expect(view?.variables["steps.0"]).toEqual(
      expect.arrayContaining(["trigger.type", "trigger.payload.task.id", "trigger.payload.account_id", "trigger.headers.webhook-id"]),
    );
    expect(view?.triggerResources).toEqual([
      { id: resourceId, name: resource.name, eventTypes: ["task.created", "task.completed"], hasSample: true },
    ]);
    // Test runs with the sample event.
    expect(view?.values.sampleTrigger && JSON.parse(view.values.sampleTrigger)).toEqual({
      type: "task.created",
      payload,
      headers: event!.headers,
    });

    // A misspelled field of the sample is refused, naming it.
    const misspelled = await settle(
      saveWorkflow({
        projectId,
        workflowId,
        values: { name: "On task created", trigger, sampleTrigger: "", steps: [{ ...step, path: "/tasks/{{trigger.payload.task.idd}}" }] },
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(misspelled).toEqual({ ok: false, fieldErrors: { "steps.0.path": [expect.stringContaining("trigger.payload.task.idd")] } });

    // The Workflows list names the trigger.
    const [listed] = await listWorkflows({ projectId });
    expect(describeTrigger(listed!.trigger!, listed!.triggerResourceName ?? undefined)).toBe(`${resource.name} Triggers → task.created`);
  });

  it("shows a rejected event's reason without its content, and refuses it as the sample; events of another resource are not found", async () => {
    const { projectId, resourceId } = await setup();
    await saveWebhookSetup({ projectId, resourceId, values: standardWebhooks(generateStandardWebhooksSecret()), actor: SYSTEM_ACTOR });
    const { since } = await pollWebhookTestEvent({ projectId, resourceId });
    const forged = signedEvent({ projectId, resourceId, secret: generateStandardWebhooksSecret(), payload: { type: "task.created" } });
    await expect(receiveWebhook({ projectId, resourceId, request: forged })).rejects.toMatchObject({ code: "invalid_signature" });

    const { event } = await pollWebhookTestEvent({ projectId, resourceId, since: new Date(since) });
    expect(event).toMatchObject({
      signatureOk: false,
      matched: false,
      headers: null,
      payload: null,
      rejectedReason: expect.stringContaining("Signature"),
    });
    expect(await settle(keepWebhookEventAsSample({ projectId, resourceId, eventId: event!.id }))).toEqual({
      ok: false,
      formError: "This event was rejected and its content was not kept: send another one.",
    });

    const otherResourceId = await publishedTaskLabResource(projectId, tasklab);
    expect(await settle(getWebhookEventView({ projectId, resourceId: otherResourceId, eventId: event!.id }))).toEqual({
      ok: false,
      formError: "No event with this ID was received by this resource.",
    });
    expect(await settle(keepWebhookEventAsSample({ projectId, resourceId: otherResourceId, eventId: event!.id }))).toMatchObject({
      ok: false,
    });
    expect(await settle(pollWebhookTestEvent({ projectId: (await projectWithSigningKey()).projectId, resourceId }))).toEqual({
      ok: false,
      formError: "No resource with this ID in this project.",
    });
  });
});

describe("Resource Triggers in the workflow editor", () => {
  it("refuses at trigger.eventType an event type the resource does not list, and a resource without webhook settings or of another project", async () => {
    const { projectId, resourceId } = await setup();
    await saveWebhookSetup({ projectId, resourceId, values: standardWebhooks(generateStandardWebhooksSecret()), actor: SYSTEM_ACTOR });
    const { workflowId } = await createWorkflowDraft({ projectId, name: "On task deleted", actor: SYSTEM_ACTOR });
    const save = (trigger: unknown) =>
      settle(
        saveWorkflow({
          projectId,
          workflowId,
          values: { name: "On task deleted", trigger, sampleTrigger: "", steps: [] },
          actor: SYSTEM_ACTOR,
        }),
      );

    const unlisted = await save({ kind: "resource_event", resourceId, eventType: "task.deleted" });
    expect(unlisted).toEqual({
      ok: false,
      fieldErrors: { "trigger.eventType": [expect.stringContaining('"task.deleted" is not one of')] },
    });
    if (!unlisted.ok) expect(unlisted.fieldErrors?.["trigger.eventType"]?.[0]).toContain("task.created, task.completed");

    const withoutWebhooks = await publishedTaskLabResource(projectId, tasklab);
    const draftOnly = (await createResourceDraft({ projectId, values: { name: `Draft ${randomUUID().slice(0, 8)}` }, actor: SYSTEM_ACTOR }))
      .resourceId;
    const foreign = await setup();
    await saveWebhookSetup({
      projectId: foreign.projectId,
      resourceId: foreign.resourceId,
      values: standardWebhooks(generateStandardWebhooksSecret()),
      actor: SYSTEM_ACTOR,
    });
    for (const id of [withoutWebhooks, draftOnly, foreign.resourceId]) {
      expect(await save({ kind: "resource_event", resourceId: id, eventType: "task.created" })).toEqual({
        ok: false,
        fieldErrors: { "trigger.eventType": [expect.stringContaining("not a published resource of this project with webhooks set up")] },
      });
    }
    expect((await loadWorkflowEditor({ projectId, workflowId }))?.values.trigger).toBeNull();

    expect(await save({ kind: "resource_event", resourceId, eventType: "task.completed" })).toMatchObject({ ok: true });
    const view = await loadWorkflowEditor({ projectId, workflowId });
    expect(view?.values.trigger).toEqual({ kind: "resource_event", resourceId, eventType: "task.completed" });
    // No sample event yet: the menu still offers the trigger's roots.
    expect(view?.variableContext.triggerResources?.find((resource) => resource.id === resourceId)?.sample).toBeNull();
  });
});
