// The Connect Portal's sessions and its API Keys flow, as an attacker and as a user: connect
// sessions created over real HTTP (POST /projects/:projectId/sdk/connect-sessions), the portal
// page's session checks, and Connect with keys checked by TaskLab through the Validation request.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { createSecretKey } from "@/db/queries/secret-keys";
import { auditEvents, connections, connectSessions } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { hashToken } from "@/lib/connect-portal/secrets";
import { connectWithKeys, openPortalPage } from "@/lib/connect-portal/portal";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { startTaskLab, TASKLAB_DEFAULT_API_KEY, type TaskLab } from "@/test/fixtures/tasklab";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { publishedUserApiKeysResource } from "@/test/support/connect-portal-fixtures";
import { serveRoutes } from "@/test/support/route-http";
import * as connectSessionsRoute from "@/app/projects/[projectId]/sdk/connect-sessions/route";

let tasklab: TaskLab;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let other: Awaited<ReturnType<typeof projectWithSigningKey>>;
let secretKey: string;
let keysResourceId: string;
let refreshResourceId: string;
let appResourceId: string;
let otherKeysResourceId: string;

beforeAll(async () => {
  tasklab = await startTaskLab();
  server = await serveRoutes([
    {
      pattern: /^\/projects\/(?<projectId>[^/]+)\/sdk\/connect-sessions$/,
      handlers: connectSessionsRoute as never,
    },
  ]);
  vi.stubEnv("NEXTAUTH_URL", server.url);
  [project, other] = await Promise.all([projectWithSigningKey(), projectWithSigningKey()]);
  const secret = generateSecretKey();
  await createSecretKey({ projectId: project.projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  secretKey = secret.key;
  keysResourceId = await publishedUserApiKeysResource(project.projectId, tasklab);
  refreshResourceId = await publishedTaskLabResource(project.projectId, tasklab);
  appResourceId = await publishedTaskLabResource(project.projectId, tasklab, "app-api-keys");
  otherKeysResourceId = await publishedUserApiKeysResource(other.projectId, tasklab);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await tasklab?.close();
});

type Json = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

async function createSession({
  projectId = project.projectId,
  resourceId = keysResourceId,
  origin = ALLOWED_ORIGIN as string | null,
  sub = "ada",
  auth = "user" as "user" | "secret",
  body,
}: {
  projectId?: string;
  resourceId?: string;
  origin?: string | null;
  sub?: string;
  auth?: "user" | "secret";
  body?: Record<string, unknown>;
} = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth === "user")
    headers.authorization = `Bearer ${await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub } })}`;
  else {
    headers.authorization = `Bearer ${secretKey}`;
    headers["x-switchboard-user"] = sub;
  }
  if (origin) headers.origin = origin;
  const response = await fetch(`${server.url}/projects/${projectId}/sdk/connect-sessions`, {
    method: "POST",
    headers,
    body: JSON.stringify(body ?? { resourceId }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** The token in a session's URL. */
const tokenOf = (url: unknown) => String(url).split("/connect/")[1]!;

async function sessionCount(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ value: count() }).from(connectSessions);
  return row!.value;
}

async function connectionsOf(resourceId: string) {
  const db = await getDb();
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user")));
}

describe("POST /projects/:projectId/sdk/connect-sessions", () => {
  it("creates a session from an Allowed Origin with a User Token: a portal URL whose token only the hash of is stored", async () => {
    const before = Date.now();
    const { status, json } = await createSession();
    expect(status).toBe(201);
    expect(json.url).toMatch(new RegExp(`^${server.url}/connect/[A-Za-z0-9_-]{43}$`));
    const expiresAt = new Date(String(json.expiresAt)).getTime();
    expect(expiresAt - before).toBeGreaterThan(9 * 60 * 1000);
    expect(expiresAt - before).toBeLessThanOrEqual(10 * 60 * 1000 + 5000);
    const token = tokenOf(json.url);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(connectSessions)
      .where(eq(connectSessions.tokenHash, hashToken(token)));
    expect(row).toMatchObject({
      projectId: project.projectId,
      resourceId: keysResourceId,
      userId: "ada",
      origin: ALLOWED_ORIGIN,
      usedAt: null,
    });
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it.each([
    ["an origin that is not an Allowed Origin", { origin: "https://evil.test" }, 403, "origin_not_allowed"],
    ["no Origin with a User Token", { origin: null }, 403, "origin_not_allowed"],
    ["a Refresh Token resource", { resourceId: "refresh" }, 409, "connect_portal_unsupported"],
    ["an App-Level resource", { resourceId: "app" }, 409, "app_level_resource"],
    ["another project's resource", { resourceId: "other" }, 404, "resource_not_found"],
    ["an unknown field", { body: { resourceId: "keys", extra: 1 } }, 400, "invalid_input"],
  ] as const)("refuses %s and stores nothing", async (_name, options, status, code) => {
    const ids: Record<string, string> = {
      refresh: refreshResourceId,
      app: appResourceId,
      other: otherKeysResourceId,
      keys: keysResourceId,
    };
    const resourceId = "resourceId" in options ? ids[options.resourceId] : keysResourceId;
    const body = "body" in options ? { ...options.body, resourceId: ids[options.body.resourceId] } : undefined;
    const before = await sessionCount();
    const response = await createSession({ ...("origin" in options ? { origin: options.origin } : {}), resourceId, body });
    expect(response.status).toBe(status);
    expect(response.json.error?.code).toBe(code);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses another project's User Token, and a Secret Key call naming no user, storing nothing", async () => {
    const before = await sessionCount();
    const foreign = await signUserToken(other.key.privateKeyPem, { kid: other.key.kid, claims: { sub: "ada" } });
    const response = await fetch(`${server.url}/projects/${project.projectId}/sdk/connect-sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${foreign}`, origin: ALLOWED_ORIGIN },
      body: JSON.stringify({ resourceId: keysResourceId }),
    });
    expect(response.status).toBe(401);
    const noUser = await fetch(`${server.url}/projects/${project.projectId}/sdk/connect-sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
      body: JSON.stringify({ resourceId: keysResourceId }),
    });
    expect(noUser.status).toBe(400);
    expect(((await noUser.json()) as Json).error?.code).toBe("missing_user");
    expect(await sessionCount()).toBe(before);
  });

  it("takes a Secret Key naming the user, with an Allowed Origin or none (a link), and refuses another origin", async () => {
    const withOrigin = await createSession({ auth: "secret", origin: null, body: { resourceId: keysResourceId, origin: ALLOWED_ORIGIN } });
    expect(withOrigin.status).toBe(201);
    const link = await createSession({ auth: "secret", origin: null, sub: "grace" });
    expect(link.status).toBe(201);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(connectSessions)
      .where(eq(connectSessions.tokenHash, hashToken(tokenOf(link.json.url))));
    expect(row).toMatchObject({ userId: "grace", origin: null });

    const before = await sessionCount();
    const refused = await createSession({
      auth: "secret",
      origin: null,
      body: { resourceId: keysResourceId, origin: "https://evil.test" },
    });
    expect(refused).toMatchObject({ status: 403, json: { error: { code: "origin_not_allowed" } } });
    expect(await sessionCount()).toBe(before);
  });
});

describe("the portal page's session checks", () => {
  it("shows a live session's resource and fields; refuses an unknown, expired or used one", async () => {
    const { json } = await createSession({ sub: "page-user" });
    const token = tokenOf(json.url);
    const page = await openPortalPage(token);
    expect(page).toMatchObject({
      flow: "api_keys",
      resourceId: keysResourceId,
      fields: [{ key: "api_key", label: "api_key", secret: true }],
    });
    expect(page.validationHost).toBe(new URL(tasklab.url).host);

    await expect(openPortalPage("x".repeat(43))).rejects.toMatchObject({ code: "connect_session_not_found", status: 404 });
    await expect(openPortalPage(token, new Date(Date.now() + 11 * 60 * 1000))).rejects.toMatchObject({
      code: "connect_session_expired",
      status: 410,
    });
  });
});

describe("Connect with API keys", () => {
  it("shows the API's 401 for a wrong key and stores nothing; the right key then connects once, with the profile", async () => {
    const { json } = await createSession({ sub: "keys-user" });
    const token = tokenOf(json.url);

    const wrong = await connectWithKeys({ token, values: { api_key: "tl_wrong_key" } });
    expect(wrong).toMatchObject({ ok: false, final: false, failure: { code: "validation_failed", answer: { status: 401 } } });
    // Neither the answer shown nor the values the form is filled in with again hold the secret key.
    if (!wrong.ok) expect(JSON.stringify(wrong)).not.toContain("tl_wrong_key");
    expect(await connectionsOf(keysResourceId)).toEqual([]);

    const right = await connectWithKeys({ token, values: { api_key: TASKLAB_DEFAULT_API_KEY } });
    expect(right).toMatchObject({ ok: true });
    const [connection, ...more] = await connectionsOf(keysResourceId);
    expect(more).toEqual([]);
    expect(connection).toMatchObject({ userId: "keys-user", status: "VALID", profile: { id: "u_ada", email: "ada@tasklab.test" } });
    expect(decryptConnectionCredentials(connection!.id, connection!.credentials)).toEqual({ api_key: TASKLAB_DEFAULT_API_KEY });
    const db = await getDb();
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.objectId, connection!.id));
    expect(audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(audits)).not.toContain(TASKLAB_DEFAULT_API_KEY);

    // Single use: the same link cannot connect again.
    const again = await connectWithKeys({ token, values: { api_key: TASKLAB_DEFAULT_API_KEY } });
    expect(again).toMatchObject({ ok: false, final: true, failure: { code: "connect_session_used" } });
    await expect(openPortalPage(token)).rejects.toMatchObject({ code: "connect_session_used" });
  });

  it("refuses an expired session, a session of another project's resource used here, and a missing key, storing nothing", async () => {
    const { json } = await createSession({ sub: "late-user" });
    const late = await connectWithKeys({
      token: tokenOf(json.url),
      values: { api_key: TASKLAB_DEFAULT_API_KEY },
      now: new Date(Date.now() + 11 * 60 * 1000),
    });
    expect(late).toMatchObject({ ok: false, final: true, failure: { code: "connect_session_expired" } });

    const missing = await connectWithKeys({ token: tokenOf((await createSession({ sub: "late-user" })).json.url), values: {} });
    expect(missing).toMatchObject({
      ok: false,
      final: false,
      failure: { code: "invalid_credentials_payload", fields: { api_key: "Required." } },
    });

    const forged = await connectWithKeys({ token: "A".repeat(43), values: { api_key: TASKLAB_DEFAULT_API_KEY } });
    expect(forged).toMatchObject({ ok: false, final: true, failure: { code: "connect_session_not_found" } });
    expect((await connectionsOf(keysResourceId)).filter((row) => row.userId === "late-user")).toEqual([]);
  });
});
