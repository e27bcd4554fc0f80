// Validly signed User Tokens with hostile claims, hostile connect bodies and hostile
// X-Switchboard-User headers: each is refused with a 4xx naming what is wrong, and nothing
// is stored. (A correctly signed token whose sub held a NUL used to answer 500: PostgreSQL
// refuses \u0000 in text, and the failed query was logged with its parameters.)
import { createPrivateKey, type KeyObject, randomUUID } from "node:crypto";
import { count, isNotNull } from "drizzle-orm";
import fc from "fast-check";
import { CompactSign } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createSecretKey } from "@/db/queries/secret-keys";
import { connections, rateLimitWindows } from "@/db/schema";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { userIdProblem } from "@/lib/auth/user-token";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { POST as requestThroughRoute } from "../request/route";
import { POST } from "./route";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

let tasklab: TaskLab;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
/** A User-Level OAuth resource without a User Profile: a valid connect stores a row without calling the API. */
let resourceId: string;
let secretKey: string;
/** The project's private key, imported once: a KeyObject signs RS256 and, for the wrong-alg cases, RS384/RS512/PS256. */
let privateKey: KeyObject;

beforeAll(async () => {
  tasklab = await startTaskLab();
  project = await projectWithSigningKey();
  resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth-no-profile");
  const generated = generateSecretKey();
  await createSecretKey({
    projectId: project.projectId,
    name: "backend",
    prefix: generated.prefix,
    hash: generated.hash,
    actor: SYSTEM_ACTOR,
  });
  secretKey = generated.key;
  privateKey = createPrivateKey(project.key.privateKeyPem);
});
afterAll(() => tasklab.close());

type ErrorBody = { error?: { code: string; message: string; fields?: Record<string, string> } };

async function answer(response: Response) {
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as ErrorBody & Record<string, unknown>) : undefined };
}

async function callConnect({ token, body }: { token: string; body: string }) {
  const request = new Request(`http://switchboard.test/projects/${project.projectId}/sdk/resources/${resourceId}/connect`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  return answer(await POST(request, { params: Promise.resolve({ projectId: project.projectId, resourceId }) }));
}

/**
 * A Secret Key request naming `user`. The Fetch API refuses NUL (and CR, LF) in header
 * values, so the header is put in place behind Headers' back: the route must not rely on
 * whatever adapter built the Request having refused it.
 */
async function callRequestRoute(user: string) {
  const request = new Request(`http://switchboard.test/projects/${project.projectId}/sdk/resources/${resourceId}/request`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({ method: "GET", path: "/me" }),
  });
  const headers = request.headers;
  const get = headers.get.bind(headers);
  Object.defineProperty(request, "headers", {
    value: Object.assign(headers, { get: (name: string) => (name.toLowerCase() === "x-switchboard-user" ? user : get(name)) }),
  });
  return answer(await requestThroughRoute(request, { params: Promise.resolve({ projectId: project.projectId, resourceId }) }));
}

/** What a refused request must not have written: connections, and rate-limit windows (the first insert a hostile sub reached). */
async function storedCounts() {
  const db = await getDb();
  const [[rows], [windows]] = await Promise.all([
    db.select({ value: count() }).from(connections),
    db.select({ value: count() }).from(rateLimitWindows),
  ]);
  return { connections: rows!.value, rateLimitWindows: windows!.value };
}

const now = () => Math.floor(Date.now() / 1000);
const validBody = () => JSON.stringify({ refresh_token: tasklab.issueTokens().refreshToken });
const sign = (claims: Record<string, unknown>) => signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims });

describe("hostile claims and bodies on the connect route", () => {
  it("refuses a validly signed token whose sub holds a NUL with 401 invalid_user_token, storing nothing", async () => {
    const before = await storedCounts();
    const response = await callConnect({ token: await sign({ sub: "ada\u0000admin" }), body: validBody() });
    expect(response.status).toBe(401);
    expect(response.json?.error).toMatchObject({
      code: "invalid_user_token",
      message: "The User Token's sub must not contain control characters.",
    });
    expect(await storedCounts()).toEqual(before);
  });

  it.each([
    ["a C0 control", "ada\u0001"],
    ["DEL", "ada\u007f"],
    ["a C1 control", "ada\u0085"],
    ["256 characters", "u".repeat(256)],
    ["a lone surrogate", "ada\ud800"],
  ])("refuses a sub holding %s with 401 invalid_user_token, storing nothing", async (_case, sub) => {
    const before = await storedCounts();
    const response = await callConnect({ token: await sign({ sub }), body: validBody() });
    expect(response).toMatchObject({ status: 401, json: { error: { code: "invalid_user_token" } } });
    expect(await storedCounts()).toEqual(before);
  });

  it("refuses a token that lives longer than 24 hours with 401, naming the limit", async () => {
    const before = await storedCounts();
    const response = await callConnect({ token: await sign({ exp: Math.floor(Date.UTC(2200, 0, 1) / 1000) }), body: validBody() });
    expect(response.status).toBe(401);
    expect(response.json?.error?.code).toBe("invalid_user_token");
    expect(response.json?.error?.message).toMatch(/lifetime .* over the limit of 24 hours/);
    expect(await storedCounts()).toEqual(before);
  });

  it("refuses a body value holding a NUL with 400 naming the key, storing nothing", async () => {
    const token = await sign({ sub: `nul-body-${randomUUID()}` });
    const before = await storedCounts();
    const response = await callConnect({ token, body: JSON.stringify({ refresh_token: "ref\u0000123" }) });
    expect(response.status).toBe(400);
    expect(response.json?.error?.code).toBe("invalid_credentials_payload");
    expect(response.json?.error?.fields).toEqual({ refresh_token: "Must not contain NUL characters." });
    expect((await storedCounts()).connections).toBe(before.connections);
  });

  it.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
    "names a %s key as unknown with 400, storing nothing",
    async (key) => {
      const token = await sign({ sub: `proto-${randomUUID()}` });
      const before = await storedCounts();
      // Written by hand: JSON.stringify of an object literal would not carry an own __proto__ key.
      const response = await callConnect({
        token,
        body: `{"refresh_token":${JSON.stringify(tasklab.issueTokens().refreshToken)},${JSON.stringify(key)}:"x"}`,
      });
      expect(response.status).toBe(400);
      expect(response.json?.error?.code).toBe("invalid_credentials_payload");
      const fields = response.json!.error!.fields!;
      expect(Object.keys(fields)).toEqual([key]);
      expect(Object.hasOwn(fields, key) && fields[key]).toBe("Unknown key: this resource does not take it.");
      expect(response.json?.error?.message).toContain(key);
      expect((await storedCounts()).connections).toBe(before.connections);
    },
  );

  it("names __proto__ and constructor together, with the other bad keys", async () => {
    const token = await sign({ sub: `proto-${randomUUID()}` });
    const response = await callConnect({ token, body: `{"__proto__":{"refresh_token":"r"},"constructor":"x","access_token":1}` });
    expect(response.status).toBe(400);
    expect(Object.keys(response.json!.error!.fields!).sort()).toEqual(["__proto__", "access_token", "constructor", "refresh_token"]);
    expect(response.json!.error!.fields!.refresh_token).toBe("Required.");
  });

  it("still connects a well-formed request (the refusals above are not everything refused)", async () => {
    const before = await storedCounts();
    const response = await callConnect({ token: await sign({ sub: `fine-${randomUUID()}` }), body: validBody() });
    expect(response.status).toBe(200);
    expect((await storedCounts()).connections).toBe(before.connections + 1);
  });
});

describe("X-Switchboard-User with a Secret Key", () => {
  it.each([
    ["a NUL", "ada\u0000admin", /control characters/],
    ["a C0 control", "ada\u0001", /control characters/],
    ["DEL", "ada\u007f", /control characters/],
    ["a C1 control", "ada\u0085", /control characters/],
    ["256 characters", "u".repeat(256), /at most 255 characters/],
  ])("refuses %s with 400 invalid_user, storing nothing", async (_case, user, message) => {
    const before = await storedCounts();
    const response = await callRequestRoute(user);
    expect(response.status).toBe(400);
    expect(response.json?.error?.code).toBe("invalid_user");
    expect(response.json?.error?.message).toMatch(message);
    expect(await storedCounts()).toEqual(before);
  });

  it("accepts 255 characters (and answers that this user has no connection)", async () => {
    const response = await callRequestRoute("u".repeat(255));
    expect(response.status).toBe(404);
    expect(response.json?.error?.code).toBe("connection_not_found");
  });
});

// ------------------------------------------------------------------------------- fuzzing

/** Characters that have broken user IDs somewhere: controls, NUL, DEL, C1, lone surrogates, BOM, bidi overrides. */
const hostileChar = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "\u0001",
    "\t",
    "\n",
    "\r",
    "\u001b",
    "\u001f",
    "\u007f",
    "\u0080",
    "\u0085",
    "\u009f",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\ufeff",
    "\u202e",
    "\u2028",
    "'",
    '"',
    "\\",
    "%",
    "u",
  ),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  // Around the 255 limit and far beyond it (a 10,000-character sub makes a token over the 8 KB cap).
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom(254, 255, 256, 257, 6000, 10_000), fc.integer({ min: 1, max: 10_000 })),
        fc.string({ unit: hostileChar, maxLength: 4 }),
      )
      .map(([length, tail]) => "u".repeat(Math.max(0, length - tail.length)) + tail),
  },
);
const oddJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

// Each field is plausible or hostile on its own, so that a hostile sub often comes with
// claims that pass every other check, and reaches the code that stores it.

/** A plausible NumericDate, or anything else JSON can say. */
const numericDate = (plausible: () => number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -120, max: 120 }).map((offset) => plausible() + offset) },
    { weight: 1, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }).map((fraction) => plausible() + fraction) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, -1, 1e20, -1e20, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 1, 7258118400),
    },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer().map(String), fc.constant(String(now() + 60))) },
    { weight: 1, arbitrary: oddJson },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const claimsArbitrary = fc.record({
  sub: fc.oneof(
    { weight: 2, arbitrary: fc.uuid().map((id) => `fuzz-${id}`) },
    { weight: 6, arbitrary: hostileString },
    { weight: 1, arbitrary: oddJson },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  iat: numericDate(() => now()),
  exp: numericDate(() => now() + 300),
  nbf: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: numericDate(() => now() - 10) }),
  aud: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(undefined, "PROJECT") },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.uuid(),
        fc.array(fc.oneof(fc.constant("PROJECT"), fc.uuid(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
        fc.integer(),
        oddJson,
      ),
    },
  ),
  extra: fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "iss", "jti", "userId", "admin")),
    fc.jsonValue({ maxDepth: 2 }),
    {
      maxKeys: 3,
    },
  ),
});

const headerArbitrary = fc.record({
  alg: fc.oneof({ weight: 8, arbitrary: fc.constant("RS256") }, { weight: 1, arbitrary: fc.constantFrom("RS384", "RS512", "PS256") }),
  kid: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("KID", undefined) },
    { weight: 1, arbitrary: hostileString },
    { weight: 1, arbitrary: oddJson },
    { weight: 1, arbitrary: fc.constantFrom("KID\u0000", " KID", "../KID", "kid") },
  ),
  extra: fc.dictionary(fc.constantFrom("typ", "jku", "x5u", "jwk", "cty", "zip"), oddJson, { maxKeys: 2 }),
});

const bodyKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("refresh_token", "access_token") },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "", "refresh_token\u0000") },
  { weight: 1, arbitrary: fc.string({ unit: hostileChar, maxLength: 10 }) },
);
const bodyValue = fc.oneof(
  { weight: 4, arbitrary: fc.constant("VALID_REFRESH_TOKEN") },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ unit: hostileChar, minLength: 1, maxLength: 20 }).map((value) => `ref\u0000${value}`) },
  { weight: 1, arbitrary: oddJson },
);
const bodyArbitrary = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(bodyKey, bodyValue), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.json({ maxDepth: 2 }),
      fc.string(),
      fc.constant("[".repeat(5000)),
      fc.constant("null"),
      fc.constant('{"__proto__":{"refresh_token":"x"}}'),
    ),
  },
);

/** Every tenth case is a well-formed connect (with harmless extra claims), so the success path stays in the mix. */
const scenario = fc.oneof(
  { weight: 9, arbitrary: fc.record({ claims: claimsArbitrary, header: headerArbitrary, body: bodyArbitrary }) },
  {
    weight: 1,
    arbitrary: fc.record({
      claims: fc.record({
        sub: fc.uuid().map((id) => `fuzz-${id}`),
        iat: fc.integer({ min: -60, max: 0 }).map((offset) => now() + offset),
        exp: fc.integer({ min: 60, max: 3600 }).map((offset) => now() + offset),
        aud: fc.constantFrom(undefined, "PROJECT"),
        extra: fc.dictionary(fc.constantFrom("iss", "jti", "name"), fc.string({ maxLength: 10 }), { maxKeys: 2 }),
      }),
      header: fc.record({ alg: fc.constant("RS256"), kid: fc.constantFrom("KID", undefined), extra: fc.constant({}) }),
      body: fc.constantFrom<Array<[string, unknown]>>(
        [["refresh_token", "VALID_REFRESH_TOKEN"]],
        [
          ["refresh_token", "VALID_REFRESH_TOKEN"],
          ["access_token", "a"],
        ],
      ),
    }),
  },
);

/** A JSON object written by hand, so duplicate and `__proto__` keys reach the server as sent. */
function objectJson(entries: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value === "VALID_REFRESH_TOKEN" ? tasklab.issueTokens().refreshToken : (value ?? null))}`).join(",")}}`;
}

// A thousand calls take a few seconds alone and far more beside other test files on two cores: the limit
// is for that, the count of runs is what the test is about. (A run cut off by a timeout would go on
// in the background and write into the next test's counts.)
const FUZZ_TIMEOUT_MS = 180_000;

describe("fuzzing validly signed tokens with hostile claims", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("never answers 5xx, and writes no connection unless it answers 2xx", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ claims, header, body }) => {
        const { extra, aud, ...registered } = claims;
        const payload: Record<string, unknown> = { ...extra };
        for (const [name, value] of Object.entries({ ...registered, aud: aud === "PROJECT" ? project.projectId : aud })) {
          if (value !== undefined)
            payload[name] = Array.isArray(value) ? value.map((item) => (item === "PROJECT" ? project.projectId : item)) : value;
        }
        const protectedHeader: Record<string, unknown> = { ...header.extra, alg: header.alg };
        if (header.kid !== undefined) protectedHeader.kid = header.kid === "KID" ? project.key.kid : header.kid;
        // Signed with the project's own key: the signature always verifies, only the claims are hostile.
        const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
          .setProtectedHeader(protectedHeader as { alg: string })
          .sign(privateKey);

        const before = await storedCounts();
        const response = await callConnect({ token, body: Array.isArray(body) ? objectJson(body) : body });
        expect(response.status, JSON.stringify(response.json)).toBeLessThan(500);
        expect(typeof response.json?.error?.code === "string" || response.status === 200).toBe(true);
        if (response.status >= 200 && response.status < 300) accepted++;
        else expect((await storedCounts()).connections).toBe(before.connections);
      }),
      { numRuns: 1000 },
    );
    // The generators reach the success path too, so a refusal of everything would not pass unnoticed.
    expect(accepted).toBeGreaterThan(0);

    // Whatever got through is a user ID PostgreSQL stores as sent.
    const db = await getDb();
    const stored = await db.select({ userId: connections.userId }).from(connections).where(isNotNull(connections.userId));
    for (const { userId } of stored) expect(userIdProblem(userId!)).toBeUndefined();
  });

  it("never answers 5xx to a Secret Key call naming any user", async () => {
    const user = fc.oneof(
      hostileString,
      fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(user, async (user) => {
        const before = await storedCounts();
        const response = await callRequestRoute(user);
        expect(response.status, JSON.stringify(response.json)).toBeLessThan(500);
        const trimmed = user.trim();
        if (trimmed && userIdProblem(trimmed)) expect(response.json?.error?.code).toBe("invalid_user");
        expect((await storedCounts()).connections).toBe(before.connections);
      }),
      { numRuns: 200 },
    );
  });
});
