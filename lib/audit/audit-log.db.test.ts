import { getProjectRevision } from "@/db/queries/sdk-state";
import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { recordAuditEvent } from "@/db/queries/audit-events";
import { getUserConnection } from "@/db/queries/connections";
import { addProjectMember, renameProject } from "@/db/queries/projects";
import { createSecretKey, revokeSecretKey } from "@/db/queries/secret-keys";
import { addSigningKey } from "@/db/queries/signing-keys";
import { createUserWithProject } from "@/db/queries/users";
import { auditEvents, projects } from "@/db/schema";
import { POST as enableWorkflowRoute } from "@/app/projects/[projectId]/sdk/workflows/[workflowId]/enable/route";
import { DELETE as disconnectRoute, POST as connectRoute } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import { startTaskLab, TASKLAB_DEFAULT_CLIENT, type TaskLab } from "@/test/fixtures/tasklab";
import { publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { generateSigningKey } from "@/lib/auth/signing-keys";
import { requestThroughResource } from "@/lib/connections/request";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { generateStandardWebhooksSecret } from "@/lib/webhooks/setup-schema";
import { saveWebhookSetup } from "@/lib/webhooks/setup";
import { createWorkflowDraft, deployWorkflow, saveWorkflow } from "@/lib/workflows/workflows";
import { AUDIT_LOG_PAGE_SIZE, type AuditActor, dashboardActor, deleteExpiredAuditEvents, listAuditLogPage } from "./audit-log";

// Every configuration change leaves one audit row, written with the change (or not at all),
// naming its actor, action, object and the fields changed — never a secret's value.

const DAY = 24 * 60 * 60 * 1000;
let tasklab: TaskLab;

beforeAll(async () => {
  // Opening (and migrating) the database takes seconds under load: before the first test's clock starts.
  await getDb();
  tasklab = await startTaskLab();
});
afterAll(() => tasklab.close());
beforeEach(() => tasklab.reset());

async function owner() {
  const email = `owner-${randomUUID()}@example.test`;
  const created = await createUserWithProject({ email, passwordHash: "x", projectName: "Audit" });
  return { projectId: created!.projectId, email, actor: dashboardActor({ id: created!.user.id, email }) };
}

async function eventsOf(projectId: string) {
  const db = await getDb();
  return db.select().from(auditEvents).where(eq(auditEvents.projectId, projectId)).orderBy(auditEvents.createdAt);
}

/** Every column of every audit row, as text: what a secret must never be found in. */
async function wholeAuditTable(): Promise<string> {
  const db = await getDb();
  return JSON.stringify(await db.select().from(auditEvents));
}

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

/** The wizard, step by step, as a team member saves it: a User-Level OAuth resource for TaskLab. */
const publishedResource = (projectId: string, actor: AuditActor) =>
  publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile", { actor });

describe("what is recorded", () => {
  it("records a resource saved step by step and published, by the team member, with the fields each step changed", async () => {
    const { projectId, email, actor } = await owner();
    const resourceId = await publishedResource(projectId, actor);
    const events = (await eventsOf(projectId)).filter((event) => event.objectId === resourceId);
    expect(events.map((event) => event.action)).toEqual([
      "resource.created",
      "resource.updated",
      "resource.updated",
      "resource.updated",
      "resource.published",
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        actorKind: "user",
        actorId: actor.kind === "user" ? actor.userId : "",
        actorName: email,
        objectType: "resource",
      });
      expect(event.objectName).toMatch(/^TaskLab /);
    }
    expect(events[1]!.changes).toEqual(expect.arrayContaining(["level", "authType", "grantType"]));
    expect(events[2]!.changes).toEqual(["config.oauth", "secrets.client_secret"]);
    expect(events[3]!.changes).toEqual(["config.request"]);
    // The first publication has nothing to compare with: every field of the configuration is new,
    // and so are the hosts credentials go to.
    const host = new URL(tasklab.url).host;
    expect(events[4]!.changes).toEqual([
      "level",
      "authType",
      "grantType",
      "config",
      `API Base URL host: none → ${host}`,
      `Access Token URL host: none → ${host}`,
    ]);

    // Published again after a change: what differs from the configuration in force, to the field.
    await saveResourceStep({
      projectId,
      resourceId,
      step: "request-details",
      actor,
      values: {
        baseUrl: `${tasklab.url}/api/v2`,
        authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
        userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      },
    });
    await publishResourceDraft({ projectId, resourceId, actor });
    const [changed, republished] = (await eventsOf(projectId)).slice(-2);
    expect([changed!.action, changed!.changes]).toEqual(["resource.updated", ["config.request.baseUrl"]]);
    expect([republished!.action, republished!.changes]).toEqual([
      "resource.published",
      ["config.request.baseUrl", `API Base URL host: ${host} → ${host}`, `Access Token URL host: ${host} → ${host}`],
    ]);

    // The client secret is in no column of any row.
    expect(await wholeAuditTable()).not.toContain(TASKLAB_DEFAULT_CLIENT.clientSecret);
  });

  it("records a workflow saved and deployed, and a Secret Key's enabling it for a user as the API", async () => {
    const { projectId, email, actor } = await owner();
    const resourceId = await publishedResource(projectId, actor);
    const { workflowId } = await createWorkflowDraft({ projectId, name: "Sync tasks", actor });
    await saveWorkflow({
      projectId,
      workflowId,
      actor,
      values: {
        name: "Sync tasks",
        trigger: { kind: "app_event", eventName: "task.sync" },
        sampleTrigger: "",
        steps: [
          { key: "list", type: "request", resourceId, method: "GET", path: "/tasks", query: [], headers: [], body: "", retries: true },
        ],
      },
    });
    await deployWorkflow({ projectId, workflowId, actor });

    const secret = generateSecretKey();
    const key = await createSecretKey({ projectId, name: "Backend", prefix: secret.prefix, hash: secret.hash, actor });
    const enabled = await enableWorkflowRoute(
      new Request(`http://switchboard.test/projects/${projectId}/sdk/workflows/${workflowId}/enable`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret.key}`, "x-switchboard-user": "ada" },
      }),
      { params: Promise.resolve({ projectId, workflowId }) },
    );
    expect(enabled.status).toBe(200);

    const events = (await eventsOf(projectId)).filter((event) => event.objectId === workflowId);
    expect(
      events.map(({ action, actorKind, actorName, objectName, changes }) => ({ action, actorKind, actorName, objectName, changes })),
    ).toEqual([
      { action: "workflow.created", actorKind: "user", actorName: email, objectName: "Sync tasks", changes: ["name"] },
      { action: "workflow.updated", actorKind: "user", actorName: email, objectName: "Sync tasks", changes: ["trigger", "steps.list"] },
      { action: "workflow.deployed", actorKind: "user", actorName: email, objectName: "Sync tasks", changes: ["deployedVersion"] },
      { action: "workflow.user_enabled", actorKind: "api", actorName: "Backend", objectName: "Sync tasks", changes: ["users.ada.enabled"] },
    ]);
    expect(events[3]!.actorId).toBe(key.id);
    expect(await wholeAuditTable()).not.toContain(secret.key);
  });

  it("records a secret key created and revoked, a signing key added, a member added and the project renamed", async () => {
    const { projectId, email, actor } = await owner();
    const secret = generateSecretKey();
    const key = await createSecretKey({ projectId, name: "CI", prefix: secret.prefix, hash: secret.hash, actor });
    expect(await revokeSecretKey({ projectId, keyId: key.id, actor })).toBe(true);
    // Revoking again changes nothing, and records nothing.
    expect(await revokeSecretKey({ projectId, keyId: key.id, actor })).toBe(false);

    const signing = await generateSigningKey();
    const added = await addSigningKey({
      projectId,
      kid: signing.kid,
      publicKeyJwk: { ...signing.publicKeyJwk },
      source: "generated",
      actor,
    });
    const bob = `bob-${randomUUID()}@example.test`;
    const bobUser = await createUserWithProject({ email: bob, passwordHash: "x", projectName: "Bob's" });
    expect(await addProjectMember({ projectId, email: bob, actor })).toEqual({ ok: true });
    // Already a member: refused, nothing recorded.
    expect(await addProjectMember({ projectId, email: bob, actor })).toEqual({ ok: false, reason: "already-member" });
    await renameProject({ projectId, name: "Audited", actor });
    // The same name again is no change.
    await renameProject({ projectId, name: "Audited", actor });

    const events = await eventsOf(projectId);
    expect(
      events.map(({ action, objectType, objectId, objectName, changes, actorName }) => ({
        action,
        objectType,
        objectId,
        objectName,
        changes,
        actorName,
      })),
    ).toEqual([
      { action: "secret_key.created", objectType: "secret_key", objectId: key.id, objectName: "CI", changes: [], actorName: email },
      { action: "secret_key.revoked", objectType: "secret_key", objectId: key.id, objectName: "CI", changes: [], actorName: email },
      {
        action: "signing_key.created",
        objectType: "signing_key",
        objectId: "id" in added ? added.id : "",
        objectName: signing.kid,
        changes: [],
        actorName: email,
      },
      { action: "member.added", objectType: "member", objectId: bobUser!.user.id, objectName: bob, changes: [], actorName: email },
      { action: "project.updated", objectType: "project", objectId: projectId, objectName: "Audited", changes: ["name"], actorName: email },
    ]);
    const table = await wholeAuditTable();
    expect(table).not.toContain(secret.key);
    expect(table).not.toContain(secret.hash);
  });

  it("records a connection made and deleted by the Connected User, and a refresh that finds it INVALID as the system", async () => {
    const { projectId, actor } = await owner();
    const signing = await generateSigningKey();
    await addSigningKey({ projectId, kid: signing.kid, publicKeyJwk: { ...signing.publicKeyJwk }, source: "generated", actor });
    await (await getDb()).update(projects).set({ allowPrivateNetwork: true }).where(eq(projects.id, projectId));
    const resourceId = await publishedResource(projectId, actor);
    const userId = `user-${randomUUID()}`;
    const token = await signUserToken(signing.privateKeyPem, { claims: { sub: userId } });
    const url = `http://switchboard.test/projects/${projectId}/sdk/resources/${resourceId}/connect`;
    const context = { params: Promise.resolve({ projectId, resourceId }) };
    const refreshToken = tasklab.issueTokens().refreshToken;
    const connected = await connectRoute(
      new Request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      }),
      context,
    );
    expect(connected.status).toBe(200);
    const connectionId = ((await connected.json()) as { id: string }).id;
    // A reconnect replaces the VALID connection (one statement: the update and its record).
    const reconnected = await connectRoute(
      new Request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: tasklab.issueTokens().refreshToken }),
      }),
      context,
    );
    expect(reconnected.status).toBe(200);
    const disconnected = await disconnectRoute(
      new Request(url, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }),
      context,
    );
    expect(disconnected.status).toBe(200);

    // Connected again with a refresh token TaskLab never issued: the first request's refresh gets invalid_grant.
    const other = `user-${randomUUID()}`;
    const otherToken = await signUserToken(signing.privateKeyPem, { claims: { sub: other } });
    const again = await connectRoute(
      new Request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${otherToken}`, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: "never-issued-refresh-token" }),
      }),
      context,
    );
    expect(again.status).toBe(200);
    await expect(
      requestThroughResource({
        project: { id: projectId, allowPrivateNetwork: true, revision: (await getProjectRevision({ projectId }))! },
        resourceId,
        caller: { kind: "backend", userId: other },
        input: { method: "GET", path: "/tasks" },
      }),
    ).rejects.toMatchObject({ code: "reconnect_needed" });
    const invalid = (await getUserConnection({ projectId, resourceId, userId: other }))!;
    expect(invalid.status).toBe("INVALID");

    const events = (await eventsOf(projectId)).filter((event) => event.objectType === "connection");
    expect(
      events.map(({ action, actorKind, actorId, actorName, objectId, changes }) => ({
        action,
        actorKind,
        actorId,
        actorName,
        objectId,
        changes,
      })),
    ).toEqual([
      {
        action: "connection.created",
        actorKind: "connected_user",
        actorId: userId,
        actorName: userId,
        objectId: connectionId,
        changes: ["credentials.refresh_token"],
      },
      {
        action: "connection.replaced",
        actorKind: "connected_user",
        actorId: userId,
        actorName: userId,
        objectId: connectionId,
        changes: ["credentials.refresh_token"],
      },
      {
        action: "connection.deleted",
        actorKind: "connected_user",
        actorId: userId,
        actorName: userId,
        objectId: connectionId,
        changes: [],
      },
      {
        action: "connection.created",
        actorKind: "connected_user",
        actorId: other,
        actorName: other,
        objectId: invalid.id,
        changes: ["credentials.refresh_token"],
      },
      {
        action: "connection.invalidated",
        actorKind: "system",
        actorId: null,
        actorName: "System",
        objectId: invalid.id,
        changes: ["status"],
      },
    ]);
    expect(events[0]!.objectName).toMatch(new RegExp(`^TaskLab .*: user ${userId}$`));
    expect(events[1]!.objectName).toBe(events[0]!.objectName);
    const table = await wholeAuditTable();
    for (const secret of [refreshToken, "never-issued-refresh-token", token, TASKLAB_DEFAULT_CLIENT.clientSecret])
      expect(table).not.toContain(secret);
  });

  it("records the webhook setup by field name, the signing secret as changed but never its value", async () => {
    const { projectId, actor } = await owner();
    const resourceId = await publishedResource(projectId, actor);
    const signingSecret = generateStandardWebhooksSecret();
    await saveWebhookSetup({
      projectId,
      resourceId,
      actor,
      values: {
        signature: { kind: "standard_webhooks" },
        signingSecret,
        eventTypeTemplate: "{{payload.type}}",
        eventTypes: ["task.created"],
        userMatchTemplate: "{{payload.account_id}}",
        userMatchField: { kind: "user_id" },
        eventIdTemplate: "{{headers.webhook-id}}",
      },
    });
    const [event] = (await eventsOf(projectId)).filter((row) => row.action === "resource.webhook_updated");
    expect(event).toMatchObject({ objectType: "resource", objectId: resourceId });
    expect(event!.changes).toEqual(expect.arrayContaining(["webhook.signature", "webhook.eventTypes", "secrets.webhook_secret"]));
    expect(await wholeAuditTable()).not.toContain(signingSecret);
    expect(await wholeAuditTable()).not.toContain(signingSecret.slice("whsec_".length));
  });
});

describe("atomicity", () => {
  it("writes no audit row for a change that fails validation", async () => {
    const { projectId, actor } = await owner();
    const { resourceId } = await createResourceDraft({ projectId, values: { name: "Valid" }, actor });
    const before = (await eventsOf(projectId)).length;
    await expect(saveResourceStep({ projectId, resourceId, step: "api-info", values: { level: "nope" }, actor })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(createResourceDraft({ projectId, values: { name: "" }, actor })).rejects.toMatchObject({ code: "invalid_input" });
    // A name taken is refused by the database: the audit row of that insert goes with it.
    await expect(createResourceDraft({ projectId, values: { name: "Valid" }, actor })).rejects.toMatchObject({ code: "name_taken" });
    expect((await eventsOf(projectId)).length).toBe(before);
  });

  it("rolls the change back when its audit row cannot be written", async () => {
    const { projectId, actor } = await owner();
    const db = await getDb();
    // A constraint that refuses this project's project.updated events only (test files may share a database).
    const constraint = `refuse_${projectId.replaceAll("-", "")}`;
    await db.execute(
      sql.raw(
        `alter table audit_events add constraint ${constraint} check (project_id <> '${projectId}'::uuid or action <> 'project.updated')`,
      ),
    );
    try {
      await expect(renameProject({ projectId, name: "Never kept", actor })).rejects.toThrow();
    } finally {
      await db.execute(sql.raw(`alter table audit_events drop constraint ${constraint}`));
    }
    const [project] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, projectId));
    expect(project!.name).toBe("Audit");
    expect(await eventsOf(projectId)).toEqual([]);
    // Without the constraint the same change goes through, with its row.
    await renameProject({ projectId, name: "Kept", actor });
    expect((await eventsOf(projectId)).map((event) => event.action)).toEqual(["project.updated"]);
  });
});

describe("the Audit Log page's listing", () => {
  /** Writes events directly, as the changes would, at chosen times. */
  async function seed(projectId: string, rows: Array<{ actor: AuditActor; type: string; name: string; at: Date }>) {
    const db = await getDb();
    // Each row is found again by its object's id: rows written within one clock tick (PGlite's
    // clock_timestamp() can repeat) have no order of their own.
    const objectIds = rows.map(() => randomUUID());
    await db.transaction(async (tx) => {
      for (const [index, row] of rows.entries()) {
        await recordAuditEvent(tx, {
          projectId,
          actor: row.actor,
          action: `${row.type}.updated`,
          object: { type: row.type, id: objectIds[index]!, name: row.name },
        });
      }
    });
    for (const [index, objectId] of objectIds.entries())
      await db.update(auditEvents).set({ createdAt: rows[index]!.at }).where(eq(auditEvents.objectId, objectId));
  }

  it("lists a project's own events only, newest first, filtered by actor, object and time range", async () => {
    const a = await owner();
    const b = await owner();
    const alice: AuditActor = { kind: "user", userId: randomUUID(), email: "alice@example.test" };
    const api: AuditActor = { kind: "api", secretKeyId: randomUUID(), secretKeyName: "Nightly sync" };
    await seed(a.projectId, [
      { actor: alice, type: "resource", name: "TaskLab", at: new Date("2026-11-01T10:00:00Z") },
      { actor: api, type: "workflow", name: "Sync tasks", at: new Date("2026-11-02T10:00:00Z") },
      { actor: alice, type: "workflow", name: "Invoices", at: new Date("2026-11-03T23:59:00Z") },
      { actor: { kind: "system" }, type: "connection", name: "TaskLab: user ada", at: new Date("2026-11-04T00:00:00Z") },
    ]);
    await seed(b.projectId, [{ actor: alice, type: "resource", name: "TaskLab", at: new Date("2026-11-05T10:00:00Z") }]);

    const names = async (projectId: string, filters: Parameters<typeof listAuditLogPage>[0]["filters"] = {}) =>
      (await listAuditLogPage({ projectId, filters })).events.map((event) => event.objectName);
    expect(await names(a.projectId)).toEqual(["TaskLab: user ada", "Invoices", "Sync tasks", "TaskLab"]);
    expect(await names(b.projectId)).toEqual(["TaskLab"]);
    expect(await names(a.projectId, { actor: "ALICE@" })).toEqual(["Invoices", "TaskLab"]);
    expect(await names(a.projectId, { actor: "nightly" })).toEqual(["Sync tasks"]);
    expect(await names(a.projectId, { actor: "%" })).toEqual([]);
    expect(await names(a.projectId, { objectType: "workflow" })).toEqual(["Invoices", "Sync tasks"]);
    expect(await names(a.projectId, { objectName: "tasklab" })).toEqual(["TaskLab: user ada", "TaskLab"]);
    expect(await names(a.projectId, { objectType: "resource", objectName: "tasklab" })).toEqual(["TaskLab"]);
    // From and To are whole UTC days, both included.
    expect(await names(a.projectId, { from: "2026-11-02", to: "2026-11-03" })).toEqual(["Invoices", "Sync tasks"]);
    expect(await names(a.projectId, { from: "2026-11-04" })).toEqual(["TaskLab: user ada"]);
    expect(await names(a.projectId, { to: "2026-11-01" })).toEqual(["TaskLab"]);
  });

  it("pages by the last event shown, and another project's cursor lists nothing", async () => {
    const { projectId } = await owner();
    const other = await owner();
    const actor: AuditActor = { kind: "system" };
    const start = Date.now() - 10 * DAY;
    await seed(
      projectId,
      Array.from({ length: AUDIT_LOG_PAGE_SIZE + 5 }, (_, index) => ({
        actor,
        type: "resource",
        name: `R${index}`,
        at: new Date(start + index * 60_000),
      })),
    );
    const first = await listAuditLogPage({ projectId, filters: {} });
    expect(first.events).toHaveLength(AUDIT_LOG_PAGE_SIZE);
    expect(first.events[0]!.objectName).toBe(`R${AUDIT_LOG_PAGE_SIZE + 4}`);
    expect(first.next).toBe(first.events.at(-1)!.id);
    const second = await listAuditLogPage({ projectId, filters: { before: first.next } });
    expect(second.events.map((event) => event.objectName)).toEqual(["R4", "R3", "R2", "R1", "R0"]);
    expect(second.next).toBeUndefined();
    expect((await listAuditLogPage({ projectId: other.projectId, filters: { before: first.next } })).events).toEqual([]);
  });
});

describe("retention", () => {
  it("deletes events older than 90 days and keeps the others", async () => {
    const { projectId, actor } = await owner();
    await renameProject({ projectId, name: "One", actor });
    await renameProject({ projectId, name: "Two", actor });
    await renameProject({ projectId, name: "Three", actor });
    const [old, recent, fresh] = (await eventsOf(projectId)).map((event) => event.id);
    const now = new Date();
    const db = await getDb();
    await db
      .update(auditEvents)
      .set({ createdAt: new Date(now.getTime() - 91 * DAY) })
      .where(eq(auditEvents.id, old!));
    await db
      .update(auditEvents)
      .set({ createdAt: new Date(now.getTime() - 89 * DAY) })
      .where(eq(auditEvents.id, recent!));

    expect(await deleteExpiredAuditEvents(now)).toBeGreaterThanOrEqual(1);
    const left = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(inArray(auditEvents.id, [old!, recent!, fresh!]));
    expect(left.map((row) => row.id).sort()).toEqual([recent!, fresh!].sort());
  });
});
