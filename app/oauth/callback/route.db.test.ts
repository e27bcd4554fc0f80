// The Connect Portal's Authorization Code flow over real HTTP, as a user and as an attacker:
// a connect session (POST /sdk/connect-sessions), Continue (POST /connect/:token/authorize) with
// its state, browser-binding cookie and PKCE challenge, TaskLab's sign-in and consent pages
// (PKCE-enforcing), and /oauth/callback. Every refusal is a clear error page or error outcome,
// and stores nothing.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { getResource } from "@/db/queries/resources";
import { auditEvents, connections, connectSessions } from "@/db/schema";
import { getPortalOutcome } from "@/lib/connect-portal/portal";
import { hashToken } from "@/lib/connect-portal/secrets";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { openConnectionSession } from "@/lib/connections/session";
import { authorizeAtTaskLab, startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { ALLOWED_ORIGIN, projectWithSigningKey, signUserToken } from "@/test/support/connect-fixtures";
import { publishedAuthorizationCodeResource } from "@/test/support/connect-portal-fixtures";
import { servePortalRoutes } from "@/test/support/portal-routes";

let tasklab: TaskLab;
let server: Awaited<ReturnType<typeof servePortalRoutes>>;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let resourceId: string;
let otherResourceId: string;
let noPkceResourceId: string;

beforeAll(async () => {
  tasklab = await startTaskLab();
  server = await servePortalRoutes();
  vi.stubEnv("NEXTAUTH_URL", server.url);
  project = await projectWithSigningKey();
  resourceId = await publishedAuthorizationCodeResource(project.projectId, tasklab);
  otherResourceId = await publishedAuthorizationCodeResource(project.projectId, tasklab);
  noPkceResourceId = await publishedAuthorizationCodeResource(project.projectId, tasklab, { usePkce: false });
});
beforeEach(() => tasklab.reset());
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await tasklab?.close();
});

interface Started {
  token: string;
  /** Where Continue sent the browser: TaskLab's authorization endpoint. */
  location: string;
  /** The browser-binding cookie, as a Cookie header's `name=value`. */
  cookie: string;
  setCookie: string;
}

/** A connect session for `sub` (from the Allowed Origin), and Continue on its page. */
async function start(sub: string, resource = resourceId): Promise<Started> {
  const userToken = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub } });
  const created = await fetch(`${server.url}/projects/${project.projectId}/sdk/connect-sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${userToken}`, origin: ALLOWED_ORIGIN },
    body: JSON.stringify({ resourceId: resource }),
  });
  expect(created.status).toBe(201);
  const token = String(((await created.json()) as { url: string }).url).split("/connect/")[1]!;
  const continued = await fetch(`${server.url}/connect/${token}/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "",
    redirect: "manual",
  });
  expect(continued.status).toBe(303);
  const setCookie = continued.headers.get("set-cookie")!;
  return { token, location: continued.headers.get("location")!, cookie: setCookie.split(";")[0]!, setCookie };
}

/** The browser back at /oauth/callback (with `cookie`, when it has one). */
async function callback(url: string, cookie?: string) {
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  return {
    status: response.status,
    location: response.headers.get("location"),
    setCookie: response.headers.get("set-cookie"),
    text: await response.text(),
  };
}

async function userConnections(userId: string) {
  const db = await getDb();
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.projectId, project.projectId), eq(connections.userId, userId)));
}

async function sessionOf(token: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(connectSessions)
    .where(eq(connectSessions.tokenHash, hashToken(token)));
  return row!;
}

/** The outcome the callback ended with, read as the outcome page reads it. */
async function outcomeAt(location: string | null) {
  const sessionId = /^\/connect\/outcome\/([0-9a-f-]{36})$/.exec(location ?? "")?.[1];
  expect(sessionId, `redirected to ${location}`).toBeDefined();
  return getPortalOutcome(sessionId!);
}

describe("the Authorization Code flow", () => {
  it("Continue sends the browser to the Authorization URL with state and an S256 challenge, binding it with an HttpOnly cookie", async () => {
    const { location, setCookie, token } = await start("url-check");
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(`${tasklab.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "tasklab-client",
      redirect_uri: `${server.url}/oauth/callback`,
      scope: "tasks:read",
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/; Path=\/oauth\/callback; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeLessThanOrEqual(600);
    // Stored as hashes and ciphertext only.
    const session = await sessionOf(token);
    expect(session.stateHash).toBe(hashToken(url.searchParams.get("state")!));
    expect(JSON.stringify(session)).not.toContain(url.searchParams.get("state")!);
    expect(JSON.stringify(session)).not.toContain(setCookie.split(";")[0]!.split("=")[1]!);
  });

  it("connects the user: the code is exchanged with the verifier, the profile fetched, the connection saved once and used", async () => {
    const started = await start("ada-portal");
    const back = await authorizeAtTaskLab(started.location);
    expect(back.startsWith(`${server.url}/oauth/callback?`)).toBe(true);
    const answer = await callback(back, started.cookie);
    expect(answer.status).toBe(303);
    expect(answer.setCookie).toMatch(/Max-Age=0/);
    expect(await outcomeAt(answer.location)).toMatchObject({ status: "connected", resourceId, origin: ALLOWED_ORIGIN });

    const [connection, ...more] = await userConnections("ada-portal");
    expect(more).toEqual([]);
    expect(connection).toMatchObject({ resourceId, status: "VALID", profile: { id: "u_ada", email: "ada@tasklab.test" } });
    const credentials = decryptConnectionCredentials(connection!.id, connection!.credentials);
    expect(credentials.access_token).toBeTruthy();
    expect(credentials.refresh_token).toMatch(/^tlr_/);
    expect(connection!.accessTokenExpiresAt).not.toBeNull();
    expect(tasklab.tokenRequests.map((request) => request.grantType)).toEqual(["authorization_code"]);
    // The same audit record as the connect route's, naming the Connected User and no secret.
    const db = await getDb();
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.objectId, connection!.id));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: "connected_user", actorName: "ada-portal" });
    expect(JSON.stringify(audits)).not.toContain(credentials.access_token!);

    // A request through the connection uses the new token.
    const resource = (await getResource({ projectId: project.projectId, resourceId }))!;
    const session = await openConnectionSession({
      resource,
      target: { kind: "user", userId: "ada-portal" },
      policy: { allowPrivateNetwork: true },
    });
    expect((await session.send({ method: "GET", path: "/tasks" })).response.status).toBe(200);

    // Reused state: the same answer again is refused, and nothing changes.
    const replay = await callback(back, started.cookie);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain("already used");
    const [after] = await userConnections("ada-portal");
    expect(after!.updatedAt).toEqual(connection!.updatedAt);
    expect(tasklab.tokenRequests).toHaveLength(1);
  });

  it("refuses a forged state and an answer without state: an error page, nothing stored", async () => {
    const before = (await userConnections("nobody")).length;
    for (const query of ["code=abc&state=" + "A".repeat(43), "code=abc", ""]) {
      const answer = await callback(`${server.url}/oauth/callback?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("does not match a sign-in started here");
      expect(answer.text).not.toContain("<script");
    }
    expect((await userConnections("nobody")).length).toBe(before);
    expect(tasklab.tokenRequests).toEqual([]);
  });

  it("refuses a callback in another browser (no cookie, or another session's cookie), leaving the session to its own browser", async () => {
    const started = await start("two-browsers");
    const otherTab = await start("two-browsers", otherResourceId);
    const back = await authorizeAtTaskLab(started.location);

    const noCookie = await callback(back);
    expect(noCookie.status).toBe(400);
    expect(noCookie.text).toContain("started in another browser");
    const wrongCookie = await callback(back, otherTab.cookie);
    expect(wrongCookie.status).toBe(400);
    const forgedCookie = await callback(back, `${started.cookie.split("=")[0]}=${"B".repeat(43)}`);
    expect(forgedCookie.status).toBe(400);
    expect(await userConnections("two-browsers")).toEqual([]);
    expect(tasklab.tokenRequests).toEqual([]);
    expect((await sessionOf(started.token)).usedAt).toBeNull();

    // The browser that started it still completes it.
    const own = await callback(back, started.cookie);
    expect(await outcomeAt(own.location)).toMatchObject({ status: "connected" });
    expect((await userConnections("two-browsers")).map((row) => row.resourceId)).toEqual([resourceId]);
  });

  it("ends in an error and stores nothing when the code comes with another session's verifier, or with none", async () => {
    // Wrong verifier: a code issued for session A's challenge, delivered with session B's state and cookie.
    const a = await start("pkce-wrong");
    const b = await start("pkce-wrong");
    const codeForA = new URL(await authorizeAtTaskLab(a.location)).searchParams.get("code")!;
    const bState = new URL(b.location).searchParams.get("state")!;
    const wrong = await callback(`${server.url}/oauth/callback?code=${encodeURIComponent(codeForA)}&state=${bState}`, b.cookie);
    expect(await outcomeAt(wrong.location)).toMatchObject({
      status: "error",
      error: { code: "token_exchange_failed", message: expect.stringContaining("code_verifier") },
    });
    expect(await userConnections("pkce-wrong")).toEqual([]);

    // Missing verifier: a session whose resource does not use PKCE gets a code issued with a challenge.
    const c = await start("pkce-missing");
    const d = await start("pkce-missing", noPkceResourceId);
    const codeForC = new URL(await authorizeAtTaskLab(c.location)).searchParams.get("code")!;
    const dState = new URL(d.location).searchParams.get("state")!;
    expect(new URL(d.location).searchParams.has("code_challenge")).toBe(false);
    const missing = await callback(`${server.url}/oauth/callback?code=${encodeURIComponent(codeForC)}&state=${dState}`, d.cookie);
    expect(await outcomeAt(missing.location)).toMatchObject({
      status: "error",
      error: { code: "token_exchange_failed", message: expect.stringContaining("code_verifier is required") },
    });
    expect(await userConnections("pkce-missing")).toEqual([]);
  });

  it("refuses an expired session and a used one at the callback, storing nothing", async () => {
    const started = await start("late");
    const back = await authorizeAtTaskLab(started.location);
    const db = await getDb();
    await db
      .update(connectSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(connectSessions.tokenHash, hashToken(started.token)));
    const late = await callback(back, started.cookie);
    expect(late.status).toBe(410);
    expect(late.text).toContain("expired");
    expect(await userConnections("late")).toEqual([]);
    expect(tasklab.tokenRequests).toEqual([]);

    // Continue on a session that has ended is refused too.
    const again = await fetch(`${server.url}/connect/${started.token}/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("ends in an error, storing nothing, when the user denies consent or the token answer lacks access_token", async () => {
    const denied = await start("denier");
    const deniedBack = await authorizeAtTaskLab(denied.location, { decision: "deny" });
    expect(new URL(deniedBack).searchParams.get("error")).toBe("access_denied");
    const answer = await callback(deniedBack, denied.cookie);
    expect(await outcomeAt(answer.location)).toMatchObject({
      status: "error",
      error: { code: "access_denied", message: expect.stringContaining("access_denied") },
    });
    expect(await userConnections("denier")).toEqual([]);
    expect((await sessionOf(denied.token)).usedAt).not.toBeNull();

    const noToken = await start("no-token");
    const back = await authorizeAtTaskLab(noToken.location);
    tasklab.behaviour.omitAccessToken = true;
    const refused = await callback(back, noToken.cookie);
    expect(await outcomeAt(refused.location)).toMatchObject({
      status: "error",
      error: { code: "token_exchange_failed", message: expect.stringContaining("access_token") },
    });
    expect(await userConnections("no-token")).toEqual([]);
    const db = await getDb();
    const [row] = await db.select({ value: count() }).from(connections).where(eq(connections.userId, "no-token"));
    expect(row!.value).toBe(0);
  });
});
