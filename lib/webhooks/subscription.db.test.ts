import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as connectRoute } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import { getUserConnection } from "@/db/queries/connections";
import { getResource } from "@/db/queries/resources";
import { saveWebhookSettings } from "@/db/queries/webhook-events";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { waitFor } from "@/test/support/workflow-fixtures";
import { connectUser, disconnectUser } from "@/lib/connections/connect";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { DEFAULT_WEBHOOK_SETTINGS } from "./settings";
import { loadWebhookSetup } from "./setup";
import { queueSubscription, unsubscribe } from "./subscription";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The optional Subscription: a user's connect registers the webhook URL in their account through
// the resource (a retried job), their disconnect sends the Unsubscribe request.

const ORIGIN = "https://switchboard.example";
let projectId: string;
let signingKey: Awaited<ReturnType<typeof projectWithSigningKey>>["key"];
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
  // The configured public URL: webhook URLs are built from it only (restored after this file).
  vi.stubEnv("NEXTAUTH_URL", ORIGIN);
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  ({ projectId, key: signingKey } = await projectWithSigningKey());
  resourceId = await publishedTaskLabResource(
    projectId,
    { url: `http://127.0.0.1:${(api.address() as AddressInfo).port}` },
    "user-oauth-no-profile",
  );
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
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await new Promise((resolve) => api.close(resolve));
  vi.unstubAllEnvs();
});

const project = () => ({ id: projectId, allowPrivateNetwork: true });

describe("a resource's webhook Subscription", () => {
  it("registers the webhook URL when a user connects, with their credentials, and unsubscribes when they disconnect", async () => {
    const userId = `acct "${Date.now()}"/x`;
    received.length = 0;
    await connectUser({
      project: project(),
      resourceId,
      userId,
      body: { access_token: "at-1", refresh_token: "rt-1" },
      actor: SYSTEM_ACTOR,
    });
    const connection = await waitFor(
      "the subscription",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionStatus === "subscribed",
    );
    expect(connection?.subscriptionError).toBeNull();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/api/webhooks", authorization: "Bearer at-1" });
    // Values are JSON-escaped in the body: a quote in the user id cannot break it.
    expect(JSON.parse(received[0]!.body)).toEqual({
      url: `${ORIGIN}/projects/${projectId}/resources/${resourceId}/webhook`,
      account: userId,
    });

    await disconnectUser({ project: project(), resourceId, userId, actor: SYSTEM_ACTOR });
    expect(received[1]).toMatchObject({
      method: "DELETE",
      url: `/api/webhooks/${encodeURIComponent(userId)}`,
      authorization: "Bearer at-1",
    });
    expect(await getUserConnection({ projectId, resourceId, userId })).toBeUndefined();
  });

  it("shows a failed subscription on the connection while it is retried", async () => {
    const userId = `acct-${Date.now()}`;
    failNext = 1;
    received.length = 0;
    await connectUser({
      project: project(),
      resourceId,
      userId,
      body: { access_token: "at-2", refresh_token: "rt-2" },
      actor: SYSTEM_ACTOR,
    });
    const connection = await waitFor(
      "the failed attempt",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionError !== null && row?.subscriptionError !== undefined,
    );
    expect(connection).toMatchObject({
      subscriptionStatus: "pending",
      subscriptionError: "The subscription request answered 500.",
      status: "VALID",
    });
    expect(received).toHaveLength(1);
  });

  it("registers the configured public URL, whatever Host and X-Forwarded-* headers the connect request forges", async () => {
    const userId = `acct-forged-${Date.now()}`;
    received.length = 0;
    // No NEXTAUTH_URL: the embedded default (PGlite) is http://localhost:3000; PostgreSQL has none and refuses.
    vi.stubEnv("NEXTAUTH_URL", "");
    try {
      const request = new Request(`https://attacker.test/projects/${projectId}/sdk/resources/${resourceId}/connect`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${await signUserToken(signingKey.privateKeyPem, { kid: signingKey.kid, claims: { sub: userId } })}`,
          "content-type": "application/json",
          host: "attacker.test",
          "x-forwarded-host": "attacker.test",
          "x-forwarded-proto": "https",
        },
        body: JSON.stringify({ access_token: "at-3", refresh_token: "rt-3" }),
      });
      const response = await connectRoute(request, { params: Promise.resolve({ projectId, resourceId }) });
      expect(response.status, await response.clone().text()).toBe(200);
    } finally {
      vi.stubEnv("NEXTAUTH_URL", ORIGIN);
    }
    const connection = await waitFor(
      "the subscription's outcome",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionStatus === "subscribed" || row?.subscriptionStatus === "failed",
    );
    // The previous test's retried request may arrive meanwhile: this user's requests are the ones sent with at-3.
    const sent = received.filter((request) => request.authorization === "Bearer at-3");
    if (process.env.DATABASE_URL) {
      expect(connection).toMatchObject({
        status: "VALID",
        subscriptionStatus: "failed",
        subscriptionError: expect.stringContaining("NEXTAUTH_URL is not set"),
      });
      expect(sent).toEqual([]);
    } else {
      expect(connection).toMatchObject({ subscriptionStatus: "subscribed" });
      expect(sent.map((request) => JSON.parse(request.body))).toEqual([
        { url: `http://localhost:3000/projects/${projectId}/resources/${resourceId}/webhook`, account: userId },
      ]);
    }
    expect(JSON.stringify(received)).not.toContain("attacker.test");
  });

  it("with DATABASE_URL and no NEXTAUTH_URL, refuses Subscriptions with a clear error that the Webhook Setup page shows", async () => {
    const userId = `acct-nourl-${Date.now()}`;
    await connectUser({
      project: project(),
      resourceId,
      userId,
      body: { access_token: "at-4", refresh_token: "rt-4" },
      actor: SYSTEM_ACTOR,
    });
    await waitFor(
      "the subscription",
      () => getUserConnection({ projectId, resourceId, userId }),
      (row) => row?.subscriptionStatus === "subscribed",
    );
    received.length = 0;
    const resource = (await getResource({ projectId, resourceId }))!;
    // A PostgreSQL deployment without a public URL, as configuration injected into this call only.
    const env = { DATABASE_URL: "postgres://db.internal:5432/switchboard" };
    const problem = /^NEXTAUTH_URL is not set: with DATABASE_URL, Switchboard builds webhook URLs from NEXTAUTH_URL only/;

    const connection = (await getUserConnection({ projectId, resourceId, userId }))!;
    await queueSubscription({ connectionId: connection.id, resource, env });
    const refused = await getUserConnection({ projectId, resourceId, userId });
    expect(refused).toMatchObject({ status: "VALID", subscriptionStatus: "failed", subscriptionError: expect.stringMatching(problem) });
    expect(await unsubscribe({ resource, userId, policy: { allowPrivateNetwork: true }, env })).toMatch(problem);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received.filter((request) => request.authorization === "Bearer at-4")).toEqual([]);

    const page = await loadWebhookSetup({ resource, env });
    expect(page).toMatchObject({
      webhookUrl: `/projects/${projectId}/resources/${resourceId}/webhook`,
      publicUrlProblem: expect.stringMatching(problem),
    });
    // Embedded (no DATABASE_URL) keeps the localhost default; a configured URL is used as given.
    expect(await loadWebhookSetup({ resource, env: {} })).toMatchObject({
      webhookUrl: `http://localhost:3000/projects/${projectId}/resources/${resourceId}/webhook`,
      publicUrlProblem: null,
    });
    expect(await loadWebhookSetup({ resource, env: { ...env, NEXTAUTH_URL: "https://hooks.example.com/" } })).toMatchObject({
      webhookUrl: `https://hooks.example.com/projects/${projectId}/resources/${resourceId}/webhook`,
      publicUrlProblem: null,
    });
  });
});
