import { getProjectRevision } from "@/db/queries/sdk-state";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createNotificationEndpoint,
  deleteNotificationEndpoint,
  enableNotificationEndpoint,
  resendDelivery,
} from "@/app/(dashboard)/projects/[projectId]/settings/notifications/actions";
import { getDb } from "@/db/client";
import { saveKeepWarm } from "@/app/(dashboard)/projects/[projectId]/resources/[resourceId]/connected-users/actions";
import { getUserConnection, listResourceConnections } from "@/db/queries/connections";
import { getKeepWarmDays, setKeepWarm } from "@/db/queries/keep-warm";
import { getNotificationEndpoint, listEndpointDeliveries, listNotificationEndpoints } from "@/db/queries/notifications";
import { addProjectMember, setAllowPrivateNetwork } from "@/db/queries/projects";
import { createUserWithProject } from "@/db/queries/users";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import { connections, notificationEndpoints } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { connectUser, disconnectUser } from "@/lib/connections/connect";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { runKeepWarm } from "@/lib/connections/keep-warm";
import { requestThroughResource } from "@/lib/connections/request";
import { stopJobQueue } from "@/lib/jobs/queue";
import { sendAppEvent } from "@/lib/workflows/triggers";
import { startWorkers } from "@/lib/jobs/workers";
import { getSessionUser } from "@/server/session";
import type { NotificationPayload } from "./events";

// Notifications end to end on a real database: real changes (connect, a refresh refused with
// invalid_grant, reconnect, disconnect, a failing workflow run) record events, pg-boss jobs
// deliver them to a real HTTP receiver, which verifies each Standard Webhooks signature.

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let tasklab: TaskLab;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses the receiver answers next, per path (200 once they run out). */
const answers = new Map<string, number[]>();

let owner: { id: string; email: string };
let member: { id: string; email: string };
let projectId: string;
let memberProjectId: string;
let resourceId: string;
const secrets = new Map<string, string>(); // endpoint id → whsec_
let allEvents: string; // endpoint subscribed to every event
let runsOnly: string; // endpoint subscribed to workflow.run.failed only

const project = () => ({ id: projectId, allowPrivateNetwork: true });

async function newAccount(name: string) {
  const email = `${name}-${randomUUID()}@example.test`;
  const created = (await createUserWithProject({ email, passwordHash: "x", projectName: name }))!;
  return { user: { id: created.user.id, email }, projectId: created.projectId };
}

function signedInAs(user: { id: string; email: string } | null) {
  vi.mocked(getSessionUser).mockResolvedValue(user);
}

async function addEndpoint(path: string, events: Parameters<typeof createNotificationEndpoint>[0]["events"]) {
  signedInAs(owner);
  const result = await createNotificationEndpoint({ projectId, url: `${receiverUrl}${path}`, events });
  if (!result.ok) throw new Error(JSON.stringify(result));
  secrets.set(result.data.endpointId, result.data.secret);
  return result.data.endpointId;
}

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("Timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The payloads the endpoint at `path` received, each verified with its secret. */
function verifiedAt(path: string, endpointId: string): NotificationPayload[] {
  const webhook = new Webhook(secrets.get(endpointId)!);
  return received
    .filter((request) => request.path === path)
    .map((request) => webhook.verify(request.body, request.headers) as NotificationPayload);
}

const eventOf = (path: string, endpointId: string, type: string, userId: string) =>
  eventually(() => verifiedAt(path, endpointId).find((payload) => payload.type === type && payload.data.userId === userId));

async function connect(userId: string, resource = resourceId) {
  const tokens = tasklab.issueTokens();
  await connectUser({
    project: project(),
    resourceId: resource,
    userId,
    body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
    actor: SYSTEM_ACTOR,
  });
  return tokens;
}

beforeAll(async () => {
  process.env.SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS = "50";
  tasklab = await startTaskLab();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({
        path,
        headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
        body: Buffer.concat(chunks).toString(),
      });
      res.statusCode = answers.get(path)?.shift() ?? 200;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const account = await newAccount("Owner");
  owner = account.user;
  projectId = account.projectId;
  await setAllowPrivateNetwork({ projectId, allow: true, actor: SYSTEM_ACTOR });
  const other = await newAccount("Member");
  member = other.user;
  memberProjectId = other.projectId;
  await addProjectMember({ projectId, email: member.email, actor: SYSTEM_ACTOR });
  resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  await startWorkers();
  allEvents = await addEndpoint("/all", [
    "connection.created",
    "connection.deleted",
    "connection.invalid",
    "connection.recovered",
    "workflow.run.failed",
  ]);
  runsOnly = await addEndpoint("/runs", ["workflow.run.failed"]);
  // Two accounts, a published resource and the job queue: on a loaded machine this takes a while.
}, 90_000);
afterAll(async () => {
  await stopJobQueue();
  await tasklab.close();
  await new Promise((resolve) => receiver.close(resolve));
  delete process.env.SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS;
});
beforeEach(() => tasklab.reset());

describe("connection events", () => {
  it("connect → created, invalid_grant → invalid, reconnect → recovered, disconnect → deleted; each signed, none with a secret", async () => {
    const userId = `user-${randomUUID()}`;
    const first = await connect(userId);
    const connection = (await getUserConnection({ projectId, resourceId, userId }))!;
    const created = await eventOf("/all", allEvents, "connection.created", userId);
    expect(created).toMatchObject({
      type: "connection.created",
      data: { projectId, resourceId, userId, connectionId: connection.id, reason: null, time: expect.any(String) },
    });
    const delivery = await eventually(async () =>
      (await listEndpointDeliveries({ projectId, endpointId: allEvents })).find(
        (row) => row.eventId === created.id && row.status === "delivered",
      ),
    );
    expect(delivery).toMatchObject({ eventType: "connection.created", attempts: 1, responseStatus: 200 });

    // The access token is refused and the token endpoint answers invalid_grant.
    await (
      await getDb()
    )
      .update(connections)
      .set({ accessTokenExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(connections.id, connection.id));
    tasklab.behaviour.tokenStatus = 400;
    await expect(
      requestThroughResource({
        project: { ...project(), revision: (await getProjectRevision({ projectId }))! },
        resourceId,
        caller: { kind: "backend", userId },
        input: { method: "GET", path: "/tasks" },
      }),
    ).rejects.toMatchObject({
      code: "reconnect_needed",
    });
    const invalid = await eventOf("/all", allEvents, "connection.invalid", userId);
    expect(invalid.data).toMatchObject({ connectionId: connection.id, reason: expect.stringContaining("invalid_grant") });

    tasklab.reset();
    const second = await connect(userId);
    const recovered = await eventOf("/all", allEvents, "connection.recovered", userId);
    expect(recovered.data).toMatchObject({ connectionId: connection.id, reason: expect.stringContaining("invalid_grant") });
    const stored = decryptConnectionCredentials(connection.id, (await getUserConnection({ projectId, resourceId, userId }))!.credentials);

    await disconnectUser({ project: project(), resourceId, userId, actor: SYSTEM_ACTOR });
    const deleted = await eventOf("/all", allEvents, "connection.deleted", userId);
    expect(deleted.data).toMatchObject({ connectionId: connection.id, userId });

    // Nothing sent to any endpoint holds a token, the client secret or an endpoint secret.
    const everything = received.map((request) => request.body + JSON.stringify(request.headers)).join("\n");
    for (const secret of [
      first.accessToken,
      first.refreshToken,
      second.accessToken,
      second.refreshToken,
      stored.access_token!,
      stored.refresh_token!,
      ...secrets.values(),
    ]) {
      expect(everything).not.toContain(secret);
    }
    // The endpoint that subscribed to workflow runs only heard nothing of this user.
    expect(verifiedAt("/runs", runsOnly).filter((payload) => payload.data.userId === userId)).toEqual([]);
  });

  it("retries an endpoint that answers 500 and records it Delivered with 2 attempts; Resend delivers the same event again", async () => {
    answers.set("/all", [500]);
    const userId = `user-${randomUUID()}`;
    await connect(userId);
    const created = await eventOf("/all", allEvents, "connection.created", userId);
    const delivery = await eventually(async () =>
      (await listEndpointDeliveries({ projectId, endpointId: allEvents })).find(
        (row) => row.eventId === created.id && row.status === "delivered",
      ),
    );
    expect(delivery).toMatchObject({ attempts: 2, responseStatus: 200 });
    expect(received.filter((request) => request.path === "/all" && request.headers["webhook-id"] === created.id)).toHaveLength(2);

    signedInAs(owner);
    const resent = await resendDelivery({ projectId, deliveryId: delivery.id });
    expect(resent.ok).toBe(true);
    await eventually(async () =>
      (await listEndpointDeliveries({ projectId, endpointId: allEvents })).find(
        (row) => resent.ok && row.id === resent.data.deliveryId && row.status === "delivered",
      ),
    );
    expect(received.filter((request) => request.path === "/all" && request.headers["webhook-id"] === created.id)).toHaveLength(3);
  });

  it("disables an endpoint that answers 410, sends it nothing more, and can enable it again", async () => {
    const gone = await addEndpoint("/gone", ["connection.created"]);
    answers.set("/gone", [410]);
    const userId = `user-${randomUUID()}`;
    await connect(userId);
    await eventually(async () =>
      (await getNotificationEndpoint({ projectId, endpointId: gone }))?.status === "disabled" ? true : undefined,
    );
    const [delivery] = await listEndpointDeliveries({ projectId, endpointId: gone });
    expect(delivery).toMatchObject({ status: "failed", attempts: 1, responseStatus: 410 });

    const later = `user-${randomUUID()}`;
    await connect(later);
    await eventOf("/all", allEvents, "connection.created", later);
    expect(received.filter((request) => request.path === "/gone")).toHaveLength(1);
    signedInAs(owner);
    expect(await resendDelivery({ projectId, deliveryId: delivery!.id })).toMatchObject({
      ok: false,
      formError: "This endpoint is disabled: enable it first.",
    });

    expect(await enableNotificationEndpoint({ projectId, endpointId: gone })).toEqual({ ok: true, data: undefined });
    expect((await getNotificationEndpoint({ projectId, endpointId: gone }))?.status).toBe("enabled");
    await connect(`user-${randomUUID()}`);
    await eventually(() => (received.filter((request) => request.path === "/gone").length === 2 ? true : undefined));
    expect(await deleteNotificationEndpoint({ projectId, endpointId: gone })).toEqual({ ok: true, data: undefined });
  });
});

describe("workflow.run.failed", () => {
  it("is sent when a run fails, with its run and workflow ids", async () => {
    const userId = `user-${randomUUID()}`;
    await connect(userId);
    const definition = {
      trigger: { kind: "app_event" as const, eventName: "task.check" },
      steps: [
        {
          key: "missing",
          type: "request" as const,
          resourceId,
          method: "GET" as const,
          path: "/tasks/no-such-task",
          query: [],
          headers: [],
          body: "",
          retries: true,
        },
      ],
    };
    const workflow = await createWorkflow({ projectId, name: `Fails ${randomUUID().slice(0, 6)}`, actor: SYSTEM_ACTOR });
    await saveWorkflowDraft({
      projectId,
      workflowId: workflow.id,
      name: workflow.name,
      draft: definition,
      sampleTrigger: {},
      actor: SYSTEM_ACTOR,
      changes: ["steps"],
    });
    await deployWorkflowVersion({ projectId, workflowId: workflow.id, definition, actor: SYSTEM_ACTOR });
    const { runIds } = await sendAppEvent({ projectId, caller: { kind: "backend", userId }, name: "task.check", payload: {} });
    const failed = await eventOf("/runs", runsOnly, "workflow.run.failed", userId);
    expect(failed.data).toMatchObject({
      projectId,
      userId,
      runId: runIds[0],
      workflowId: workflow.id,
      reason: expect.stringContaining("404"),
    });
    expect((await eventOf("/all", allEvents, "workflow.run.failed", userId)).id).toBe(failed.id);
  });
});

describe("hostile input", () => {
  it("refuses http://, a private address the project may not call, another project's ids and a member who is not the owner", async () => {
    const before = await listNotificationEndpoints({ projectId });
    signedInAs(owner);
    expect(
      await createNotificationEndpoint({ projectId, url: "http://hooks.example.com/in", events: ["connection.created"] }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { url: [expect.stringContaining("https://")] },
    });
    expect(await createNotificationEndpoint({ projectId, url: "https://hooks.example.com/in", events: [] })).toMatchObject({
      ok: false,
      fieldErrors: { events: expect.any(Array) },
    });
    expect(
      await createNotificationEndpoint({ projectId, url: "https://169.254.169.254/latest", events: ["connection.created"] }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { url: expect.any(Array) },
    });

    // The member's own project does not allow private networks.
    signedInAs(member);
    for (const url of ["https://10.0.0.5/in", "http://127.0.0.1:9/in", "https://[::1]/in", "http://localhost:9/in"]) {
      expect(await createNotificationEndpoint({ projectId: memberProjectId, url, events: ["connection.created"] })).toMatchObject({
        ok: false,
        fieldErrors: { url: expect.any(Array) },
      });
    }
    expect(await listNotificationEndpoints({ projectId: memberProjectId })).toEqual([]);

    // A member who is not the owner changes nothing.
    expect(await createNotificationEndpoint({ projectId, url: "https://hooks.example.com/in", events: ["connection.created"] })).toEqual({
      ok: false,
      formError: "Only the project owner can do this.",
    });
    expect(await deleteNotificationEndpoint({ projectId, endpointId: allEvents })).toEqual({
      ok: false,
      formError: "Only the project owner can do this.",
    });
    const [someDelivery] = await listEndpointDeliveries({ projectId, endpointId: allEvents });
    expect(await resendDelivery({ projectId, deliveryId: someDelivery!.id })).toEqual({
      ok: false,
      formError: "Only the project owner can do this.",
    });

    // Another project's endpoint and delivery, named under the member's own project.
    expect(await deleteNotificationEndpoint({ projectId: memberProjectId, endpointId: allEvents })).toEqual({
      ok: false,
      formError: "No notification endpoint with this ID in this project.",
    });
    expect(await enableNotificationEndpoint({ projectId: memberProjectId, endpointId: allEvents })).toMatchObject({ ok: false });
    const deliveriesBefore = (await listEndpointDeliveries({ projectId, endpointId: allEvents })).length;
    expect(await resendDelivery({ projectId: memberProjectId, deliveryId: someDelivery!.id })).toEqual({
      ok: false,
      formError: "No delivery with this ID in this project.",
    });
    // Someone outside the project.
    signedInAs(null);
    expect(await deleteNotificationEndpoint({ projectId, endpointId: allEvents })).toMatchObject({ ok: false });

    expect(await listNotificationEndpoints({ projectId })).toEqual(before);
    expect((await listEndpointDeliveries({ projectId, endpointId: allEvents })).length).toBe(deliveriesBefore);
    // The secret is stored encrypted.
    const [row] = await (await getDb()).select().from(notificationEndpoints).where(eq(notificationEndpoints.id, allEvents));
    expect(row!.secret).not.toContain(secrets.get(allEvents)!);
    expect(row!.secret).not.toMatch(/^whsec_/);
  });
});

describe("Connected Users", () => {
  it("lists INVALID connections first, with their reason, and only them when asked", async () => {
    const listed = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const broken = `user-${randomUUID()}`;
    await connect(broken, listed);
    await connect(`user-${randomUUID()}`, listed);
    await (
      await getDb()
    )
      .update(connections)
      .set({ status: "INVALID", invalidReason: "the token endpoint answered invalid_grant" })
      .where(eq(connections.userId, broken));
    const all = await listResourceConnections({ projectId, resourceId: listed });
    expect(all.map((row) => [row.userId === broken, row.status])).toEqual([
      [true, "INVALID"],
      [false, "VALID"],
    ]);
    expect(all[0]!.invalidReason).toContain("invalid_grant");
    expect((await listResourceConnections({ projectId, resourceId: listed, invalidOnly: true })).map((row) => row.userId)).toEqual([
      broken,
    ]);
  });
});

describe("Keep-warm", () => {
  it("is saved for a resource of the project only, with 1 to 90 days", async () => {
    const warm = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    signedInAs(owner);
    expect(await saveKeepWarm({ projectId, resourceId: warm, enabled: true, days: 14 })).toEqual({ ok: true, data: { days: 14 } });
    expect(await getKeepWarmDays({ resourceId: warm })).toBe(14);
    expect(await saveKeepWarm({ projectId, resourceId: warm, enabled: true, days: 91 })).toMatchObject({
      ok: false,
      fieldErrors: { days: expect.any(Array) },
    });
    signedInAs(member);
    expect(await saveKeepWarm({ projectId: memberProjectId, resourceId: warm, enabled: false, days: 1 })).toMatchObject({ ok: false });
    expect(await getKeepWarmDays({ resourceId: warm })).toBe(14);
    signedInAs(owner);
    expect(await saveKeepWarm({ projectId, resourceId: warm, enabled: false, days: 14 })).toEqual({ ok: true, data: { days: null } });
    expect(await getKeepWarmDays({ resourceId: warm })).toBeUndefined();
  });

  it("refreshes a connection not refreshed for the resource's days and leaves a fresh one alone", async () => {
    const warmResource = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    await setKeepWarm({ resourceId: warmResource, days: 7 });
    const staleUser = `user-${randomUUID()}`;
    const freshUser = `user-${randomUUID()}`;
    const staleTokens = await connect(staleUser, warmResource);
    await connect(freshUser, warmResource);
    const stale = (await getUserConnection({ projectId, resourceId: warmResource, userId: staleUser }))!;
    const fresh = (await getUserConnection({ projectId, resourceId: warmResource, userId: freshUser }))!;
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 3600_000);
    await (await getDb()).update(connections).set({ refreshedAt: tenDaysAgo }).where(eq(connections.id, stale.id));
    tasklab.reset();

    const outcome = await runKeepWarm();
    expect(outcome.refreshed).toContain(stale.id);
    expect(outcome.refreshed).not.toContain(fresh.id);
    expect(tasklab.tokenRequests.filter((request) => request.grantType === "refresh_token")).toHaveLength(1);
    const after = (await getUserConnection({ projectId, resourceId: warmResource, userId: staleUser }))!;
    expect(after.refreshedAt!.getTime()).toBeGreaterThan(tenDaysAgo.getTime() + 24 * 3600_000);
    expect(decryptConnectionCredentials(after.id, after.credentials).access_token).not.toBe(staleTokens.accessToken);
    expect((await getUserConnection({ projectId, resourceId: warmResource, userId: freshUser }))!.refreshedAt).toEqual(fresh.refreshedAt);

    // Off again: nothing is refreshed, however stale.
    await setKeepWarm({ resourceId: warmResource, days: null });
    await (await getDb()).update(connections).set({ refreshedAt: tenDaysAgo }).where(eq(connections.id, stale.id));
    expect((await runKeepWarm()).refreshed).not.toContain(stale.id);
  });
});
