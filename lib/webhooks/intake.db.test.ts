import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/projects/[projectId]/resources/[resourceId]/webhook/route";
import { getDb } from "@/db/client";
import { setUserWorkflowEnabled } from "@/db/queries/workflows";
import { webhookEvents, workflowRuns, type WebhookEvent, type WorkflowRun } from "@/db/schema";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { signWebhook, startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { setUpWebhooks as saveWebhooks, taskLabWebhookSettings } from "@/test/support/webhook-fixtures";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { alwaysStep } from "@/test/support/sdk-route-fixtures";
import { deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { connectUser } from "@/lib/connections/connect";
import { createResourceDraft } from "@/lib/resources/save-step";
import { stopJobQueue } from "@/lib/jobs/queue";
import { getRunDetail, type RunDetail } from "@/lib/workflows/runs";
import { startWorkers } from "@/lib/jobs/workers";
import { deleteExpiredWebhookEvents, MAX_WEBHOOK_BYTES } from "./intake";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// Webhook intake through its route handler, with real Requests, on a real database (PGlite, and
// PostgreSQL when DATABASE_URL is set) with the engine's workers running: events signed the way
// TaskLab signs them (the standardwebhooks package, or HMAC with node:crypto), the rows they
// leave, the runs they start and what those runs send to TaskLab.

let tasklab: TaskLab;
let projectId: string;

beforeAll(async () => {
  tasklab = await startTaskLab();
  ({ projectId } = await projectWithSigningKey());
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await tasklab?.close();
});

// ---- helpers ---------------------------------------------------------------------------------

const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const settings = taskLabWebhookSettings;

/** Saves the resource's webhook settings and signing secret as the Webhook Setup page does. */
const setUpWebhooks = (resourceId: string, webhook: StoredWebhookSettings, secret?: string) =>
  saveWebhooks({ projectId, resourceId, webhook, secret });

type Body = Record<string, unknown> & { error?: { code: string; message: string } };

/** POSTs to the intake route handler with a real Request. */
async function deliver(
  resourceId: string,
  body: BodyInit,
  headers: Record<string, string>,
  { project = projectId }: { project?: string } = {},
): Promise<{ status: number; json: Body }> {
  const request = new Request(`http://switchboard.test/projects/${project}/resources/${resourceId}/webhook`, {
    method: "POST",
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await POST(request, { params: Promise.resolve({ projectId: project, resourceId }) });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Body };
}

/** A TaskLab event `{ type, ...payload }` signed with Standard Webhooks, delivered to the route. */
function send(
  resourceId: string,
  secret: string,
  type: string,
  payload: Record<string, unknown>,
  { id, at, headers = {} }: { id?: string; at?: Date; headers?: Record<string, string> } = {},
) {
  const signed = signWebhook({ secret, type, payload, id, at });
  return deliver(resourceId, signed.body, { ...signed.headers, ...headers });
}

async function eventsOf(resourceId: string): Promise<WebhookEvent[]> {
  const db = await getDb();
  return db
    .select()
    .from(webhookEvents)
    .where(eq(webhookEvents.resourceId, resourceId))
    .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id));
}

/** Runs `action` and answers the resource's event rows it added. */
async function newEvents(resourceId: string, action: () => Promise<void>): Promise<WebhookEvent[]> {
  const before = new Set((await eventsOf(resourceId)).map((event) => event.id));
  await action();
  return (await eventsOf(resourceId)).filter((event) => !before.has(event.id));
}

async function eventWithId(resourceId: string, eventId: string): Promise<WebhookEvent[]> {
  return (await eventsOf(resourceId)).filter((event) => event.eventId === eventId);
}

async function runsOfWorkflow(workflowId: string): Promise<WorkflowRun[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowRuns)
    .where(eq(workflowRuns.workflowId, workflowId))
    .orderBy(asc(workflowRuns.createdAt), asc(workflowRuns.id));
}

async function allRuns(): Promise<WorkflowRun[]> {
  const db = await getDb();
  return db.select().from(workflowRuns).where(eq(workflowRuns.projectId, projectId));
}

/** The intake's outcomes counted in this process's metrics (the ones these tests produce). */
async function webhookCounts(): Promise<Record<string, number>> {
  const metrics = await currentMetrics();
  const outcomes = [
    "accepted",
    "duplicate",
    "unmatched",
    "invalid_signature",
    "invalid_webhook",
    "payload_too_large",
    "resource_not_found",
  ];
  return Object.fromEntries(outcomes.map((outcome) => [outcome, sampleValue(metrics, "switchboard_webhook_events_total", { outcome })]));
}

/** Runs `action` and answers how each outcome's count moved, the unmoved left out. */
async function countedWebhooks(action: () => Promise<void>): Promise<Record<string, number>> {
  const before = await webhookCounts();
  await action();
  const after = await webhookCounts();
  return Object.fromEntries(
    Object.entries(after).flatMap(([outcome, count]) => (count === before[outcome] ? [] : [[outcome, count - before[outcome]!]])),
  );
}

const FINISHED = ["succeeded", "failed", "stopped", "cancelled"];

function finished(runId: string, timeoutMs = 20_000): Promise<RunDetail> {
  return waitFor(
    `run ${runId} to finish`,
    () => getRunDetail({ projectId, runId }),
    (detail) => FINISHED.includes(detail.run.status),
    { timeoutMs },
  );
}

/** Connects `userId` to the resource with TaskLab tokens of TaskLab user `tasklabUser` (its /me is the User Profile). */
async function connect(resourceId: string, userId = unique("customer"), tasklabUser?: string): Promise<string> {
  const tokens = tasklab.issueTokens(tasklabUser);
  await connectUser({
    project: { id: projectId, allowPrivateNetwork: true },
    resourceId,
    userId,
    body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
    actor: SYSTEM_ACTOR,
  });
  return userId;
}

/** A new task in TaskLab (its id is unique, so the GET a run sends for it can be told apart). */
async function newTask(title: string): Promise<string> {
  const response = await fetch(`${tasklab.url}/api/tasks`, {
    method: "POST",
    headers: { authorization: `Bearer ${tasklab.issueTokens().accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const getsOf = (taskId: string) =>
  tasklab.apiRequests.filter((request) => request.method === "GET" && request.path === `/api/tasks/${taskId}`);

const accepted = (overrides: Record<string, unknown> = {}) => ({
  received: true,
  duplicate: false,
  eventType: "task.created",
  matched: true,
  ...overrides,
});

// ---- a User-Level resource with Standard Webhooks --------------------------------------------

describe("a published User-Level resource with Standard Webhooks", () => {
  const secret = newSecret();
  let resourceId: string;
  let onCreated: string;
  let onUpdated: string;

  beforeAll(async () => {
    resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth");
    await setUpWebhooks(resourceId, settings(), secret);
    onCreated = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [requestStep(resourceId, "get_task", "GET", "/tasks/{{trigger.payload.task.id}}")],
    });
    onUpdated = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.updated" },
      steps: [alwaysStep],
    });
  });

  it("answers 200 at once, stores the event and runs the workflow on its type for the user, whose step reads the payload", async () => {
    const userId = await connect(resourceId);
    const taskId = await newTask("From a webhook");
    const payload = { account_id: userId, task: { id: taskId, title: "From a webhook" } };
    const response = await send(resourceId, secret, "task.created", payload, {
      id: "msg_first",
      headers: { authorization: "Bearer must-not-be-kept", "x-tasklab-delivery": "d-1" },
    });

    expect(response.status).toBe(200);
    expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    const runId = (response.json.runIds as string[])[0]!;

    // The event row: type, user, matched, signature ok, the payload and headers without credentials or the signature.
    const [event, ...more] = await eventWithId(resourceId, "msg_first");
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      projectId,
      eventType: "task.created",
      userId,
      matched: true,
      signatureOk: true,
      rejectedReason: null,
      payload: { type: "task.created", ...payload },
      runIds: [runId],
    });
    expect(event!.headers).toMatchObject({
      "webhook-id": "msg_first",
      "webhook-timestamp": expect.stringMatching(/^\d+$/),
      "x-tasklab-delivery": "d-1",
    });
    expect(Object.keys(event!.headers!)).not.toContain("webhook-signature");
    expect(Object.keys(event!.headers!)).not.toContain("authorization");

    // One run, of the task.created workflow only, for the user, on version 1, with the event as its trigger.
    expect(await runsOfWorkflow(onUpdated)).toEqual([]);
    const detail = await finished(runId);
    expect(detail.run).toMatchObject({
      workflowId: onCreated,
      userId,
      version: 1,
      status: "succeeded",
      trigger: {
        kind: "resource_event",
        input: { type: "task.created", payload: { type: "task.created", ...payload }, headers: event!.headers },
      },
    });
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]).toMatchObject({
      stepKey: "get_task",
      status: "succeeded",
      output: { status: 200, body: { id: taskId, title: "From a webhook" } },
    });
    // TaskLab saw the request for exactly this task, through the user's connection.
    expect(getsOf(taskId).map((request) => request.idempotencyKey)).toEqual([`${runId}:get_task`]);
  });

  it("a second event with the same Event ID answers 200 duplicate and starts nothing, even with another body", async () => {
    const userId = await connect(resourceId);
    const taskId = await newTask("Sent twice");
    const counted = await countedWebhooks(async () => {
      const first = await send(resourceId, secret, "task.created", { account_id: userId, task: { id: taskId } }, { id: "msg_twice" });
      expect(first.json).toEqual(accepted({ runIds: [expect.any(String)] }));
      await finished((first.json.runIds as string[])[0]!);

      const again = await send(resourceId, secret, "task.created", { account_id: userId, task: { id: taskId } }, { id: "msg_twice" });
      expect(again.status).toBe(200);
      expect(again.json).toEqual(accepted({ duplicate: true, runIds: [] }));
      const changed = await send(resourceId, secret, "task.updated", { account_id: userId, task: { id: "task_1" } }, { id: "msg_twice" });
      expect(changed.status).toBe(200);
      expect(changed.json).toMatchObject({ duplicate: true, runIds: [] });
    });
    expect(counted).toEqual({ accepted: 1, duplicate: 2 });

    expect(await eventWithId(resourceId, "msg_twice")).toHaveLength(1);
    expect((await runsOfWorkflow(onCreated)).filter((run) => run.userId === userId)).toHaveLength(1);
    expect(await runsOfWorkflow(onUpdated)).toEqual([]);
    expect(getsOf(taskId)).toHaveLength(1);
  });

  it("an event for nobody connected is kept, unmatched, and runs nothing", async () => {
    const before = (await allRuns()).length;
    const counted = await countedWebhooks(async () => {
      const nobody = await send(
        resourceId,
        secret,
        "task.created",
        { account_id: "not-a-connected-user", task: { id: "task_1" } },
        { id: "msg_nobody" },
      );
      expect(nobody.status).toBe(200);
      expect(nobody.json).toEqual(accepted({ matched: false, runIds: [] }));
      const noKey = await send(resourceId, secret, "task.created", { task: { id: "task_1" } }, { id: "msg_no_account" });
      expect(noKey.json).toEqual(accepted({ matched: false, runIds: [] }));
    });
    expect(counted).toEqual({ unmatched: 2 });

    for (const id of ["msg_nobody", "msg_no_account"]) {
      const [event] = await eventWithId(resourceId, id);
      expect(event).toMatchObject({
        eventType: "task.created",
        userId: null,
        matched: false,
        signatureOk: true,
        rejectedReason: null,
        runIds: [],
      });
      expect(event!.payload).toMatchObject({ type: "task.created", task: { id: "task_1" } });
    }
    expect((await allRuns()).length).toBe(before);
  });

  it("runs nothing for a user who disabled the workflow, and still runs it for another user", async () => {
    const disabled = await connect(resourceId);
    const enabled = await connect(resourceId);
    expect(await setUserWorkflowEnabled({ projectId, workflowId: onCreated, userId: disabled, enabled: false, actor: SYSTEM_ACTOR })).toBe(
      true,
    );

    const off = await send(resourceId, secret, "task.created", { account_id: disabled, task: { id: "task_2" } }, { id: "msg_disabled" });
    expect(off.status).toBe(200);
    expect(off.json).toEqual(accepted({ matched: true, runIds: [] }));
    const [event] = await eventWithId(resourceId, "msg_disabled");
    expect(event).toMatchObject({ userId: disabled, matched: true, runIds: [] });

    const on = await send(resourceId, secret, "task.created", { account_id: enabled, task: { id: "task_2" } });
    expect(on.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    expect((await finished((on.json.runIds as string[])[0]!)).run).toMatchObject({ userId: enabled, status: "succeeded" });
    expect((await runsOfWorkflow(onCreated)).filter((run) => run.userId === disabled)).toEqual([]);
  });

  it("a bad signature answers 401 invalid_signature, keeps a rejected row without the payload or headers and runs nothing", async () => {
    const userId = await connect(resourceId);
    const before = (await allRuns()).length;
    const payload = { account_id: userId, task: { id: "task_1" } };
    const good = signWebhook({ secret, type: "task.created", payload, id: "msg_forged" });
    const cases: Array<{ body: string; headers: Record<string, string>; reason: RegExp }> = [
      // Signed with another secret.
      { ...signWebhook({ secret: newSecret(), type: "task.created", payload, id: "msg_forged" }), reason: /No matching signature/ },
      // Tampered after signing.
      { body: good.body.replace("task_1", "task_3"), headers: good.headers, reason: /No matching signature/ },
      // Signed 10 minutes ago (a replay).
      {
        ...signWebhook({ secret, type: "task.created", payload, id: "msg_forged", at: new Date(Date.now() - 10 * 60_000) }),
        reason: /timestamp too old/i,
      },
      // No signature at all.
      {
        body: good.body,
        headers: {
          "content-type": "application/json",
          "webhook-id": "msg_forged",
          "webhook-timestamp": good.headers["webhook-timestamp"]!,
        },
        reason: /./,
      },
    ];
    let rejected: WebhookEvent[] = [];
    const counted = await countedWebhooks(async () => {
      rejected = await newEvents(resourceId, async () => {
        // One at a time: the rows come in the cases' order.
        for (const { body, headers, reason } of cases) {
          const response = await deliver(resourceId, body, headers);
          expect(response.status).toBe(401);
          expect(response.json.error).toMatchObject({ code: "invalid_signature", message: expect.stringMatching(reason) });
        }
      });
    });
    expect(counted).toEqual({ invalid_signature: cases.length });
    expect(rejected).toHaveLength(cases.length);
    for (const [index, event] of rejected.entries()) {
      expect(event).toMatchObject({
        eventId: null,
        eventType: null,
        userId: null,
        matched: false,
        payload: null,
        headers: null,
        runIds: [],
      });
      expect(event.rejectedReason).toMatch(/^Signature: /);
      expect(event.rejectedReason).toMatch(cases[index]!.reason);
    }
    expect(await eventWithId(resourceId, "msg_forged")).toEqual([]);
    expect((await allRuns()).length).toBe(before);
  });

  it("refuses a body over 1 MB with 413, streamed or declared, and takes one of exactly 1 MB", async () => {
    const userId = await connect(resourceId);
    const before = (await allRuns()).length;
    const padded = (bytes: number) => {
      const skeleton = JSON.stringify({ type: "task.created", account_id: userId, task: { id: "task_1" }, pad: "" });
      return { account_id: userId, task: { id: "task_1" }, pad: "x".repeat(bytes - Buffer.byteLength(skeleton)) };
    };
    const over = signWebhook({ secret, type: "task.created", payload: padded(MAX_WEBHOOK_BYTES + 1) });
    expect(Buffer.byteLength(over.body)).toBe(MAX_WEBHOOK_BYTES + 1);

    // Streamed in chunks with no Content-Length: counted while reading.
    const chunks = Buffer.from(over.body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < chunks.length; offset += 64 * 1024) controller.enqueue(chunks.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await deliver(resourceId, stream, over.headers);
    expect(streamed.status).toBe(413);
    expect(streamed.json.error).toMatchObject({ code: "payload_too_large", message: "The body is over 1 MB." });
    // Declared too large: refused before reading (the small body sent is never looked at).
    const small = signWebhook({ secret, type: "task.created", payload: { account_id: userId, task: { id: "task_1" } } });
    const declared = await deliver(resourceId, small.body, { ...small.headers, "content-length": String(MAX_WEBHOOK_BYTES + 1) });
    expect(declared.status).toBe(413);
    expect(await eventWithId(resourceId, small.id)).toEqual([]);
    expect(await eventWithId(resourceId, over.id)).toEqual([]);

    const exact = signWebhook({ secret, type: "task.created", payload: padded(MAX_WEBHOOK_BYTES) });
    expect(Buffer.byteLength(exact.body)).toBe(MAX_WEBHOOK_BYTES);
    const taken = await deliver(resourceId, exact.body, exact.headers);
    expect(taken.status).toBe(200);
    expect(taken.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    expect((await allRuns()).length).toBe(before + 1);
  });

  it("answers 404 for an unknown resource id, a malformed one, and a resource of another project", async () => {
    const event = signWebhook({ secret, type: "task.created", payload: {} });
    for (const id of [randomUUID(), "not-a-uuid"]) {
      const response = await deliver(id, event.body, event.headers);
      expect(response.status).toBe(404);
      expect(response.json.error?.code).toBe("resource_not_found");
    }
    const { projectId: otherProject } = await projectWithSigningKey();
    const elsewhere = await deliver(resourceId, event.body, event.headers, { project: otherProject });
    expect(elsewhere.status).toBe(404);
    expect(await eventWithId(resourceId, event.id)).toEqual([]);
  });

  it("answers 404 for an unpublished resource and for a published one without webhook settings", async () => {
    const { resourceId: draftId } = await createResourceDraft({
      projectId,
      values: { name: unique("Draft TaskLab") },
      actor: SYSTEM_ACTOR,
    });
    await setUpWebhooks(draftId, settings(), secret);
    const event = signWebhook({ secret, type: "task.created", payload: {} });
    const draft = await deliver(draftId, event.body, event.headers);
    expect(draft.status).toBe(404);
    expect(draft.json.error?.code).toBe("resource_not_found");

    const bare = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const unset = await deliver(bare, event.body, event.headers);
    expect(unset.status).toBe(404);
    expect(await eventsOf(draftId)).toEqual([]);
    expect(await eventsOf(bare)).toEqual([]);
  });

  it("refuses every event with 401 while no signing secret is saved", async () => {
    const unsigned = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setUpWebhooks(unsigned, settings());
    const event = signWebhook({ secret, type: "task.created", payload: {} });
    const response = await deliver(unsigned, event.body, event.headers);
    expect(response.status).toBe(401);
    expect(response.json.error?.message).toContain("No signing secret is saved for this resource.");
    expect(await eventsOf(unsigned)).toEqual([expect.objectContaining({ signatureOk: false, payload: null })]);
  });

  it("a correctly signed body that is not JSON answers 400 invalid_webhook (not 401), kept as rejected without content", async () => {
    const id = unique("msg_not_json");
    const at = new Date();
    const body = "type=task.created&account_id=someone";
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, at, body),
    };
    const rows = await newEvents(resourceId, async () => {
      const response = await deliver(resourceId, body, headers);
      expect(response.json.error).toMatchObject({ code: "invalid_webhook", message: "The webhook body must be JSON." });
      expect(response.status).toBe(400);
    });
    expect(rows).toEqual([
      expect.objectContaining({
        signatureOk: true,
        matched: false,
        rejectedReason: "The body is not JSON.",
        eventId: null,
        payload: null,
        headers: null,
        runIds: [],
      }),
    ]);
  });

  it("a signed event holding NUL, which PostgreSQL cannot store, answers 400 invalid_webhook and starts nothing", async () => {
    const userId = await connect(resourceId);
    const before = (await allRuns()).length;
    const rows = await newEvents(resourceId, async () => {
      const signed = signWebhook({
        secret,
        type: "task.created",
        payload: { account_id: userId, task: { id: "task_1", title: "a\u0000b" } },
      });
      const response = await deliver(resourceId, signed.body, signed.headers);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({
        code: "invalid_webhook",
        message: "A NUL character or a lone surrogate cannot be stored (at body.task.title).",
      });
    });
    expect(rows).toEqual([expect.objectContaining({ signatureOk: true, matched: false, payload: null, runIds: [] })]);
    expect(await allRuns()).toHaveLength(before);
  });

  it("an event whose Event type template finds nothing answers 400 and starts nothing", async () => {
    const userId = await connect(resourceId);
    const before = (await allRuns()).length;
    const rejected = await newEvents(resourceId, async () => {
      const signed = signWebhook({ secret, type: "", payload: { account_id: userId, task: { id: "task_1" } } });
      const response = await deliver(resourceId, signed.body, signed.headers);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({
        code: "invalid_webhook",
        message: "The Event type template found nothing in this event.",
      });
      // No "type" at all, and JSON bodies that are not objects.
      for (const body of [JSON.stringify({ account_id: userId }), "[1, 2, 3]", "null"]) {
        const id = unique("msg_typeless");
        const at = new Date();
        const typeless = await deliver(resourceId, body, {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": new Webhook(secret).sign(id, at, body),
        });
        expect(typeless.status).toBe(400);
        expect(typeless.json.error?.code).toBe("invalid_webhook");
      }
    });
    expect(rejected).toHaveLength(4);
    for (const row of rejected)
      expect(row).toMatchObject({
        signatureOk: true,
        matched: false,
        payload: null,
        rejectedReason: "The Event type template found nothing in this event.",
      });
    expect((await allRuns()).length).toBe(before);
  });
});

// ---- User matching on a User Profile field ----------------------------------------------------

describe("User matching against a User Profile field", () => {
  const secret = newSecret();

  /** A "user-oauth" resource (profile id, email, team.name from TaskLab's /me at connect) matching on `path`. */
  async function resourceMatchingOn(path: string, template: string) {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth");
    await setUpWebhooks(resourceId, settings({ userMatchTemplate: template, userMatchField: { kind: "profile", path } }), secret);
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [requestStep(resourceId, "me", "GET", "/me")],
    });
    return { resourceId, workflowId };
  }

  it("finds the Connected User whose profile email is the event's, and runs for them through their connection", async () => {
    const { resourceId, workflowId } = await resourceMatchingOn("email", "{{payload.user.email}}");
    const tasklabUser = unique("tl");
    const userId = await connect(resourceId, unique("customer"), tasklabUser);
    const other = await connect(resourceId, unique("customer"), unique("tl"));

    const response = await send(resourceId, secret, "task.created", { user: { email: `${tasklabUser}@tasklab.test` } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    const detail = await finished((response.json.runIds as string[])[0]!);
    expect(detail.run).toMatchObject({ workflowId, userId, status: "succeeded" });
    expect(detail.steps[0]!.output).toMatchObject({ status: 200, body: { id: tasklabUser, email: `${tasklabUser}@tasklab.test` } });

    // The user id itself is not what this resource matches on; nor is an unknown email.
    for (const value of [userId, "nobody@tasklab.test"]) {
      const unmatched = await send(resourceId, secret, "task.created", { user: { email: value } });
      expect(unmatched.json).toEqual(accepted({ matched: false, runIds: [] }));
    }
    expect((await runsOfWorkflow(workflowId)).map((run) => run.userId)).toEqual([userId]);
    expect(other).not.toBe(userId);
  });

  it("matches on the profile's id field too (TaskLab's own user id, not Switchboard's)", async () => {
    const { resourceId, workflowId } = await resourceMatchingOn("id", "{{payload.account_id}}");
    const tasklabUser = unique("tl");
    const userId = await connect(resourceId, unique("customer"), tasklabUser);
    const response = await send(resourceId, secret, "task.created", { account_id: tasklabUser });
    expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    expect((await finished((response.json.runIds as string[])[0]!)).run).toMatchObject({ workflowId, userId, status: "succeeded" });
  });

  it("matches on a nested profile field (team.name), as the User Profile's fields are named", async () => {
    const { resourceId, workflowId } = await resourceMatchingOn("team.name", "{{payload.team.name}}");
    const tasklabUser = unique("tl");
    const team = unique("Team");
    tasklab.users.set(tasklabUser, {
      id: tasklabUser,
      email: `${tasklabUser}@tasklab.test`,
      name: tasklabUser,
      team: { id: unique("t"), name: team },
    });
    const userId = await connect(resourceId, unique("customer"), tasklabUser);

    const response = await send(resourceId, secret, "task.created", { team: { name: team } });
    expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    expect((await finished((response.json.runIds as string[])[0]!)).run).toMatchObject({ workflowId, userId, status: "succeeded" });
  });
});

// ---- App-Level -------------------------------------------------------------------------------

describe("an App-Level resource", () => {
  const secret = newSecret();

  it("runs each deployed workflow once per event, with no user; a workflow that needs a user does not run", async () => {
    const appResource = await publishedTaskLabResource(projectId, tasklab, "app-api-keys");
    await setUpWebhooks(appResource, settings({ userMatchTemplate: "" }), secret);
    const appWorkflow = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId: appResource, eventType: "task.created" },
      steps: [requestStep(appResource, "list", "GET", "/tasks")],
    });
    // A step on a User-Level resource: an App-Level event names no user to run it for.
    const userResource = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const needsUser = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId: appResource, eventType: "task.created" },
      steps: [requestStep(userResource, "list", "GET", "/tasks")],
    });

    const runIds: string[] = [];
    for (const id of ["app_evt_1", "app_evt_2"]) {
      const response = await send(appResource, secret, "task.created", { account_id: "ignored", task: { id: "task_1" } }, { id });
      expect(response.status).toBe(200);
      expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
      runIds.push(...(response.json.runIds as string[]));
      const [event] = await eventWithId(appResource, id);
      expect(event).toMatchObject({ userId: null, matched: true, signatureOk: true, runIds: response.json.runIds });
    }
    const again = await send(appResource, secret, "task.created", {}, { id: "app_evt_1" });
    expect(again.json).toMatchObject({ duplicate: true, runIds: [] });

    for (const runId of runIds) {
      const detail = await finished(runId);
      expect(detail.run).toMatchObject({ workflowId: appWorkflow, userId: null, status: "succeeded" });
      expect(detail.steps[0]!.output).toMatchObject({ status: 200, body: { tasks: expect.any(Array) } });
    }
    expect((await runsOfWorkflow(appWorkflow)).map((run) => run.id).sort()).toEqual([...runIds].sort());
    expect(await runsOfWorkflow(needsUser)).toEqual([]);
  });
});

// ---- HMAC ------------------------------------------------------------------------------------

describe("HMAC signatures end to end", () => {
  const secret = `hmac-${randomBytes(16).toString("hex")}`;
  let resourceId: string;
  let workflowId: string;

  beforeAll(async () => {
    resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setUpWebhooks(
      resourceId,
      settings({
        signature: {
          kind: "hmac",
          header: "X-TaskLab-Signature",
          algorithm: "sha256",
          encoding: "hex",
          prefix: "sha256=",
          content: "timestamp_body",
          timestampHeader: "X-TaskLab-Timestamp",
          toleranceSeconds: 300,
        },
        // Type and id from the headers and the body: both namespaces.
        eventTypeTemplate: "{{headers.x-tasklab-event}}",
        eventIdTemplate: "{{payload.delivery.id}}",
      }),
      secret,
    );
    workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [requestStep(resourceId, "get_task", "GET", "/tasks/{{trigger.payload.task.id}}")],
    });
  });

  function hmacDelivery(body: string, { key = secret, timestamp = Math.floor(Date.now() / 1000), type = "task.created" } = {}) {
    const signature = createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex");
    return deliver(resourceId, body, {
      "content-type": "application/json",
      "x-tasklab-event": type,
      "x-tasklab-timestamp": String(timestamp),
      "x-tasklab-signature": `sha256=${signature}`,
    });
  }

  it("accepts a signed event, reads its type from a header and its id from the body, and runs the workflow", async () => {
    const userId = await connect(resourceId);
    const taskId = await newTask("HMAC");
    const body = JSON.stringify({ account_id: userId, delivery: { id: "dlv_1" }, task: { id: taskId } });
    const response = await hmacDelivery(body);
    expect(response.status).toBe(200);
    expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));
    const [event] = await eventWithId(resourceId, "dlv_1");
    expect(event).toMatchObject({ eventType: "task.created", userId, matched: true, signatureOk: true });
    expect(event!.headers).toMatchObject({ "x-tasklab-event": "task.created" });
    expect(Object.keys(event!.headers!)).not.toContain("x-tasklab-signature");
    const detail = await finished((response.json.runIds as string[])[0]!);
    expect(detail.run).toMatchObject({ workflowId, userId, status: "succeeded" });
    expect(getsOf(taskId)).toHaveLength(1);

    // The same delivery id again is a duplicate.
    const again = await hmacDelivery(body);
    expect(again.json).toMatchObject({ duplicate: true, runIds: [] });
    expect(await runsOfWorkflow(workflowId)).toHaveLength(1);
  });

  it("refuses another secret, a stale timestamp and a tampered body with 401; a signed non-JSON body with 400", async () => {
    const userId = await connect(resourceId);
    const before = (await allRuns()).length;
    const body = JSON.stringify({ account_id: userId, delivery: { id: "dlv_bad" }, task: { id: "task_1" } });
    expect((await hmacDelivery(body, { key: "wrong" })).status).toBe(401);
    const stale = await hmacDelivery(body, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    expect(stale.json.error?.message).toContain("X-TaskLab-Timestamp");
    const signature = createHmac("sha256", secret)
      .update(`${Math.floor(Date.now() / 1000)}.${body}`)
      .digest("hex");
    const tampered = await deliver(resourceId, body.replace("task_1", "task_2"), {
      "x-tasklab-event": "task.created",
      "x-tasklab-timestamp": String(Math.floor(Date.now() / 1000)),
      "x-tasklab-signature": `sha256=${signature}`,
    });
    expect(tampered.status).toBe(401);
    const notJson = await hmacDelivery("<xml/>");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error?.code).toBe("invalid_webhook");
    expect(await eventWithId(resourceId, "dlv_bad")).toEqual([]);
    expect((await allRuns()).length).toBe(before);
  });
});

describe("replays of an event signed without a timestamp", () => {
  const secret = `hmac-${randomBytes(16).toString("hex")}`;

  /** A resource whose events are signed with HMAC over the raw body only, with this Event ID template. */
  async function rawBodyHmacResource(eventIdTemplate: string): Promise<{ resourceId: string; workflowId: string }> {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setUpWebhooks(
      resourceId,
      settings({
        signature: {
          kind: "hmac",
          header: "X-Hub-Signature-256",
          algorithm: "sha256",
          encoding: "hex",
          prefix: "sha256=",
          content: "body",
          timestampHeader: "",
          toleranceSeconds: 300,
        },
        eventIdTemplate,
      }),
      secret,
    );
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [alwaysStep],
    });
    return { resourceId, workflowId };
  }

  const signedRawBody = (resourceId: string, body: string, headers: Record<string, string> = {}) =>
    deliver(resourceId, body, {
      "content-type": "application/json",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      ...headers,
    });

  it("the same HMAC raw-body event replayed 3 times starts 1 run: its Event ID defaults to the SHA-256 of the signed body", async () => {
    const { resourceId, workflowId } = await rawBodyHmacResource("");
    const userId = await connect(resourceId);
    const body = JSON.stringify({ type: "task.created", account_id: userId, task: { id: "task_1" } });
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await signedRawBody(resourceId, body));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(responses.map((response) => response.json.duplicate)).toEqual([false, true, true]);
    expect(await runsOfWorkflow(workflowId)).toHaveLength(1);
    const [event, ...more] = await eventsOf(resourceId);
    expect(more).toEqual([]);
    expect(event!.eventId).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("20 identical raw-body events at once: stored and run once, the other 19 answer duplicate", async () => {
    const { resourceId, workflowId } = await rawBodyHmacResource("");
    const userId = await connect(resourceId);
    const body = JSON.stringify({ type: "task.created", account_id: userId, task: { id: "task_3" } });
    const responses = await Promise.all(Array.from({ length: 20 }, () => signedRawBody(resourceId, body)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(responses.filter((response) => response.json.duplicate === true)).toHaveLength(19);
    expect(await eventsOf(resourceId)).toHaveLength(1);
    expect(await runsOfWorkflow(workflowId)).toHaveLength(1);
  });

  it("an Event ID template that finds nothing in an event (the Standard Webhooks default under HMAC) falls back to the hash too", async () => {
    const { resourceId, workflowId } = await rawBodyHmacResource("{{headers.webhook-id}}");
    const userId = await connect(resourceId);
    const body = JSON.stringify({ type: "task.created", account_id: userId, task: { id: "task_2" } });
    expect((await signedRawBody(resourceId, body)).json).toMatchObject({ duplicate: false });
    expect((await signedRawBody(resourceId, body)).json).toMatchObject({ duplicate: true });
    expect(await runsOfWorkflow(workflowId)).toHaveLength(1);
  });
});

describe("rejected events", () => {
  it("150 bad-signature posts in a minute: each answered 401, 100 stored, the other 50 counted as dropped", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setUpWebhooks(resourceId, settings(), newSecret());
    const forged = signWebhook({ secret: newSecret(), type: "task.created", payload: { account_id: "someone" } });
    const dropped = async () =>
      sampleValue(await currentMetrics(), "switchboard_webhook_events_dropped_total", { reason: "invalid_signature" });
    const droppedBefore = await dropped();
    const statuses: number[] = [];
    // In batches of 30 at once: several requests race for the count, as they would across processes.
    for (let batch = 0; batch < 5; batch++) {
      const responses = await Promise.all(Array.from({ length: 30 }, () => deliver(resourceId, forged.body, forged.headers)));
      statuses.push(...responses.map((response) => response.status));
      for (const response of responses) expect(response.json.error?.code).toBe("invalid_signature");
    }
    expect(statuses).toEqual(Array(150).fill(401));
    const stored = await eventsOf(resourceId);
    expect(stored).toHaveLength(100);
    expect(stored.every((event) => event.rejectedReason?.startsWith("Signature: "))).toBe(true);
    expect((await dropped()) - droppedBefore).toBe(50);
  });

  it("retention deletes rejected events after 7 days and accepted ones after 30", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    // One clock reading for the rows' ages and the retention run that judges them.
    const now = new Date();
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
    const db = await getDb();
    const row = (name: string, days: number, rejected: boolean) => ({
      projectId,
      resourceId,
      receivedAt: daysAgo(days),
      eventId: rejected ? null : name,
      eventType: rejected ? null : "task.created",
      matched: false,
      signatureOk: !rejected,
      rejectedReason: rejected ? `Signature: ${name}` : null,
      headers: rejected ? null : {},
      payload: rejected ? null : { name },
    });
    await db
      .insert(webhookEvents)
      .values([
        row("rejected-8d", 8, true),
        row("rejected-6d", 6, true),
        row("accepted-8d", 8, false),
        row("accepted-29d", 29, false),
        row("accepted-31d", 31, false),
      ]);
    await deleteExpiredWebhookEvents(now);
    const kept = (await eventsOf(resourceId)).map((event) => event.eventId ?? event.rejectedReason);
    expect(kept.sort()).toEqual(["Signature: rejected-6d", "accepted-29d", "accepted-8d"]);
  });
});

// ---- Under load ------------------------------------------------------------------------------

describe("concurrent events", () => {
  const secret = newSecret();

  it(
    "200 concurrent signed events for 2 users: exactly 200 event rows and every expected run exactly once",
    { timeout: 120_000 },
    async () => {
      const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
      await setUpWebhooks(resourceId, settings(), secret);
      const workflowId = await deployedWorkflow(projectId, {
        trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
        steps: [alwaysStep],
      });
      const users = [await connect(resourceId), await connect(resourceId)];

      const sent = Array.from({ length: 200 }, (_, index) => ({ id: `bulk_${index}`, userId: users[index % 2]! }));
      const responses = await Promise.all(
        sent.map(({ id, userId }) => send(resourceId, secret, "task.created", { account_id: userId, n: id }, { id })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(200).fill(200));
      for (const response of responses) expect(response.json).toEqual(accepted({ runIds: [expect.any(String)] }));

      const events = await eventsOf(resourceId);
      expect(events).toHaveLength(200);
      expect(new Set(events.map((event) => event.eventId))).toEqual(new Set(sent.map((event) => event.id)));
      const runs = await runsOfWorkflow(workflowId);
      expect(runs).toHaveLength(200);
      // Each event's run, exactly once, for its user, with its payload.
      const byEvent = new Map(events.map((event) => [event.eventId!, event]));
      const runsById = new Map(runs.map((run) => [run.id, run]));
      for (const { id, userId } of sent) {
        const event = byEvent.get(id)!;
        expect(event).toMatchObject({ userId, matched: true });
        expect(event.runIds).toHaveLength(1);
        const run = runsById.get(event.runIds[0]!)!;
        expect(run).toMatchObject({ userId, trigger: { input: { payload: { n: id } } } });
      }
      expect(new Set(events.flatMap((event) => event.runIds)).size).toBe(200);

      const done = await waitFor(
        "all 200 runs to finish",
        () => runsOfWorkflow(workflowId),
        (rows) => rows.every((run) => FINISHED.includes(run.status)),
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      expect(done.map((run) => run.status)).toEqual(Array(200).fill("succeeded"));
    },
  );

  it("the same event delivered 10 times at once is stored and run once; the other 9 answer duplicate", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setUpWebhooks(resourceId, settings(), secret);
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [alwaysStep],
    });
    const userId = await connect(resourceId);
    const signed = signWebhook({ secret, type: "task.created", payload: { account_id: userId }, id: "burst_1" });

    let responses: Awaited<ReturnType<typeof deliver>>[] = [];
    const counted = await countedWebhooks(async () => {
      responses = await Promise.all(Array.from({ length: 10 }, () => deliver(resourceId, signed.body, signed.headers)));
    });
    expect(counted).toEqual({ accepted: 1, duplicate: 9 });
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((response) => response.json.duplicate === false)).toHaveLength(1);
    expect(responses.filter((response) => response.json.duplicate === true)).toHaveLength(9);
    expect(await eventsOf(resourceId)).toHaveLength(1);
    expect(await runsOfWorkflow(workflowId)).toHaveLength(1);
  });
});
