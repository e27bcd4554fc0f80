import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { saveWebhookSetup } from "@/app/(dashboard)/projects/[projectId]/resources/[resourceId]/webhooks/actions";
import { setMemberRole } from "@/app/(dashboard)/projects/[projectId]/settings/actions";
import { createNotificationEndpoint } from "@/app/(dashboard)/projects/[projectId]/settings/notifications/actions";
import { importResourceConfig } from "@/components/as-code/actions";
import { getDb } from "@/db/client";
import { addProjectMember, getProjectMembership, setAllowPrivateNetwork } from "@/db/queries/projects";
import { getResource } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { auditEvents, notificationEvents, resources } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { getSessionUser } from "@/server/session";
import { createResource, deleteResource, publishResource, saveResourceStep, saveTestCredentials } from "@/components/resources/actions";

// Who may change a resource: the owner and admins; a member reads it. A member's every
// resource-changing action is refused and changes nothing (the hole: a member moved a
// published resource's API Base URL elsewhere and published it, sending every connected user's
// credentials there). A publish is audited with its hosts before and after, and recorded as a
// resource.published notification event. Real actions on a real database (PGlite, and
// PostgreSQL when DATABASE_URL is set); only the session is set per test.

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let tasklab: TaskLab;
let projectId: string;
let owner: { id: string; email: string };
let admin: { id: string; email: string };
let member: { id: string; email: string };

async function account(name: string) {
  const email = `${name}-${randomUUID()}@example.test`;
  const created = (await createUserWithProject({ email, passwordHash: "x", projectName: name }))!;
  return { user: { id: created.user.id, email }, projectId: created.projectId };
}

const signedInAs = (user: { id: string; email: string }) => vi.mocked(getSessionUser).mockResolvedValue(user);

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
const requestDetails = (baseUrl: string) => ({
  baseUrl,
  authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
  userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
});

const REFUSED = { ok: false, formError: "Only an Owner or Admin can change resources." };

async function resourceRow(resourceId: string) {
  const db = await getDb();
  const [row] = await db.select().from(resources).where(eq(resources.id, resourceId));
  return row!;
}

async function publishEvents(resourceId: string) {
  const db = await getDb();
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.objectId, resourceId), eq(auditEvents.action, "resource.published")))
    .orderBy(desc(auditEvents.createdAt));
}

async function publishedNotifications() {
  const db = await getDb();
  const rows = await db
    .select()
    .from(notificationEvents)
    .where(and(eq(notificationEvents.projectId, projectId), eq(notificationEvents.type, "resource.published")));
  return rows.map(
    (row) =>
      row.payload as {
        type: string;
        data: { resourceId: string; reason: string | null; hosts: { field: string; before: string; after: string }[] };
      },
  );
}

beforeAll(async () => {
  tasklab = await startTaskLab();
  const created = await account("owner");
  owner = created.user;
  projectId = created.projectId;
  admin = (await account("admin")).user;
  member = (await account("member")).user;
  for (const user of [admin, member]) await addProjectMember({ projectId, email: user.email, actor: SYSTEM_ACTOR });
  signedInAs(owner);
  expect(await setMemberRole({ projectId, userId: admin.id, role: "admin" })).toEqual({ ok: true, data: undefined });
  // An endpoint that hears resource.published: an event is recorded only for a subscribed endpoint.
  await setAllowPrivateNetwork({ projectId, allow: true, actor: SYSTEM_ACTOR });
  expect(await createNotificationEndpoint({ projectId, url: `${tasklab.url}/echo`, events: ["resource.published"] })).toMatchObject({
    ok: true,
  });
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await tasklab?.close();
});

describe("resource roles", () => {
  it("refuses every resource-changing action of a member, and changes nothing", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const before = await resourceRow(resourceId);
    const audited = (await publishEvents(resourceId)).length;
    signedInAs(member);
    const evil = "https://collector.attacker.test/api";
    expect(await saveResourceStep({ projectId, resourceId, step: "request-details", values: requestDetails(evil) })).toEqual(REFUSED);
    expect(await saveResourceStep({ projectId, resourceId, step: "name", values: { name: "Renamed" } })).toEqual(REFUSED);
    expect(await publishResource({ projectId, resourceId })).toEqual(REFUSED);
    expect(await saveTestCredentials({ projectId, resourceId, values: { access_token: "a", refresh_token: "b" } })).toEqual(REFUSED);
    expect(await deleteResource({ projectId, resourceId })).toEqual(REFUSED);
    expect(await createResource({ projectId, values: { name: `Mine ${randomUUID().slice(0, 6)}` } })).toEqual(REFUSED);
    expect(await saveWebhookSetup({ projectId, resourceId, values: {} })).toEqual(REFUSED);
    expect(await importResourceConfig({ projectId, json: '{"kind":"resource","version":1}' })).toEqual(REFUSED);
    // Nor may a member make themselves an admin.
    expect(await setMemberRole({ projectId, userId: member.id, role: "admin" })).toMatchObject({
      ok: false,
      formError: "Only the project owner can do this.",
    });

    const after = await resourceRow(resourceId);
    expect(after).toEqual(before);
    expect((await publishEvents(resourceId)).length).toBe(audited);
    expect((await getProjectMembership({ projectId, userId: member.id }))!.role).toBe("member");
  });

  it("lets an admin move the API Base URL and publish: audited with the old and new host, and a resource.published event", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const oldHost = new URL(tasklab.url).host;
    const newHost = `localhost:${tasklab.port}`;
    signedInAs(admin);
    expect(
      await saveResourceStep({ projectId, resourceId, step: "request-details", values: requestDetails(`http://${newHost}/api`) }),
    ).toMatchObject({ ok: true });
    expect(await publishResource({ projectId, resourceId })).toEqual({ ok: true, data: undefined });

    expect((await getResource({ projectId, resourceId }))!.published!.config.request!.baseUrl).toBe(`http://${newHost}/api`);
    const [latest] = await publishEvents(resourceId);
    expect(latest).toMatchObject({ actorKind: "user", actorName: admin.email });
    expect(latest!.changes).toEqual(
      expect.arrayContaining([
        "config.request.baseUrl",
        `API Base URL host: ${oldHost} → ${newHost}`,
        `Access Token URL host: ${oldHost} → ${oldHost}`,
      ]),
    );
    const notified = (await publishedNotifications()).filter((event) => event.data.resourceId === resourceId);
    // The first publish (by the fixture) and the admin's.
    expect(notified).toHaveLength(2);
    expect(notified).toContainEqual(
      expect.objectContaining({
        type: "resource.published",
        data: expect.objectContaining({
          reason: `Credentials now go to another host: API Base URL host: ${oldHost} → ${newHost}.`,
          hosts: [
            { field: "API Base URL", before: oldHost, after: newHost },
            { field: "Access Token URL", before: oldHost, after: oldHost },
          ],
        }),
      }),
    );
  });

  it("lets the owner change and publish, and demote an admin back to member (audited)", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    signedInAs(owner);
    expect(
      await saveResourceStep({ projectId, resourceId, step: "request-details", values: requestDetails(`${tasklab.url}/header`) }),
    ).toMatchObject({ ok: true });
    expect(await publishResource({ projectId, resourceId })).toEqual({ ok: true, data: undefined });
    expect((await publishEvents(resourceId))[0]).toMatchObject({ actorName: owner.email });

    const other = (await account("other")).user;
    await addProjectMember({ projectId, email: other.email, actor: SYSTEM_ACTOR });
    expect(await setMemberRole({ projectId, userId: other.id, role: "admin" })).toEqual({ ok: true, data: undefined });
    expect(await setMemberRole({ projectId, userId: other.id, role: "member" })).toEqual({ ok: true, data: undefined });
    expect(await setMemberRole({ projectId, userId: owner.id, role: "member" })).toMatchObject({ ok: false });
    expect((await getProjectMembership({ projectId, userId: owner.id }))!.role).toBe("owner");
    const db = await getDb();
    const roleChanges = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.objectId, other.id), eq(auditEvents.action, "member.role_changed")))
      .orderBy(auditEvents.createdAt);
    expect(roleChanges.map((event) => event.changes)).toEqual([["role: member → admin"], ["role: admin → member"]]);
  });
});
