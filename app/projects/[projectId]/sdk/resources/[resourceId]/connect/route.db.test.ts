import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { revokeSigningKey } from "@/db/queries/signing-keys";
import { auditEvents, connections } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { decryptConnectionCredentials } from "@/lib/connections/credentials";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { createResourceDraft } from "@/lib/resources/save-step";
import { GET as getMe } from "../../../me/route";
import { DELETE, OPTIONS, POST } from "./route";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

let tasklab: TaskLab;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let other: Awaited<ReturnType<typeof projectWithSigningKey>>;
let resourceId: string;
let appResourceId: string;
let draftResourceId: string;
let otherResourceId: string;

beforeAll(async () => {
  tasklab = await startTaskLab();
  [project, other] = await Promise.all([projectWithSigningKey(), projectWithSigningKey()]);
  resourceId = await publishedTaskLabResource(project.projectId, tasklab);
  appResourceId = await publishedTaskLabResource(project.projectId, tasklab, "app-api-keys");
  otherResourceId = await publishedTaskLabResource(other.projectId, tasklab);
  ({ resourceId: draftResourceId } = await createResourceDraft({
    projectId: project.projectId,
    values: { name: `Draft ${randomUUID()}` },
    actor: SYSTEM_ACTOR,
  }));
});
afterAll(() => tasklab.close());

interface CallOptions {
  projectId?: string;
  resource?: string;
  token?: string | null;
  body?: BodyInit | null;
  headers?: Record<string, string>;
}

type ResponseBody = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

async function callConnect(method: "POST" | "DELETE" | "OPTIONS", options: CallOptions = {}) {
  const projectId = options.projectId ?? project.projectId;
  const resource = options.resource ?? resourceId;
  const token = options.token === undefined ? await signUserToken(project.key.privateKeyPem, { kid: project.key.kid }) : options.token;
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const request = new Request(`http://switchboard.test/projects/${projectId}/sdk/resources/${resource}/connect`, {
    method,
    headers,
    body:
      method === "POST"
        ? options.body === undefined
          ? JSON.stringify({ refresh_token: tasklab.issueTokens().refreshToken })
          : options.body
        : null,
  });
  const handler = { POST, DELETE, OPTIONS }[method];
  const response = await handler(request, { params: Promise.resolve({ projectId, resourceId: resource }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as ResponseBody) : undefined };
}

async function connectionCount(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ value: count() }).from(connections).where(eq(connections.kind, "user"));
  return row!.value;
}

const now = () => Math.floor(Date.now() / 1000);
const LONE_SURROGATE = "Must not contain a lone surrogate (half of a character): it is not text.";
const NOT_HEADER_TEXT = "Must be text an HTTP header can carry: no control characters, and no characters beyond U+00FF.";

describe("POST /projects/:projectId/sdk/resources/:resourceId/connect", () => {
  it("connects a user: fetches the profile, stores encrypted credentials, answers no secret", async () => {
    const { refreshToken } = tasklab.issueTokens("u_ada");
    const token = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "ada" } });
    const response = await callConnect("POST", { token, body: JSON.stringify({ refresh_token: refreshToken }) });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      projectId: project.projectId,
      resourceId,
      userId: "ada",
      status: "VALID",
      profile: { id: "u_ada", email: "ada@tasklab.test", "team.name": "Analytical Engines" },
    });
    expect(JSON.stringify(response.json)).not.toContain(refreshToken);

    const db = await getDb();
    const [row] = await db
      .select()
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, "ada")));
    const stored = decryptConnectionCredentials(row!.id, row!.credentials);
    // The profile request refreshed the token: the rotated refresh token is the one kept.
    expect(stored.refresh_token).toBeTruthy();
    expect(stored.refresh_token).not.toBe(refreshToken);
    expect(stored.access_token).toBeTruthy();
    expect(row!.credentials).not.toContain(stored.refresh_token!);

    // Connecting again replaces the credentials and keeps one connection.
    const again = await callConnect("POST", { token, body: JSON.stringify({ refresh_token: tasklab.issueTokens("u_ada").refreshToken }) });
    expect(again.status).toBe(200);
    expect(again.json!.id).toBe(response.json!.id);
    const rows = await db
      .select()
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, "ada")));
    expect(rows).toHaveLength(1);
  });

  it("answers CORS for Allowed Origins only", async () => {
    const allowed = await callConnect("OPTIONS", { headers: { origin: ALLOWED_ORIGIN } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const refused = await callConnect("OPTIONS", { headers: { origin: "https://evil.test" } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("disconnects, and answers 404 when there is nothing to disconnect", async () => {
    const token = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "leaving" } });
    expect((await callConnect("POST", { token })).status).toBe(200);
    expect(await callConnect("DELETE", { token })).toMatchObject({ status: 200, json: { deleted: true } });
    expect(await callConnect("DELETE", { token })).toMatchObject({ status: 404, json: { error: { code: "connection_not_found" } } });
  });

  it("lists published resources and the user's connections at /sdk/me", async () => {
    const token = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "lister" } });
    await callConnect("POST", { token });
    const request = new Request(`http://switchboard.test/projects/${project.projectId}/sdk/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const response = await getMe(request, { params: Promise.resolve({ projectId: project.projectId }) });
    const body = (await response.json()) as { authenticated: boolean; userId: string; resources: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ authenticated: true, userId: "lister" });
    expect(body.resources.map((resource) => resource.id).sort()).toEqual([resourceId, appResourceId].sort());
    expect(body.resources.find((resource) => resource.id === resourceId)).toMatchObject({ credentialStatus: "VALID" });
    expect(body.resources.find((resource) => resource.id === appResourceId)).not.toHaveProperty("credentialId");
  });

  it("leaves exactly one connection after 50 concurrent connects of one user, with one audit record per write", async () => {
    const token = await signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "racer" } });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        callConnect("POST", { token, body: JSON.stringify({ access_token: "a", refresh_token: tasklab.issueTokens().refreshToken }) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((response) => response.json!.id)).size).toBe(1);
    const db = await getDb();
    const rows = await db
      .select()
      .from(connections)
      .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, "racer")));
    expect(rows).toHaveLength(1);
    // One created it, 49 replaced it: every replace bumped the version once and left its one record.
    expect(rows[0]!.credentialsVersion).toBe(49);
    const records = await db
      .select({ action: auditEvents.action, records: count() })
      .from(auditEvents)
      .where(eq(auditEvents.objectId, rows[0]!.id))
      .groupBy(auditEvents.action);
    expect(Object.fromEntries(records.map((record) => [record.action, record.records]))).toEqual({
      "connection.created": 1,
      "connection.replaced": 49,
    });
    expect(decryptConnectionCredentials(rows[0]!.id, rows[0]!.credentials)).toMatchObject({ access_token: expect.any(String) });
  });
});

describe("refused connect requests change nothing", () => {
  const cases: Array<[string, () => Promise<CallOptions>, number, string]> = [
    ["no Authorization header", async () => ({ token: null }), 401, "missing_user_token"],
    ["a malformed token", async () => ({ token: "not.a.jwt" }), 401, "invalid_user_token"],
    [
      "alg: none",
      async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
        return { token: `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: "x", iat: now(), exp: now() + 60 })}.` };
      },
      401,
      "invalid_user_token",
    ],
    [
      "HS256 signed with the public key's PEM",
      async () => {
        const { exportSPKI, importJWK } = await import("jose");
        const pem = await exportSPKI((await importJWK(project.key.publicKeyJwk, "RS256", { extractable: true })) as CryptoKey);
        const token = await new SignJWT({ sub: "x", iat: now(), exp: now() + 60 })
          .setProtectedHeader({ alg: "HS256", kid: project.key.kid })
          .sign(new TextEncoder().encode(pem));
        return { token };
      },
      401,
      "invalid_user_token",
    ],
    [
      "an expired token",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { exp: now() - 120 } }) }),
      401,
      "invalid_user_token",
    ],
    [
      "nbf in the future",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { nbf: now() + 600 } }) }),
      401,
      "invalid_user_token",
    ],
    [
      "iat in the future",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { iat: now() + 600 } }) }),
      401,
      "invalid_user_token",
    ],
    [
      "no sub",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { sub: undefined } }) }),
      401,
      "invalid_user_token",
    ],
    [
      "no exp",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { exp: undefined } }) }),
      401,
      "invalid_user_token",
    ],
    [
      "an unknown kid",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { kid: "unknown-kid" }) }),
      401,
      "invalid_user_token",
    ],
    ["another project's key", async () => ({ token: await signUserToken(other.key.privateKeyPem) }), 401, "invalid_user_token"],
    [
      "an audience of another project",
      async () => ({ token: await signUserToken(project.key.privateKeyPem, { claims: { aud: other.projectId } }) }),
      401,
      "invalid_user_token",
    ],
    ["a 1 MB token", async () => ({ token: "a".repeat(1024 * 1024) }), 401, "invalid_user_token"],
    ["an unknown project", async () => ({ projectId: randomUUID() }), 404, "project_not_found"],
    ["a project id that is not a UUID", async () => ({ projectId: "../../etc" }), 404, "project_not_found"],
    ["an unknown resource", async () => ({ resource: randomUUID() }), 404, "resource_not_found"],
    ["a resource id that is not a UUID", async () => ({ resource: "tasklab" }), 404, "resource_not_found"],
    ["an unpublished resource", async () => ({ resource: draftResourceId }), 404, "resource_not_found"],
    ["another project's resource", async () => ({ resource: otherResourceId }), 404, "resource_not_found"],
    ["an App-Level resource", async () => ({ resource: appResourceId }), 409, "app_level_resource"],
    [
      "a body that is not JSON",
      async () => ({ headers: { "content-type": "text/plain" }, body: "refresh_token=x" }),
      415,
      "unsupported_media_type",
    ],
    ["a body over 64 KB", async () => ({ body: JSON.stringify({ refresh_token: "x".repeat(70_000) }) }), 413, "payload_too_large"],
    ["invalid JSON", async () => ({ body: "{refresh_token:" }), 400, "invalid_json"],
    ["a JSON array", async () => ({ body: "[]" }), 400, "invalid_body"],
    ["a missing required key", async () => ({ body: JSON.stringify({ access_token: "a" }) }), 400, "invalid_credentials_payload"],
    ["an unknown key", async () => ({ body: JSON.stringify({ refresh_token: "r", password: "p" }) }), 400, "invalid_credentials_payload"],
    ["a key that is not a string", async () => ({ body: JSON.stringify({ refresh_token: 42 }) }), 400, "invalid_credentials_payload"],
    ["a page from an origin not allowed", async () => ({ headers: { origin: "https://evil.test" } }), 403, "origin_not_allowed"],
    [
      "credentials the API refuses",
      async () => ({ body: JSON.stringify({ refresh_token: "revoked-or-made-up" }) }),
      422,
      "credentials_rejected",
    ],
  ];

  it.each(cases)("%s → %i %s", async (_case, options, status, code) => {
    const before = await connectionCount();
    const response = await callConnect("POST", await options());
    expect(response.status).toBe(status);
    expect(response.json?.error?.code).toBe(code);
    expect(typeof response.json?.error?.message).toBe("string");
    expect(await connectionCount()).toBe(before);
  });

  it("names each bad key", async () => {
    const response = await callConnect("POST", { body: JSON.stringify({ access_token: 1, password: "p" }) });
    expect(response.json?.error?.fields).toEqual({
      access_token: "Must be a string.",
      password: "Unknown key: this resource does not take it.",
      refresh_token: "Required.",
    });
  });

  it.each([
    ["an access_token holding a lone surrogate", { access_token: "tok\ud800en" }, { access_token: LONE_SURROGATE }],
    ["an access_token holding a control character", { access_token: "tok\u0001en" }, { access_token: NOT_HEADER_TEXT }],
    ["a refresh_token holding a lone surrogate", { refresh_token: "tok\udc00en" }, { refresh_token: LONE_SURROGATE }],
  ])("refuses %s with 400 naming it, before any request to the API", async (_case, values, fields) => {
    const [tokenRequests, apiRequests, before] = [tasklab.tokenRequests.length, tasklab.apiRequests.length, await connectionCount()];
    const response = await callConnect("POST", { body: JSON.stringify({ refresh_token: tasklab.issueTokens().refreshToken, ...values }) });
    expect(response.status).toBe(400);
    expect(response.json?.error).toMatchObject({ code: "invalid_credentials_payload", fields });
    expect([tasklab.tokenRequests.length, tasklab.apiRequests.length, await connectionCount()]).toEqual([
      tokenRequests,
      apiRequests,
      before,
    ]);
  });

  it("refuses a revoked key", async () => {
    const revoked = await projectWithSigningKey();
    const rid = await publishedTaskLabResource(revoked.projectId, tasklab);
    const token = await signUserToken(revoked.key.privateKeyPem, { kid: revoked.key.kid });
    await revokeSigningKey({ projectId: revoked.projectId, keyId: revoked.keyId, actor: SYSTEM_ACTOR });
    const before = await connectionCount();
    expect(await callConnect("POST", { projectId: revoked.projectId, resource: rid, token })).toMatchObject({ status: 401 });
    expect(await connectionCount()).toBe(before);
  });

  it("rate-limits one user with 429 and Retry-After", async () => {
    const token = await signUserToken(project.key.privateKeyPem, { claims: { sub: `limited-${randomUUID()}` } });
    const bad = JSON.stringify({ password: "p" });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof callConnect>> | undefined;
    for (let i = 0; i < 121; i++) {
      last = await callConnect("POST", { token, body: bad });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 120).every((status) => status === 400)).toBe(true);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("fuzzing the connect route", () => {
  it("answers random bodies, headers and tokens with no 5xx and writes no row when it refuses", async () => {
    const validToken = await signUserToken(project.key.privateKeyPem, { claims: { sub: `fuzz-${randomUUID()}`, exp: now() + 3600 } });
    const token = fc.oneof(
      fc.constant(validToken),
      fc.string(),
      fc.constant(null),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join(".")),
      fc.constant(validToken.slice(0, -4) + "AAAA"),
    );
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .dictionary(
          fc.oneof(fc.constantFrom("refresh_token", "access_token", "api_key"), fc.string()),
          fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        )
        .map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
    );
    const headers = fc.record({
      "content-type": fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "",
        "application/x-www-form-urlencoded",
      ),
      origin: fc.constantFrom(undefined, ALLOWED_ORIGIN, "https://evil.test", "null"),
    });
    await fc.assert(
      fc.asyncProperty(token, body, headers, async (token, body, headers) => {
        const before = await connectionCount();
        const response = await callConnect("POST", {
          token,
          body,
          headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>,
        });
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) expect(await connectionCount()).toBe(before);
      }),
      { numRuns: 500 },
    );
  });
});
