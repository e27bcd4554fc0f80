import { randomBytes, randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as connectRoute } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import { POST as webhookRoute } from "@/app/projects/[projectId]/resources/[resourceId]/webhook/route";
import { getDb } from "@/db/client";
import { connections, webhookEvents, workflowRuns } from "@/db/schema";
import { signWebhook, startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { alwaysStep, callSdkRoute } from "@/test/support/sdk-route-fixtures";
import { setUpWebhooks, taskLabWebhookSettings } from "@/test/support/webhook-fixtures";
import { deployedWorkflow } from "@/test/support/workflow-fixtures";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { getWebhookEventView } from "./setup";

// User matching by a User Profile field never guesses: only VALID connections match, a value
// several of them hold makes the event ambiguous (kept with that reason, nothing runs), and a
// field marked unique refuses at connect a value another user's VALID connection holds. Through
// the Connect API and webhook route handlers, on a real database, with TaskLab as the API.

let tasklab: TaskLab;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;

beforeAll(async () => {
  tasklab = await startTaskLab();
  project = await projectWithSigningKey();
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await tasklab?.close();
});

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function connect(resourceId: string, userId: string, body: Record<string, string>) {
  const token = await signUserToken(project.key.privateKeyPem, { claims: { sub: userId } });
  return callSdkRoute(connectRoute, {
    url: `/projects/${project.projectId}/sdk/resources/${resourceId}/connect`,
    params: { projectId: project.projectId, resourceId },
    auth: { token },
    body,
  });
}

/** Connects `userId` with tokens of TaskLab user `tasklabUser`: its /me (id, email, team.name) is the profile. */
async function connectAs(resourceId: string, userId: string, tasklabUser: string) {
  const tokens = tasklab.issueTokens(tasklabUser);
  return connect(resourceId, userId, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken });
}

async function deliver(resourceId: string, payload: Record<string, unknown>) {
  const signed = signWebhook({ secret, type: "task.created", payload });
  const request = new Request(`http://switchboard.test/projects/${project.projectId}/resources/${resourceId}/webhook`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  const response = await webhookRoute(request, { params: Promise.resolve({ projectId: project.projectId, resourceId }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function eventsOf(resourceId: string) {
  const db = await getDb();
  return db.select().from(webhookEvents).where(eq(webhookEvents.resourceId, resourceId)).orderBy(asc(webhookEvents.receivedAt));
}

async function runsOf(workflowId: string) {
  const db = await getDb();
  return db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId));
}

async function userConnections(resourceId: string) {
  const db = await getDb();
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user")));
}

async function markInvalid(resourceId: string, userId: string) {
  const db = await getDb();
  await db
    .update(connections)
    .set({ status: "INVALID", invalidReason: "invalid_grant" })
    .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, userId)));
}

/** A "user-oauth" resource (profile id, email, team.name from TaskLab's /me) whose webhooks match on the profile's email, with a workflow on task.created. */
async function resourceMatchingEmail({ unique: markedUnique = false } = {}) {
  const resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth");
  await setUpWebhooks({
    projectId: project.projectId,
    resourceId,
    webhook: taskLabWebhookSettings({
      userMatchTemplate: "{{payload.email}}",
      userMatchField: { kind: "profile", path: "email", unique: markedUnique },
    }),
    secret,
  });
  const workflowId = await deployedWorkflow(project.projectId, {
    trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
    steps: [alwaysStep],
  });
  return { resourceId, workflowId };
}

describe("User matching on a profile field", () => {
  it("keeps an event whose value two VALID connections hold as ambiguous, with the reason, and starts no run", async () => {
    const { resourceId, workflowId } = await resourceMatchingEmail();
    const shared = unique("tl");
    expect((await connectAs(resourceId, unique("first"), shared)).status).toBe(200);
    expect((await connectAs(resourceId, unique("second"), shared)).status).toBe(200);

    const response = await deliver(resourceId, { email: `${shared}@tasklab.test` });
    expect(response).toMatchObject({ status: 200, json: { matched: false, runIds: [] } });
    const [event] = await eventsOf(resourceId);
    expect(event).toMatchObject({
      matched: false,
      userId: null,
      runIds: [],
      rejectedReason: null,
      unmatchedReason: expect.stringMatching(/^Ambiguous: .*email = ".*@tasklab\.test"/),
    });
    expect(await runsOf(workflowId)).toEqual([]);
    // The event's page says why.
    const view = await getWebhookEventView({ projectId: project.projectId, resourceId, eventId: event!.id });
    expect(view.unmatchedReason).toMatch(/more than one VALID connection/);
  });

  it("matches the VALID connection when an INVALID one holds the same value", async () => {
    const { resourceId, workflowId } = await resourceMatchingEmail();
    const shared = unique("tl");
    const stale = unique("stale");
    const current = unique("current");
    expect((await connectAs(resourceId, stale, shared)).status).toBe(200);
    await markInvalid(resourceId, stale);
    expect((await connectAs(resourceId, current, shared)).status).toBe(200);

    const response = await deliver(resourceId, { email: `${shared}@tasklab.test` });
    expect(response).toMatchObject({ status: 200, json: { matched: true, runIds: [expect.any(String)] } });
    expect((await runsOf(workflowId)).map((run) => run.userId)).toEqual([current]);
    expect((await eventsOf(resourceId))[0]).toMatchObject({ matched: true, userId: current, unmatchedReason: null });

    // With only the INVALID one left holding it, nothing matches.
    await markInvalid(resourceId, current);
    const none = await deliver(resourceId, { email: `${shared}@tasklab.test` });
    expect(none).toMatchObject({ status: 200, json: { matched: false, runIds: [] } });
    expect((await eventsOf(resourceId))[1]).toMatchObject({ matched: false, unmatchedReason: null });
  });

  it("refuses with 409 a second user's connect claiming a value held, when the field is marked unique, and stores nothing", async () => {
    const { resourceId, workflowId } = await resourceMatchingEmail({ unique: true });
    const shared = unique("tl");
    const first = unique("first");
    const second = unique("second");
    expect((await connectAs(resourceId, first, shared)).status).toBe(200);

    const refused = await connectAs(resourceId, second, shared);
    expect(refused.status).toBe(409);
    expect(refused.json?.error).toMatchObject({ code: "profile_value_taken", message: expect.stringContaining("email") });
    expect((await userConnections(resourceId)).map((row) => row.userId)).toEqual([first]);

    // The holder may reconnect; two connects claiming one value at once: one wins.
    expect((await connectAs(resourceId, first, shared)).status).toBe(200);
    const race = unique("tl");
    const statuses = await Promise.all([connectAs(resourceId, unique("a"), race), connectAs(resourceId, unique("b"), race)]);
    expect(statuses.map((answer) => answer.status).sort()).toEqual([200, 409]);

    // An INVALID holder does not hold the value: the other user may take it.
    await markInvalid(resourceId, first);
    expect((await connectAs(resourceId, second, shared)).status).toBe(200);
    const response = await deliver(resourceId, { email: `${shared}@tasklab.test` });
    expect(response.json).toMatchObject({ matched: true });
    expect((await runsOf(workflowId)).map((run) => run.userId)).toEqual([second]);
  });

  it("the attack: a forged access token connecting first is refused, and the victim's events run for the victim", async () => {
    const resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth", {
      userProfile: {
        source: "jwt",
        method: "GET",
        path: "",
        fields: "",
        claimPath: "account_id",
        jwksUrl: `${tasklab.url}/.well-known/jwks.json`,
      },
    });
    await setUpWebhooks({
      projectId: project.projectId,
      resourceId,
      webhook: taskLabWebhookSettings({
        userMatchTemplate: "{{payload.account_id}}",
        userMatchField: { kind: "profile", path: "account_id" },
      }),
      secret,
    });
    const workflowId = await deployedWorkflow(project.projectId, {
      trigger: { kind: "resource_event", resourceId, eventType: "task.created" },
      steps: [alwaysStep],
    });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const forged = `${b64({ alg: "none", typ: "JWT" })}.${b64({ account_id: "acct-victim" })}.`;

    const attacker = await connect(resourceId, unique("attacker"), { access_token: forged, refresh_token: "anything" });
    expect(attacker.status).toBe(422);
    expect(attacker.json?.error?.code).toBe("profile_unverified");

    const victim = unique("victim");
    const connected = await connect(resourceId, victim, {
      access_token: tasklab.signedAccessToken({ account_id: "acct-victim" }),
      refresh_token: tasklab.issueTokens().refreshToken,
    });
    expect(connected.status).toBe(200);
    expect((await userConnections(resourceId)).map((row) => [row.userId, row.profile])).toEqual([[victim, { account_id: "acct-victim" }]]);

    const response = await deliver(resourceId, { account_id: "acct-victim" });
    expect(response.json).toMatchObject({ matched: true, runIds: [expect.any(String)] });
    expect((await runsOf(workflowId)).map((run) => run.userId)).toEqual([victim]);
  });
});
