import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getResourceConnection, getUserConnection } from "@/db/queries/connections";
import { connections } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { connectUser } from "./connect";
import { credentialStateOf, encryptConnectionCredentials } from "./credentials";
import { requestThroughResource } from "./request";
import { sendTestRequestThroughResource } from "./test-and-publish";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The connection session against TaskLab, which rotates refresh tokens and revokes the whole
// grant when a spent one is presented again (reuse detection).

let projectId: string;
// As the Connect API has it: with the configuration revision read now.
const project = async () => ({ id: projectId, allowPrivateNetwork: true, revision: (await getProjectRevision({ projectId }))! });

beforeAll(async () => {
  ({ projectId } = await projectWithSigningKey());
});

/** A TaskLab for the tests of one describe block, reset before each test. */
function useTaskLab(options: Parameters<typeof startTaskLab>[0] = {}): () => TaskLab {
  let tasklab: TaskLab;
  beforeAll(async () => {
    tasklab = await startTaskLab(options);
  });
  afterAll(() => tasklab.close());
  beforeEach(() => tasklab.reset());
  return () => tasklab;
}

/** The token endpoint's answers so far: a refused reuse shows as a 400. */
const tokenStatuses = (tasklab: TaskLab) => tasklab.tokenRequests.map((request) => request.status);

/** A published User-Level resource and a user connected to it whose stored access token has expired. */
async function userWithExpiredToken(tasklab: TaskLab) {
  const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  const userId = `user-${randomUUID()}`;
  const connected = await connectUser({
    project: await project(),
    resourceId,
    userId,
    body: { refresh_token: tasklab.issueTokens().refreshToken },
    actor: SYSTEM_ACTOR,
  });
  await expireStoredAccessToken(connected.id, tasklab);
  tasklab.reset();
  return { resourceId, userId };
}

async function expireStoredAccessToken(connectionId: string, tasklab: TaskLab) {
  const db = await getDb();
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  const { values } = credentialStateOf(row!);
  await db
    .update(connections)
    .set({
      credentials: encryptConnectionCredentials(connectionId, { ...values, access_token: tasklab.expiredAccessToken() }),
      accessTokenExpiresAt: new Date(Date.now() - 1000),
    })
    .where(eq(connections.id, connectionId));
}

describe("an App-Level refresh-token grant has one home", () => {
  // One-second access tokens: every call below needs a refresh, so every call rotates the refresh token.
  const lab = useTaskLab({ accessTokenTtlSeconds: 1 });

  it("shares the live grant between the request API and test requests after Finish: no reuse, no revoked grant", async () => {
    const tasklab = lab();
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "app-oauth-refresh", {
      appRefreshToken: tasklab.issueTokens().refreshToken,
    });
    tasklab.reset();
    // Switchboard's clock moves 1.1 s before every call, without waiting for it: each call finds
    // the stored one-second access token spent and refreshes (TaskLab, on the wall clock, accepts
    // the new one).
    let elapsedMs = 0;
    const now = () => Date.now() + elapsedMs;
    const viaApi = async () => {
      elapsedMs += 1100;
      return (
        await requestThroughResource({
          project: await project(),
          resourceId,
          caller: { kind: "backend", userId: undefined },
          input: { method: "GET", path: "/tasks" },
          now,
        })
      ).status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(await viaApi());
    elapsedMs += 1100;
    const test = await sendTestRequestThroughResource({
      projectId,
      resourceId,
      allowPrivateNetwork: true,
      call: { method: "GET", path: "/tasks" },
      now,
    });
    statuses.push(test.response?.status ?? 0);
    for (let i = 0; i < 3; i++) statuses.push(await viaApi());

    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
    // Every call refreshed (a loaded machine may add one on a 401), and TaskLab never saw a spent token: no 400.
    expect(tokenStatuses(tasklab).length).toBeGreaterThanOrEqual(7);
    expect(tokenStatuses(tasklab).filter((status) => status !== 200)).toEqual([]);
    expect((await getResourceConnection({ resourceId, kind: "app" }))?.status).toBe("VALID");
    expect(await getResourceConnection({ resourceId, kind: "test" })).toBeUndefined();
  });
});

describe("a reconnect during a refresh", () => {
  const lab = useTaskLab();

  it("wins: the refresh's late write is discarded, the next request uses the new access token and the connection stays VALID", async () => {
    const tasklab = lab();
    const { resourceId, userId } = await userWithExpiredToken(tasklab);
    tasklab.behaviour.tokenDelayMs = 2000;
    const superseded = async () => sampleValue(await currentMetrics(), "switchboard_token_refreshes_total", { outcome: "superseded" });
    const supersededBefore = await superseded();

    const inFlight = requestThroughResource({
      project: await project(),
      resourceId,
      caller: { kind: "backend", userId },
      input: { method: "GET", path: "/tasks" },
    });
    // The refresh is waiting for its answer (2 s): wait for it to reach TaskLab, not for a set time.
    await expect.poll(() => tokenStatuses(tasklab), { timeout: 10_000 }).toEqual([0]);
    const reconnected = tasklab.issueTokens();
    await connectUser({
      project: await project(),
      resourceId,
      userId,
      body: { access_token: reconnected.accessToken, refresh_token: reconnected.refreshToken },
      actor: SYSTEM_ACTOR,
    });
    expect((await inFlight).status).toBe(200);
    expect(await superseded()).toBe(supersededBefore + 1);

    const row = (await getUserConnection({ projectId, resourceId, userId }))!;
    expect(row.status).toBe("VALID");
    expect(credentialStateOf(row).values).toMatchObject({ access_token: reconnected.accessToken, refresh_token: reconnected.refreshToken });
    tasklab.reset();
    const next = await requestThroughResource({
      project: await project(),
      resourceId,
      caller: { kind: "backend", userId },
      input: { method: "GET", path: "/me" },
    });
    expect(next.status).toBe(200);
    expect(tasklab.tokenRequests).toHaveLength(0);
  });
});

describe("short-lived access tokens", () => {
  const lab = useTaskLab({ accessTokenTtlSeconds: 5 });

  it("are refreshed once for 50 concurrent requests, not on every call (the margin is at most half the lifetime)", async () => {
    const tasklab = lab();
    const { resourceId, userId } = await userWithExpiredToken(tasklab);
    const send = async () =>
      requestThroughResource({
        project: await project(),
        resourceId,
        caller: { kind: "backend", userId },
        input: { method: "GET", path: "/tasks" },
      });
    const responses = await Promise.all(Array.from({ length: 50 }, send));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    // Requests that start after the first refresh finished read the row, whose 5-second token is usable.
    const later = await Promise.all(Array.from({ length: 10 }, send));
    expect(later.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(tasklab.tokenRequests).toHaveLength(1);
  });
});

describe("who may send what", () => {
  it("refuses a User Token on an App-Level resource with 403 secret_key_required, sending nothing", async () => {
    // An API that records every request it receives.
    const received: string[] = [];
    const api = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.end("{}");
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const resourceId = await publishedTaskLabResource(projectId, { url }, "app-api-keys");
      const attempt = requestThroughResource({
        project: await project(),
        resourceId,
        caller: { kind: "user_token", userId: "end-user" },
        input: { method: "DELETE", path: "/admin/users/all" },
      });
      await expect(attempt).rejects.toMatchObject({ code: "secret_key_required", status: 403 });
      expect(received).toEqual([]);
      // The team's backend may.
      const backend = await requestThroughResource({
        project: await project(),
        resourceId,
        caller: { kind: "backend", userId: undefined },
        input: { method: "GET", path: "/tasks" },
      });
      expect(backend.status).toBe(200);
      expect(received).toEqual(["GET /header/tasks"]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
