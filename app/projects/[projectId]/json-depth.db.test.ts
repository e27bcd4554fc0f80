import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createSecretKey } from "@/db/queries/secret-keys";
import { webhookEvents } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { alwaysStep, callSdkRoute, runsOf } from "@/test/support/sdk-route-fixtures";
import { setUpWebhooks, taskLabWebhookSettings } from "@/test/support/webhook-fixtures";
import { connectedUser, deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { MAX_JSON_DEPTH } from "@/lib/json";
import { stopJobQueue } from "@/lib/jobs/queue";
import { getRunDetail } from "@/lib/workflows/runs";
import { startWorkers } from "@/lib/jobs/workers";
import { POST as receiveWebhook } from "./resources/[resourceId]/webhook/route";
import { POST as sendEvent } from "./sdk/events/route";
import { POST as sendRequest } from "./sdk/resources/[resourceId]/request/route";
import { POST as startRun } from "./sdk/workflows/[workflowId]/runs/route";

// Every JSON input is refused past 64 levels of nesting with 400 invalid_body naming the limit —
// never a 500 from recursive code, however deep — and an API's answer nested deeper is kept as
// text. Webhook intake, App Events and Request runs through their route handlers, on a real
// database (PGlite, and PostgreSQL when DATABASE_URL is set) with the engine's workers running.

let tasklab: TaskLab;
let projectId: string;
let resourceId: string;
let secretKey: string;
let requestWorkflow: string;
let webhookSecret: string;

beforeAll(async () => {
  tasklab = await startTaskLab();
  ({ projectId } = await projectWithSigningKey());
  resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  const secret = generateSecretKey();
  await createSecretKey({ projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  secretKey = secret.key;
  webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  await setUpWebhooks({ projectId, resourceId, webhook: taskLabWebhookSettings(), secret: webhookSecret });
  requestWorkflow = await deployedWorkflow(projectId, { trigger: { kind: "request" }, steps: [alwaysStep] });
  await deployedWorkflow(projectId, { trigger: { kind: "app_event", eventName: "deep.event" }, steps: [alwaysStep] });
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await tasklab?.close();
});

/** JSON text of arrays nested `depth` levels deep. */
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

/** An App Event whose body nests `depth` levels: the body and its payload are two, the payload's list the rest. */
const eventBody = (depth: number) => `{"name":"deep.event","payload":{"list":${nested(depth - 2)}}}`;

function postEvent(body: string) {
  return callSdkRoute(sendEvent, {
    url: `/projects/${projectId}/sdk/events`,
    params: { projectId },
    auth: { secretKey, user: "customer-1" },
    body,
  });
}

function postRun(body: string) {
  return callSdkRoute(startRun, {
    url: `/projects/${projectId}/sdk/workflows/${requestWorkflow}/runs`,
    params: { projectId, workflowId: requestWorkflow },
    auth: { secretKey, user: "customer-1" },
    body,
  });
}

/** A TaskLab event (Standard Webhooks) whose body nests `depth` levels: the event object is one, its `data` the rest. */
async function postWebhook(depth: number) {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const body = `{"type":"task.created","account_id":"customer-1","data":${nested(depth - 1)}}`;
  const request = new Request(`http://switchboard.test/projects/${projectId}/resources/${resourceId}/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(webhookSecret).sign(id, at, body),
    },
    body,
  });
  const response = await receiveWebhook(request, { params: Promise.resolve({ projectId, resourceId }) });
  return { status: response.status, json: (await response.json()) as { error?: { code: string; message: string } } };
}

const refusal = { code: "invalid_body", message: expect.stringContaining(`${MAX_JSON_DEPTH}`) };

describe("JSON nesting depth", () => {
  it("refuses an App Event nested 65 levels with 400 invalid_body naming the limit, and accepts 64", async () => {
    expect(await postEvent(eventBody(MAX_JSON_DEPTH + 1))).toMatchObject({ status: 400, json: { error: refusal } });
    expect(await postEvent(eventBody(3_000))).toMatchObject({ status: 400, json: { error: refusal } });
    // 100,000 levels are 200 KB: over the route's 64 KB, refused for its size before it is read as JSON.
    expect(await postEvent(eventBody(100_000))).toMatchObject({ status: 413, json: { error: { code: "payload_too_large" } } });
    expect(await postEvent(eventBody(MAX_JSON_DEPTH))).toMatchObject({ status: 202 });
  });

  it("refuses a Request run's body nested 65 levels, and accepts 64", async () => {
    const body = (depth: number) => `{"items":${nested(depth - 1)}}`;
    const before = (await runsOf(projectId)).length;
    expect(await postRun(body(MAX_JSON_DEPTH + 1))).toMatchObject({ status: 400, json: { error: refusal } });
    expect(await postRun(body(3_000))).toMatchObject({ status: 400, json: { error: refusal } });
    expect((await runsOf(projectId)).length).toBe(before);
    expect(await postRun(body(MAX_JSON_DEPTH))).toMatchObject({ status: 202 });
  });

  it("refuses a webhook body nested 65, 3,000 or 100,000 levels with 400 invalid_body (never 500), keeps only the reason, and accepts 64", async () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 3_000, 100_000]) {
      expect(await postWebhook(depth)).toMatchObject({ status: 400, json: { error: refusal } });
    }
    const db = await getDb();
    const rejected = (await db.select().from(webhookEvents).where(eq(webhookEvents.resourceId, resourceId))).filter(
      (event) => event.rejectedReason !== null,
    );
    expect(rejected).toHaveLength(3);
    expect(rejected.every((event) => event.rejectedReason!.includes(`${MAX_JSON_DEPTH}`) && event.payload === null)).toBe(true);
    expect(await postWebhook(MAX_JSON_DEPTH)).toMatchObject({ status: 200, json: { received: true } });
  });

  it("keeps an API's answer nested deeper than 64 levels on the step as text, and one of 64 as JSON", async () => {
    const userId = await connectedUser(projectId, resourceId, tasklab);
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "app_event", eventName: "fetch.nested" },
      steps: [
        requestStep(resourceId, "deep", "GET", "/nested", { query: { depth: "3000" } }),
        requestStep(resourceId, "fine", "GET", "/nested", { query: { depth: String(MAX_JSON_DEPTH) } }),
      ],
    });
    const started = await callSdkRoute(sendEvent, {
      url: `/projects/${projectId}/sdk/events`,
      params: { projectId },
      auth: { secretKey, user: userId },
      body: { name: "fetch.nested", payload: {} },
    });
    expect(started.status).toBe(202);
    const [runId] = started.json!.runIds as string[];
    const detail = await waitFor(
      "the run to finish",
      () => getRunDetail({ projectId, runId: runId! }),
      (found) => !["queued", "running"].includes(found.run.status),
    );
    expect(detail.run).toMatchObject({ workflowId, status: "succeeded" });
    const [deep, fine] = detail.steps;
    expect(deep!.output).toMatchObject({ status: 200, body: nested(3_000) });
    expect(typeof deep!.output!.body).toBe("string");
    expect(fine!.output!.body).toEqual(JSON.parse(nested(MAX_JSON_DEPTH)));

    // The request API answers it as text too (serializing it again would be recursive), never a 500.
    const answered = await callSdkRoute(sendRequest, {
      url: `/projects/${projectId}/sdk/resources/${resourceId}/request`,
      params: { projectId, resourceId },
      auth: { secretKey, user: userId },
      body: { method: "GET", path: "/nested", query: { depth: "100000" } },
    });
    expect(answered).toMatchObject({ status: 200, json: { status: 200, body: nested(100_000) } });
  });
});
