import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUserConnection } from "@/db/queries/connections";
import { saveWebhookSettings } from "@/db/queries/webhook-events";
import { projectWithSigningKey, publishedTaskLabResource } from "@/e2e/support/connect-fixtures";
import { ownPostgresDatabase, waitFor } from "@/e2e/support/workflow-fixtures";
import { connectUser, disconnectUser } from "@/lib/connections/connect";
import { stopWorkflowEngine } from "@/lib/workflows/engine";
import { startWorkflowWorkers } from "@/lib/workflows/workers";
import { DEFAULT_WEBHOOK_SETTINGS } from "./settings";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The optional Subscription: a user's connect registers the webhook URL in their account through
// the resource (a retried job), their disconnect sends the Unsubscribe request.

const ORIGIN = "https://switchboard.example";
let database: Awaited<ReturnType<typeof ownPostgresDatabase>>;
let projectId: string;
let resourceId: string;
let failNext = 0;
const received: { method: string; url: string; body: string; authorization: string | undefined }[] = [];
const api = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ method: request.method ?? "", url: request.url ?? "", body, authorization: request.headers.authorization });
    response.statusCode = failNext-- > 0 ? 500 : 200;
    response.setHeader("content-type", "application/json");
    response.end("{}");
  });
});

beforeAll(async () => {
  database = await ownPostgresDatabase("sb_subscription");
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  ({ projectId } = await projectWithSigningKey());
  resourceId = await publishedTaskLabResource(projectId, { url: `http://127.0.0.1:${(api.address() as AddressInfo).port}` }, "user-oauth-no-profile");
  await saveWebhookSettings({
    projectId,
    resourceId,
    webhook: {
      ...DEFAULT_WEBHOOK_SETTINGS,
      eventTypes: ["task.created"],
      subscription: {
        subscribe: { method: "POST", path: "/webhooks", body: '{"url": "{{webhook.url}}", "account": "{{user.id}}"}' },
        unsubscribe: { method: "DELETE", path: "/webhooks/{{user.id}}", body: "" },
      },
    },
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  await startWorkflowWorkers();
});
afterAll(async () => {
  await stopWorkflowEngine();
  await new Promise((resolve) => api.close(resolve));
  await database?.drop();
});

const project = () => ({ id: projectId, allowPrivateNetwork: true });

describe("a resource's webhook Subscription", () => {
  it("registers the webhook URL when a user connects, with their credentials, and unsubscribes when they disconnect", async () => {
    const userId = `acct "${Date.now()}"/x`;
    received.length = 0;
    await connectUser({ project: project(), resourceId, userId, body: { access_token: "at-1", refresh_token: "rt-1" }, origin: ORIGIN, actor: SYSTEM_ACTOR });
    const connection = await waitFor(
      "the subscription",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionStatus === "subscribed",
    );
    expect(connection?.subscriptionError).toBeNull();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/api/webhooks", authorization: "Bearer at-1" });
    // Values are JSON-escaped in the body: a quote in the user id cannot break it.
    expect(JSON.parse(received[0]!.body)).toEqual({ url: `${ORIGIN}/projects/${projectId}/resources/${resourceId}/webhook`, account: userId });

    await disconnectUser({ project: project(), resourceId, userId, origin: ORIGIN, actor: SYSTEM_ACTOR });
    expect(received[1]).toMatchObject({ method: "DELETE", url: `/api/webhooks/${encodeURIComponent(userId)}`, authorization: "Bearer at-1" });
    expect(await getUserConnection({ projectId, resourceId, userId })).toBeUndefined();
  });

  it("shows a failed subscription on the connection while it is retried", async () => {
    const userId = `acct-${Date.now()}`;
    failNext = 1;
    received.length = 0;
    await connectUser({ project: project(), resourceId, userId, body: { access_token: "at-2", refresh_token: "rt-2" }, origin: ORIGIN, actor: SYSTEM_ACTOR });
    const connection = await waitFor(
      "the failed attempt",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionError !== null && row?.subscriptionError !== undefined,
    );
    expect(connection).toMatchObject({ subscriptionStatus: "pending", subscriptionError: "The subscription request answered 500.", status: "VALID" });
    expect(received).toHaveLength(1);
  });
});
