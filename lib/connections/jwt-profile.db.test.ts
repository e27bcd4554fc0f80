import { createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as connectRoute } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import { getDb } from "@/db/client";
import type { StoredUserProfileSettings } from "@/db/resource-config";
import { connections } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { callSdkRoute } from "@/test/support/sdk-route-fixtures";

// A User Profile read from a JWT field decides whose webhook events a connection receives, so the
// Connect API keeps it only for a token the API vouches for: its signature verifies against the
// resource's JWKS URL (TaskLab's /.well-known/jwks.json), or the API accepts a request made with it
// (GET / on the API Base URL: TaskLab's /api/ answers 401 to a token it did not issue). Anything
// else is refused and nothing is stored. Through the route handler, on a real database.

let tasklab: TaskLab;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;

beforeAll(async () => {
  tasklab = await startTaskLab();
  project = await projectWithSigningKey();
});
afterAll(async () => {
  await tasklab?.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** An unsigned JWT (`alg: none`) with these claims: anyone can write one. */
const unsignedJwt = (claims: Record<string, unknown>) =>
  `${b64({ alg: "none", typ: "JWT" })}.${b64({ iat: now(), exp: now() + 3600, ...claims })}.`;

/** An ES256 JWT signed with a key of the attacker's own, naming TaskLab's key id. */
function foreignSignedJwt(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const head = `${b64({ alg: "ES256", typ: "JWT", kid: "tasklab-es256" })}.${b64({ iat: now(), exp: now() + 3600, ...claims })}`;
  return `${head}.${sign("sha256", Buffer.from(head), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

/** An HS256 JWT whose "secret" is TaskLab's public JWK as text (the classic algorithm confusion). */
async function hs256WithPublicKey(claims: Record<string, unknown>): Promise<string> {
  const jwks = await (await fetch(`${tasklab.url}/.well-known/jwks.json`)).text();
  const head = `${b64({ alg: "HS256", typ: "JWT", kid: "tasklab-es256" })}.${b64({ iat: now(), exp: now() + 3600, ...claims })}`;
  return `${head}.${createHmac("sha256", jwks).update(head).digest("base64url")}`;
}

const jwtProfile = (claimPath: string, jwksUrl = ""): StoredUserProfileSettings => ({
  source: "jwt",
  method: "GET",
  path: "",
  fields: "",
  claimPath,
  jwksUrl,
});

async function connect(resourceId: string, userId: string, body: Record<string, string>) {
  const token = await signUserToken(project.key.privateKeyPem, { claims: { sub: userId } });
  return callSdkRoute(connectRoute, {
    url: `/projects/${project.projectId}/sdk/resources/${resourceId}/connect`,
    params: { projectId: project.projectId, resourceId },
    auth: { token },
    body,
  });
}

async function connectionsOf(resourceId: string) {
  const db = await getDb();
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.resourceId, resourceId), eq(connections.kind, "user")));
}

const user = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe("a JWT field with a JWKS URL", () => {
  let resourceId: string;
  beforeAll(async () => {
    resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth", {
      userProfile: jwtProfile("account_id", `${tasklab.url}/.well-known/jwks.json`),
    });
  });

  it("refuses an unsigned (alg: none) token claiming another account, and stores nothing (the attack)", async () => {
    const attacker = user("attacker");
    const response = await connect(resourceId, attacker, {
      access_token: unsignedJwt({ sub: "x", account_id: "acct-victim" }),
      refresh_token: tasklab.issueTokens().refreshToken,
    });
    expect(response.status).toBe(422);
    expect(response.json?.error?.code).toBe("profile_unverified");
    expect(response.json?.error?.message).toMatch(/JWKS/);
    expect(await connectionsOf(resourceId)).toEqual([]);
  });

  it("refuses a token signed by another key (or HMAC-signed with the public key), and stores nothing", async () => {
    for (const access_token of [foreignSignedJwt({ account_id: "acct-victim" }), await hs256WithPublicKey({ account_id: "acct-victim" })]) {
      const response = await connect(resourceId, user("attacker"), { access_token, refresh_token: tasklab.issueTokens().refreshToken });
      expect(response.status).toBe(422);
      expect(response.json?.error?.code).toBe("profile_unverified");
    }
    expect(await connectionsOf(resourceId)).toEqual([]);
  });

  it("refuses an expired token, even correctly signed", async () => {
    const response = await connect(resourceId, user("late"), {
      access_token: tasklab.signedAccessToken({ account_id: "acct-late", iat: now() - 7200, exp: now() - 3600 }),
      refresh_token: tasklab.issueTokens().refreshToken,
    });
    expect(response.status).toBe(422);
    expect(response.json?.error).toMatchObject({ code: "profile_unverified", message: expect.stringMatching(/expired/) });
    expect(await connectionsOf(resourceId)).toEqual([]);
  });

  it("keeps the claim of a token signed with a key of the JWKS as the profile", async () => {
    const userId = user("ada");
    const response = await connect(resourceId, userId, {
      access_token: tasklab.signedAccessToken({ sub: "u_ada", account_id: "acct-ada" }),
      refresh_token: tasklab.issueTokens().refreshToken,
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ userId, status: "VALID", profile: { account_id: "acct-ada" } });
    expect((await connectionsOf(resourceId)).map((row) => [row.userId, row.profile])).toEqual([[userId, { account_id: "acct-ada" }]]);
  });

  it("answers hostile claims of a signed token (NUL, a huge string, an object) with 422, storing nothing", async () => {
    const before = (await connectionsOf(resourceId)).length;
    for (const account_id of ["acct\u0000victim", "a".repeat(5_000), { nested: [[["deep"]]] }]) {
      const response = await connect(resourceId, user("hostile"), {
        access_token: tasklab.signedAccessToken({ account_id }),
        refresh_token: "rt",
      });
      expect(response.status).toBe(422);
      expect(response.json?.error?.code).toBe("invalid_profile");
    }
    // Unsigned, the same claims are refused before they are read.
    for (const account_id of ["acct\u0000victim", "b".repeat(10_000)]) {
      const response = await connect(resourceId, user("hostile"), { access_token: unsignedJwt({ account_id }), refresh_token: "rt" });
      expect(response.status).toBe(422);
      expect(response.json?.error?.code).toBe("profile_unverified");
    }
    expect(await connectionsOf(resourceId)).toHaveLength(before);
  });
});

describe("a JWT field whose JWKS URL does not answer a key set", () => {
  let server: Server;
  let served: { status: number; body: string; count: number };
  let url: string;
  beforeAll(async () => {
    served = { status: 200, body: "{}", count: 0 };
    server = createServer((_req, res) => {
      served.count++;
      res.writeHead(served.status, { "content-type": "application/json" }).end(served.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses the connect (502, nothing stored) and fetches again next time; a good set is then kept for the next connects", async () => {
    const resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth", { userProfile: jwtProfile("sub", url) });
    const body = () => ({ access_token: tasklab.signedAccessToken({ sub: "u_ada" }), refresh_token: "rt" });
    served.status = 404;
    expect(await connect(resourceId, user("u"), body())).toMatchObject({
      status: 502,
      json: { error: { code: "profile_request_failed" } },
    });
    served.status = 200;
    served.body = "not json";
    expect(await connect(resourceId, user("u"), body())).toMatchObject({
      status: 502,
      json: { error: { code: "profile_request_failed" } },
    });
    expect(await connectionsOf(resourceId)).toEqual([]);

    served.body = await (await fetch(`${tasklab.url}/.well-known/jwks.json`)).text();
    const fetchedBefore = served.count;
    for (let i = 0; i < 3; i++) expect((await connect(resourceId, user("u"), body())).status).toBe(200);
    expect(served.count - fetchedBefore).toBe(1);
  });
});

describe("a JWT field without a JWKS URL", () => {
  let resourceId: string;
  beforeAll(async () => {
    resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth", { userProfile: jwtProfile("sub") });
  });

  it("refuses a forged token the API answers 401 (its refresh token refused too), and stores nothing", async () => {
    const apiCalls = tasklab.apiRequests.length;
    const response = await connect(resourceId, user("attacker"), {
      access_token: unsignedJwt({ sub: "u_victim" }),
      refresh_token: "not-a-refresh-token",
    });
    expect(response.status).toBe(422);
    expect(response.json?.error?.code).toBe("credentials_rejected");
    expect(tasklab.apiRequests.slice(apiCalls).map((request) => request.path)).toEqual(["/api/"]);
    expect(await connectionsOf(resourceId)).toEqual([]);
  });

  it("keeps the claim of the token the API accepted: a forged one with a real refresh token ends up with the refreshed token's own", async () => {
    const forged = await connect(resourceId, user("attacker"), {
      access_token: unsignedJwt({ sub: "u_victim" }),
      refresh_token: tasklab.issueTokens("u_mallory").refreshToken,
    });
    expect(forged.status).toBe(200);
    expect(forged.json?.profile).toEqual({ sub: "u_mallory" });

    const userId = user("ada");
    const tokens = tasklab.issueTokens("u_ada");
    const accepted = await connect(resourceId, userId, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken });
    expect(accepted.status).toBe(200);
    expect(accepted.json?.profile).toEqual({ sub: "u_ada" });
    expect((await connectionsOf(resourceId)).find((row) => row.userId === userId)?.profile).toEqual({ sub: "u_ada" });
  });

  it("refuses when the API answers neither 2xx nor 401/403: a 404 at the root says nothing of the token", async () => {
    // TaskLab's /api/tasks/ is no route: 404 whatever the token.
    const elsewhere = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth", {
      userProfile: jwtProfile("sub"),
      baseUrl: `${tasklab.url}/api/tasks`,
    });
    const tokens = tasklab.issueTokens("u_ada");
    const response = await connect(elsewhere, user("ada"), { access_token: tokens.accessToken, refresh_token: tokens.refreshToken });
    expect(response.status).toBe(422);
    expect(response.json?.error).toMatchObject({ code: "profile_unverified", message: expect.stringMatching(/answered 404.*JWKS URL/) });
    expect(await connectionsOf(elsewhere)).toEqual([]);
  });
});
