import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getUserConnection } from "@/db/queries/connections";
import { createSecretKey } from "@/db/queries/secret-keys";
import { connections } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { POST as requestRoute } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/request/route";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { connectUser } from "./connect";
import { decryptConnectionCredentials, encryptConnectionCredentials } from "./credentials";
import { requestThroughResource } from "./request";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

let tasklab: TaskLab;
let projectId: string;
let resourceId: string;
let appResourceId: string;
let signingKey: Awaited<ReturnType<typeof projectWithSigningKey>>["key"];
// As the Connect API has it: with the configuration revision read now.
const project = async () => ({ id: projectId, allowPrivateNetwork: true, revision: (await getProjectRevision({ projectId }))! });

beforeAll(async () => {
  tasklab = await startTaskLab();
  ({ projectId, key: signingKey } = await projectWithSigningKey());
  resourceId = await publishedTaskLabResource(projectId, tasklab);
  appResourceId = await publishedTaskLabResource(projectId, tasklab, "app-api-keys");
});
afterAll(() => tasklab.close());
beforeEach(() => tasklab.reset());

/** A connected user whose stored access token has expired. */
async function userWithExpiredToken() {
  const userId = `user-${randomUUID()}`;
  await connectUser({
    project: await project(),
    resourceId,
    userId,
    body: { refresh_token: tasklab.issueTokens().refreshToken },
    actor: SYSTEM_ACTOR,
  });
  const connection = (await getUserConnection({ projectId, resourceId, userId }))!;
  const values = decryptConnectionCredentials(connection.id, connection.credentials);
  const db = await getDb();
  await db
    .update(connections)
    .set({
      credentials: encryptConnectionCredentials(connection.id, { ...values, access_token: tasklab.expiredAccessToken() }),
      accessTokenExpiresAt: new Date(Date.now() - 1000),
    })
    .where(eq(connections.id, connection.id));
  tasklab.reset();
  return { userId, connectionId: connection.id, refreshToken: values.refresh_token! };
}

const get = async (userId: string, path = "/tasks") =>
  requestThroughResource({ project: await project(), resourceId, caller: { kind: "backend", userId }, input: { method: "GET", path } });

/** The token refreshes counted so far in this process's metrics, by outcome. */
async function refreshes(): Promise<Record<string, number>> {
  const metrics = await currentMetrics();
  return Object.fromEntries(
    ["refreshed", "invalid_grant", "failed", "superseded"].map((outcome) => [
      outcome,
      sampleValue(metrics, "switchboard_token_refreshes_total", { outcome }),
    ]),
  );
}

/** How each refresh counter moved since `before`. */
async function refreshesSince(before: Record<string, number>): Promise<Record<string, number>> {
  const now = await refreshes();
  return Object.fromEntries(Object.entries(now).map(([outcome, value]) => [outcome, value - before[outcome]!]));
}

async function stored(userId: string) {
  const connection = (await getUserConnection({ projectId, resourceId, userId }))!;
  return { connection, values: decryptConnectionCredentials(connection.id, connection.credentials) };
}

describe("requests through a connection", () => {
  it("refreshes an expired token once for 50 concurrent requests", async () => {
    const { userId } = await userWithExpiredToken();
    const before = await refreshes();
    const responses = await Promise.all(Array.from({ length: 50 }, () => get(userId)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(tasklab.tokenRequests.filter((request) => request.grantType === "refresh_token")).toHaveLength(1);
    expect(await refreshesSince(before)).toEqual({ refreshed: 1, invalid_grant: 0, failed: 0, superseded: 0 });
    const { connection } = await stored(userId);
    expect(connection.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(connection.refreshLeaseId).toBeNull();
  });

  it("refreshes once on a 401 from the API and retries", async () => {
    const { userId, connectionId } = await userWithExpiredToken();
    // The API refuses the token although it was stored as valid for an hour.
    await (
      await getDb()
    )
      .update(connections)
      .set({ accessTokenExpiresAt: new Date(Date.now() + 3600_000) })
      .where(eq(connections.id, connectionId));
    expect(await get(userId, "/me")).toMatchObject({ status: 200, body: { email: "ada@tasklab.test" } });
    expect(tasklab.tokenRequests).toHaveLength(1);
  });

  it("keeps the old refresh token when the endpoint returns none", async () => {
    const { userId, refreshToken } = await userWithExpiredToken();
    tasklab.behaviour.omitRefreshToken = true;
    expect((await get(userId)).status).toBe(200);
    expect((await stored(userId)).values.refresh_token).toBe(refreshToken);
  });

  it("stores a rotated refresh token", async () => {
    const { userId, refreshToken } = await userWithExpiredToken();
    expect((await get(userId)).status).toBe(200);
    const { values } = await stored(userId);
    expect(values.refresh_token).toBeTruthy();
    expect(values.refresh_token).not.toBe(refreshToken);
  });

  it("marks the connection INVALID on invalid_grant, then answers 424 without calling the token endpoint", async () => {
    const { userId, connectionId } = await userWithExpiredToken();
    const { values } = await stored(userId);
    await (
      await getDb()
    )
      .update(connections)
      .set({ credentials: encryptConnectionCredentials(connectionId, { ...values, refresh_token: "revoked-refresh-token" }) })
      .where(eq(connections.id, connectionId));
    const before = await refreshes();
    await expect(get(userId)).rejects.toMatchObject({ status: 424, code: "reconnect_needed" });
    expect(await refreshesSince(before)).toEqual({ refreshed: 0, invalid_grant: 1, failed: 0, superseded: 0 });
    const { connection } = await stored(userId);
    expect(connection).toMatchObject({ status: "INVALID", failureCount: 1, invalidReason: expect.stringContaining("invalid_grant") });
    const calls = tasklab.tokenRequests.length;
    await expect(get(userId)).rejects.toMatchObject({ status: 424 });
    expect(tasklab.tokenRequests.length).toBe(calls);
  });

  it("marks a user's connection INVALID when the API answers 401 to 5 requests in a row, each after one refresh; another answer ends the run", async () => {
    // An API that refuses every token (or, once switched, answers), with TaskLab's token endpoint behind it.
    let refusing = true;
    const api = createServer((req, res) => {
      if (req.url?.startsWith("/oauth/")) {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          void fetch(`${tasklab.url}${req.url}`, {
            method: req.method,
            headers: Object.fromEntries(
              Object.entries(req.headers).filter(([name]) => ["content-type", "authorization", "accept"].includes(name)),
            ) as Record<string, string>,
            body: Buffer.concat(chunks),
          }).then(async (answer) =>
            res
              .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
              .end(Buffer.from(await answer.arrayBuffer())),
          );
        });
        return;
      }
      res
        .writeHead(refusing ? 401 : 200, { "content-type": "application/json" })
        .end(refusing ? '{"error":"unauthorized"}' : '{"tasks":[]}');
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const refusingResource = await publishedTaskLabResource(
        projectId,
        { url: `http://127.0.0.1:${(api.address() as AddressInfo).port}` },
        "user-oauth-no-profile",
      );
      const userId = `user-${randomUUID()}`;
      await connectUser({
        project: await project(),
        resourceId: refusingResource,
        userId,
        body: { refresh_token: tasklab.issueTokens().refreshToken },
        actor: SYSTEM_ACTOR,
      });
      const send = async () =>
        requestThroughResource({
          project: await project(),
          resourceId: refusingResource,
          caller: { kind: "backend", userId },
          input: { method: "GET", path: "/tasks" },
        });
      const row = async () => (await getUserConnection({ projectId, resourceId: refusingResource, userId }))!;

      for (let i = 0; i < 4; i++) expect((await send()).status).toBe(401);
      expect(await row()).toMatchObject({ status: "VALID", unauthorizedCount: 4 });
      refusing = false;
      expect((await send()).status).toBe(200);
      expect(await row()).toMatchObject({ status: "VALID", unauthorizedCount: 0 });

      refusing = true;
      for (let i = 0; i < 5; i++) expect((await send()).status).toBe(401);
      expect(await row()).toMatchObject({ status: "INVALID", invalidReason: "the API answered 401 Unauthorized to 5 requests in a row" });
      await expect(send()).rejects.toMatchObject({ status: 424, code: "reconnect_needed" });

      // Connecting again makes it VALID, its run of 401s forgotten.
      await connectUser({
        project: await project(),
        resourceId: refusingResource,
        userId,
        body: { refresh_token: tasklab.issueTokens().refreshToken },
        actor: SYSTEM_ACTOR,
      });
      expect(await row()).toMatchObject({ status: "VALID", unauthorizedCount: 0, invalidReason: null });
    } finally {
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });

  it("keeps the connection VALID and its credentials when the token endpoint answers 503, after retrying", async () => {
    const { userId } = await userWithExpiredToken();
    const before = await stored(userId);
    tasklab.behaviour.tokenStatus = 503;
    const counted = await refreshes();
    await expect(get(userId)).rejects.toMatchObject({ status: 502, code: "token_refresh_failed" });
    expect(tasklab.tokenRequests).toHaveLength(3);
    // One refresh (its three token requests are the grant's own retries), failed.
    expect(await refreshesSince(counted)).toEqual({ refreshed: 0, invalid_grant: 0, failed: 1, superseded: 0 });
    const after = await stored(userId);
    expect(after.connection.status).toBe("VALID");
    expect(after.values).toEqual(before.values);
    tasklab.reset();
    expect((await get(userId)).status).toBe(200);
  });

  it("refuses a URL on another origin, and answers 404 for a user who never connected", async () => {
    const { userId } = await userWithExpiredToken();
    await get(userId);
    tasklab.reset();
    await expect(get(userId, "http://127.0.0.1:1/steal")).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    await expect(get("nobody")).rejects.toMatchObject({ status: 404, code: "connection_not_found" });
    expect(tasklab.tokenRequests).toHaveLength(0);
  });

  it("uses the app's credentials for an App-Level resource", async () => {
    const response = await requestThroughResource({
      project: await project(),
      resourceId: appResourceId,
      caller: { kind: "backend", userId: undefined },
      input: { method: "GET", path: "/tasks" },
    });
    expect(response).toMatchObject({ status: 200, body: { tasks: expect.any(Array) } });
  });
});

describe("App-Level OAuth tokens", () => {
  const app = async (id: string) =>
    requestThroughResource({
      project: await project(),
      resourceId: id,
      caller: { kind: "backend", userId: undefined },
      input: { method: "GET", path: "/tasks" },
    });

  it.each([
    ["refresh token", "app-oauth-refresh", "refresh_token"],
    ["client credentials", "app-oauth-client-credentials", "client_credentials"],
  ] as const)("are fetched once for concurrent requests and cached for the next ones (%s)", async (_name, kind, grantType) => {
    const id = await publishedTaskLabResource(projectId, tasklab, kind, { appRefreshToken: tasklab.issueTokens().refreshToken });
    tasklab.reset();
    const first = await Promise.all(Array.from({ length: 20 }, () => app(id)));
    expect(first.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(await app(id)).toMatchObject({ status: 200 });
    expect(tasklab.tokenRequests.map((request) => request.grantType)).toEqual([grantType]);
  });
});

describe("POST …/request with a Secret Key", () => {
  async function callRoute(authorization: string, body: unknown, user?: string, target = resourceId) {
    const headers: Record<string, string> = { authorization, "content-type": "application/json" };
    if (user) headers["x-switchboard-user"] = user;
    const request = new Request(`http://switchboard.test/projects/${projectId}/sdk/resources/${target}/request`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const response = await requestRoute(request, { params: Promise.resolve({ projectId, resourceId: target }) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it("sends the request for the user X-Switchboard-User names", async () => {
    const { userId } = await userWithExpiredToken();
    const secret = generateSecretKey();
    await createSecretKey({ projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
    const ok = await callRoute(`Bearer ${secret.key}`, { method: "POST", path: "/tasks", body: { title: "From the backend" } }, userId);
    expect(ok).toMatchObject({ status: 200, json: { status: 201, body: { title: "From the backend" } } });
    expect(await callRoute(`Bearer ${secret.key}`, { method: "GET", path: "/tasks" })).toMatchObject({
      status: 400,
      json: { error: { code: "missing_user" } },
    });
    expect(await callRoute("Bearer sk_not-a-key", { method: "GET", path: "/tasks" }, userId)).toMatchObject({
      status: 401,
      json: { error: { code: "invalid_secret_key" } },
    });
    expect(await callRoute(`Bearer ${secret.key}`, { method: "TRACE", path: "/tasks" }, userId)).toMatchObject({ status: 400 });
  });

  it("answers a User Token 403 secret_key_required on an App-Level resource: end users never drive the app's credentials", async () => {
    const token = await signUserToken(signingKey.privateKeyPem, { kid: signingKey.kid, claims: { sub: "end-user" } });
    const refused = await callRoute(`Bearer ${token}`, { method: "DELETE", path: "/admin/users/all" }, undefined, appResourceId);
    expect(refused).toMatchObject({ status: 403, json: { error: { code: "secret_key_required" } } });
    // The same token may use its own User-Level connection (here: none yet).
    expect(await callRoute(`Bearer ${token}`, { method: "GET", path: "/tasks" })).toMatchObject({
      status: 404,
      json: { error: { code: "connection_not_found" } },
    });
  });
});
