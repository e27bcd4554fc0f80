import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "./signing-keys";
import { DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS, MAX_USER_ID_LENGTH, userIdProblem, UserTokenError, verifyUserToken } from "./user-token";

const projectId = randomUUID();
let key: Awaited<ReturnType<typeof generateSigningKey>>;
let privateKey: CryptoKey;

beforeAll(async () => {
  key = await generateSigningKey();
  privateKey = (await importPKCS8(key.privateKeyPem, "RS256")) as CryptoKey;
});

const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 60 * 60;

/** A correctly signed token: whatever it claims, the signature verifies. */
function sign(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ sub: "user-1", iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .sign(privateKey);
}

function verify(token: string, options: { maxLifetimeSeconds?: number } = {}) {
  return verifyUserToken(token, {
    projectId,
    keys: [{ kid: key.kid, publicKeyJwk: key.publicKeyJwk as Record<string, unknown> }],
    ...options,
  });
}

async function refusal(token: Promise<string>, options?: { maxLifetimeSeconds?: number }): Promise<UserTokenError> {
  const error = await verify(await token, options).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UserTokenError);
  return error as UserTokenError;
}

describe("verifyUserToken: sub", () => {
  it.each([
    ["NUL", "user\u0000admin"],
    ["a lone NUL", "\u0000"],
    ["a C0 control (U+0001)", "user\u0001"],
    ["a newline", "user\nadmin"],
    ["a tab", "\tuser"],
    ["an escape (U+001B)", "user\u001b[31m"],
    ["DEL (U+007F)", "user\u007f"],
    ["a C1 control (U+0085)", "user\u0085"],
    ["the last C1 control (U+009F)", "user\u009f"],
    ["a lone high surrogate", "user\ud800"],
    ["a lone low surrogate", "\udc00user"],
    ["256 characters", "u".repeat(256)],
    ["the empty string", ""],
  ])("refuses a validly signed token whose sub holds %s", async (_case, sub) => {
    const error = await refusal(sign({ sub }));
    expect(error.message).toMatch(/^The User Token's sub /);
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["an object", { id: "user-1" }],
  ])("refuses a sub that is %s", async (_case, sub) => {
    await refusal(sign({ sub }));
  });

  it.each([
    ["255 characters", "u".repeat(MAX_USER_ID_LENGTH)],
    ["non-control Unicode (NBSP, é, emoji, CJK)", "\u00a0é-🙂-用户"],
    ["an email address", "ada@example.test"],
  ])("accepts a sub of %s", async (_case, sub) => {
    await expect(verify(await sign({ sub }))).resolves.toMatchObject({ userId: sub });
  });

  it("gives X-Switchboard-User the same rules (userIdProblem)", () => {
    expect(userIdProblem("u".repeat(255))).toBeUndefined();
    expect(userIdProblem("u".repeat(256))).toMatch(/at most 255/);
    expect(userIdProblem("a\u0000b")).toMatch(/control characters/);
    expect(userIdProblem("a\u0090b")).toMatch(/control characters/);
    expect(userIdProblem("a\ud800")).toMatch(/well-formed/);
    expect(userIdProblem("")).toMatch(/empty/);
  });
});

describe("verifyUserToken: lifetime", () => {
  it("defaults to 24 hours", () => {
    expect(DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS).toBe(DAY);
  });

  it("accepts exp exactly 24 hours after iat", async () => {
    const iat = now();
    await expect(verify(await sign({ iat, exp: iat + DAY }))).resolves.toMatchObject({ userId: "user-1" });
  });

  it("refuses exp 24 hours and 1 second after iat, naming the limit", async () => {
    const iat = now();
    const error = await refusal(sign({ iat, exp: iat + DAY + 1 }));
    expect(error.message).toBe("The User Token's lifetime (exp − iat) is over the limit of 24 hours.");
  });

  it("refuses an exp in the year 2200", async () => {
    const error = await refusal(sign({ exp: Math.floor(Date.UTC(2200, 0, 1) / 1000) }));
    expect(error.message).toMatch(/lifetime/);
  });

  it("refuses an iat far in the past that stretches the lifetime", async () => {
    expect((await refusal(sign({ iat: -1e12, exp: now() + 60 }))).message).toMatch(/lifetime/);
  });

  it("refuses an exp so large that JSON reads it as Infinity", async () => {
    // Sign the payload by hand: JSON.stringify cannot write 1e400, but an attacker's signer can.
    const { CompactSign } = await import("jose");
    const payload = `{"sub":"user-1","iat":${now()},"exp":1e400}`;
    const token = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: "RS256", kid: key.kid })
      .sign(privateKey);
    expect((await refusal(Promise.resolve(token))).message).toMatch(/lifetime/);
  });

  it("takes the limit as a parameter", async () => {
    const iat = now();
    const hourLong = sign({ iat, exp: iat + 3600 });
    await expect(verify(await hourLong, { maxLifetimeSeconds: 3600 })).resolves.toMatchObject({ userId: "user-1" });
    const error = await refusal(sign({ iat, exp: iat + 3601 }), { maxLifetimeSeconds: 3600 });
    expect(error.message).toBe("The User Token's lifetime (exp − iat) is over the limit of 1 hour.");
    await refusal(sign({ iat, exp: iat + 120 }), { maxLifetimeSeconds: 90 });
  });

  it("refuses a limit that is not a positive number (a programming error, not a bad token)", async () => {
    await expect(verify(await sign({}), { maxLifetimeSeconds: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(verify(await sign({}), { maxLifetimeSeconds: Number.NaN })).rejects.toBeInstanceOf(RangeError);
  });
});
