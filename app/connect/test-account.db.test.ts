// Test and Publish's Connect test account over real HTTP: the dashboard action makes a test-connection
// connect session (for the resource's DRAFT configuration, told to Switchboard's own origin), Continue
// (POST /connect/:token/authorize) with the signed-in Owner or Admin, TaskLab's sign-in and consent
// pages, and /oauth/callback, which saves the tokens TaskLab issued as the resource's test connection
// through the Test credentials form's own path. A member, another project's resource, a Refresh
// Token resource and the Connect API are refused, and store nothing.
import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { connectTestAccount } from "@/components/resources/actions";
import { getDb } from "@/db/client";
import { addProjectMember } from "@/db/queries/projects";
import { createUserWithProject } from "@/db/queries/users";
import { auditEvents, connections, connectSessions, projectMembers, users } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { getPortalOutcome } from "@/lib/connect-portal/portal";
import { hashToken } from "@/lib/connect-portal/secrets";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { sendTestRequestThroughResource } from "@/lib/connections/test-and-publish";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { getSessionUser } from "@/server/session";
import { authorizeAtTaskLab, startTaskLab, TASKLAB_DEFAULT_CLIENT, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken, ALLOWED_ORIGIN } from "@/test/support/connect-fixtures";
import { servePortalRoutes } from "@/test/support/portal-routes";

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type User = { id: string; email: string };
const signedInAs = (user: User | null) => vi.mocked(getSessionUser).mockResolvedValue(user);

let tasklab: TaskLab;
let server: Awaited<ReturnType<typeof servePortalRoutes>>;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let owner: User;
let member: User;
let outsider: { user: User; projectId: string };

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

/** A User-Level Authorization Code resource for TaskLab, as a draft never published (Required Input `workspace`, unused by TaskLab's /oauth). */
async function draftAuthorizationCodeResource(projectId: string): Promise<string> {
  const { resourceId } = await createResourceDraft({
    projectId,
    values: { name: `TaskLab ${randomUUID().slice(0, 8)}` },
    actor: SYSTEM_ACTOR,
  });
  const save = (step: "api-info" | "authorization" | "request-details", values: unknown) =>
    saveResourceStep({ projectId, resourceId, step, values, actor: SYSTEM_ACTOR });
  await save("api-info", { level: "user", authType: "oauth2", grantType: "authorization_code" });
  await save("authorization", {
    accessTokenUrl: `${tasklab.url}/oauth/token`,
    clientId: TASKLAB_DEFAULT_CLIENT.clientId,
    clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret,
    includeClientCredentials: true,
    requiredInputs: [{ key: "workspace", label: "Workspace" }],
    authorization: { authorizationUrl: `${tasklab.url}/oauth/authorize`, scopes: "tasks:read", usePkce: true, parameters: [] },
  });
  await save("request-details", {
    baseUrl: `${tasklab.url}/api`,
    authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
    userProfile: { source: "request", method: "GET", path: "/me", fields: "id, email", claimPath: "" },
  });
  return resourceId;
}

beforeAll(async () => {
  tasklab = await startTaskLab();
  server = await servePortalRoutes();
  vi.stubEnv("NEXTAUTH_URL", server.url);
  project = await projectWithSigningKey();
  const db = await getDb();
  const [ownerRow] = await db
    .select({ id: users.id, email: users.email })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, project.projectId), eq(projectMembers.role, "owner")));
  owner = ownerRow!;
  const memberEmail = `member-${randomUUID()}@example.test`;
  const created = (await createUserWithProject({ email: memberEmail, passwordHash: "x", projectName: "Member's" }))!;
  member = { id: created.user.id, email: memberEmail };
  await addProjectMember({ projectId: project.projectId, email: memberEmail, actor: SYSTEM_ACTOR });
  const outsiderEmail = `outsider-${randomUUID()}@example.test`;
  const other = (await createUserWithProject({ email: outsiderEmail, passwordHash: "x", projectName: "Other" }))!;
  outsider = { user: { id: other.user.id, email: outsiderEmail }, projectId: other.projectId };
});
beforeEach(() => {
  tasklab.reset();
  signedInAs(owner);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await tasklab?.close();
});

async function sessionsOf(resourceId: string) {
  const db = await getDb();
  return db.select().from(connectSessions).where(eq(connectSessions.resourceId, resourceId));
}

async function testConnections(resourceId: string) {
  const db = await getDb();
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "test")));
}

/** Continue on a session's page, as the signed-in browser: the form's values are the Required Inputs. */
async function continueAt(token: string, form: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/connect/${token}/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    setCookie: response.headers.get("set-cookie"),
    text: await response.text(),
  };
}

describe("Connect test account", () => {
  it("saves the tokens TaskLab issued as the draft resource's test connection, audited as the Test credentials form's save", async () => {
    const resourceId = await draftAuthorizationCodeResource(project.projectId);
    const created = await connectTestAccount({ projectId: project.projectId, resourceId });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const token = created.data.url.split("/connect/")[1]!;
    expect(created.data.url).toBe(`${server.url}/connect/${token}`);

    const [session] = await sessionsOf(resourceId);
    expect(session).toMatchObject({ target: "test", userId: null, origin: server.url, tokenHash: hashToken(token) });
    const ttl = session!.expiresAt.getTime() - session!.createdAt.getTime();
    expect(ttl).toBeGreaterThan(9 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000 + 1000);

    const continued = await continueAt(token, { workspace: "acme" });
    expect(continued.status).toBe(303);
    const back = await authorizeAtTaskLab(continued.location!);
    const answer = await fetch(back, { headers: { cookie: continued.setCookie!.split(";")[0]! }, redirect: "manual" });
    expect(answer.status).toBe(303);
    const sessionId = /^\/connect\/outcome\/([0-9a-f-]{36})$/.exec(answer.headers.get("location") ?? "")?.[1];
    // The dashboard (Switchboard's own origin) hears the outcome.
    expect(await getPortalOutcome(sessionId!)).toMatchObject({ status: "connected", resourceId, origin: server.url });

    const [connection, ...more] = await testConnections(resourceId);
    expect(more).toEqual([]);
    expect(connection).toMatchObject({ kind: "test", userId: null, status: "VALID" });
    expect(connection!.accessTokenExpiresAt).not.toBeNull();
    const credentials = decryptConnectionCredentials(connection!.id, connection!.credentials);
    expect(credentials).toMatchObject({ workspace: "acme", refresh_token: expect.stringMatching(/^tlr_/) });
    expect(tasklab.tokenRequests.map((request) => request.grantType)).toEqual(["authorization_code"]);
    // No Connected User was made.
    const db = await getDb();
    const [userConnections] = await db
      .select({ n: count() })
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user")));
    expect(userConnections!.n).toBe(0);

    // The access token is the one TaskLab issued: a test request through the draft is answered as its user.
    const sent = await sendTestRequestThroughResource({
      projectId: project.projectId,
      resourceId,
      allowPrivateNetwork: true,
      call: { method: "GET", path: "/me" },
    });
    expect(sent.response?.status).toBe(200);
    expect(JSON.parse(sent.response!.body)).toMatchObject({ id: "u_ada" });

    // The Test credentials form's audit record, naming the Owner who pressed Continue, and no secret.
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.objectId, connection!.id));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: "connection.updated",
      actorKind: "user",
      actorName: owner.email,
      changes: ["credentials.access_token", "credentials.refresh_token", "credentials.workspace"],
    });
    expect(JSON.stringify(audits)).not.toContain(credentials.access_token!);

    // Single use: the same answer again is refused, and nothing changes.
    const replay = await fetch(back, { headers: { cookie: continued.setCookie!.split(";")[0]! }, redirect: "manual" });
    expect(replay.status).toBe(400);
    expect((await testConnections(resourceId))[0]!.updatedAt).toEqual(connection!.updatedAt);
  });

  it("refuses a member, in the action and at Continue; stores nothing", async () => {
    const resourceId = await draftAuthorizationCodeResource(project.projectId);
    signedInAs(member);
    expect(await connectTestAccount({ projectId: project.projectId, resourceId })).toEqual({
      ok: false,
      formError: "Only an Owner or Admin can change resources.",
    });
    expect(await sessionsOf(resourceId)).toEqual([]);

    // A session's link in a member's (or a signed-out) browser cannot start the sign-in either.
    signedInAs(owner);
    const created = await connectTestAccount({ projectId: project.projectId, resourceId });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const token = created.data.url.split("/connect/")[1]!;
    signedInAs(member);
    const asMember = await continueAt(token, { workspace: "acme" });
    expect(asMember.status).toBe(403);
    expect(asMember.text).toContain("Only an Owner or Admin can change resources.");
    signedInAs(null);
    const signedOut = await continueAt(token, { workspace: "acme" });
    expect(signedOut.status).toBe(401);
    expect(signedOut.text).toContain("Sign in to Switchboard");
    const [session] = await sessionsOf(resourceId);
    expect(session).toMatchObject({ stateHash: null, authorization: null, usedAt: null });
    expect(tasklab.authorizationRequests).toEqual([]);
    expect(await testConnections(resourceId)).toEqual([]);
  });

  it("refuses another project's resource, and a project the user is not a member of", async () => {
    const foreign = await draftAuthorizationCodeResource(outsider.projectId);
    expect(await connectTestAccount({ projectId: project.projectId, resourceId: foreign })).toMatchObject({
      ok: false,
      formError: "Resource not found.",
    });
    expect(await connectTestAccount({ projectId: outsider.projectId, resourceId: foreign })).toEqual({
      ok: false,
      formError: "Project not found.",
    });
    expect(await sessionsOf(foreign)).toEqual([]);
  });

  it("refuses a resource the Connect Portal does not sign in to (Refresh Token)", async () => {
    const resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth");
    expect(await connectTestAccount({ projectId: project.projectId, resourceId })).toEqual({
      ok: false,
      formError: "Connect test account runs the Authorization Code sign-in: enter this resource's test credentials instead.",
    });
    expect(await sessionsOf(resourceId)).toEqual([]);
  });
});

describe("the Connect API", () => {
  it("makes no test-connection session: a body asking for one is refused, and its sessions are a Connected User's", async () => {
    const resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth-authorization-code");
    const userToken = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "ada" } });
    const ask = (body: unknown) =>
      fetch(`${server.url}/projects/${project.projectId}/sdk/connect-sessions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${userToken}`, origin: ALLOWED_ORIGIN },
        body: JSON.stringify(body),
      });
    for (const body of [
      { resourceId, target: "test" },
      { resourceId, userId: null },
    ]) {
      const refused = await ask(body);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
    }
    expect(await sessionsOf(resourceId)).toEqual([]);
    expect((await ask({ resourceId })).status).toBe(201);
    expect(await sessionsOf(resourceId)).toMatchObject([{ target: "user", userId: "ada" }]);
  });
});
