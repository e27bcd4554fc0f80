import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getSignInThrottle } from "@/db/queries/sign-in-throttles";
import { createUserWithProject } from "@/db/queries/users";
import { verifyCredentials, type VerifyCredentialsResult } from "./credentials";
import { hashPassword, verifyPassword } from "./password";
import { ADDRESS_LIMITS, SIGN_IN_THROTTLE } from "./throttle";

// Counts the password checks (argon2 verifies) an attack gets.
vi.mock("./password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./password")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const PASSWORD = "correct horse battery staple";

async function newAccount() {
  const email = `signin-${randomUUID()}@example.test`;
  const created = await createUserWithProject({ email, passwordHash: await hashPassword(PASSWORD), projectName: "P" });
  return { email, userId: created!.user.id };
}

/** A client address of its own, so that one test's attempts do not count against another's. */
function newAddress(): string {
  return `test-${randomUUID()}`;
}

function countBy(results: VerifyCredentialsResult[]) {
  return {
    invalid: results.filter((result) => !result.ok && result.reason === "invalid").length,
    throttledEmail: results.filter((result) => !result.ok && result.reason === "throttled" && result.scope === "email").length,
    throttledAddress: results.filter((result) => !result.ok && result.reason === "throttled" && result.scope === "address").length,
  };
}

beforeEach(() => {
  vi.mocked(verifyPassword).mockClear();
});

describe("verifyCredentials", () => {
  it("accepts the right password, with the email in any case and spacing", async () => {
    const { email, userId } = await newAccount();
    expect(await verifyCredentials({ email: `  ${email.toUpperCase()} `, password: PASSWORD, clientAddress: newAddress() })).toEqual({
      ok: true,
      user: { id: userId, email },
    });
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const { email } = await newAccount();
    const clientAddress = newAddress();
    expect(await verifyCredentials({ email, password: "wrong password", clientAddress })).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyCredentials({ email: `nobody-${randomUUID()}@example.test`, password: PASSWORD, clientAddress })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await verifyCredentials({ email: "not an email", password: PASSWORD, clientAddress })).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks an email after repeated failures, even against the right password", async () => {
    const { email } = await newAccount();
    for (let i = 0; i < SIGN_IN_THROTTLE.maxFailures; i++) {
      expect(await verifyCredentials({ email, password: `wrong ${i}`, clientAddress: newAddress() })).toMatchObject({ reason: "invalid" });
    }
    vi.mocked(verifyPassword).mockClear();
    const locked = await verifyCredentials({ email, password: PASSWORD, clientAddress: newAddress() });
    expect(locked).toMatchObject({ ok: false, reason: "throttled", scope: "email" });
    if (locked.ok || locked.reason !== "throttled") throw new Error("expected throttled");
    expect(locked.retryAfterSeconds).toBeGreaterThan(SIGN_IN_THROTTLE.lockoutSeconds - 60);
    expect(locked.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_THROTTLE.lockoutSeconds);
    expect(verifyPassword).not.toHaveBeenCalled();
  });

  it("throttles unknown emails too, so a lock reveals nothing", async () => {
    const email = `ghost-${randomUUID()}@example.test`;
    for (let i = 0; i < SIGN_IN_THROTTLE.maxFailures; i++)
      await verifyCredentials({ email, password: "guess", clientAddress: newAddress() });
    expect(await verifyCredentials({ email, password: "guess", clientAddress: newAddress() })).toMatchObject({ reason: "throttled" });
  });

  it("lets exactly maxFailures of a burst of parallel guesses reach the password check, then refuses the right password", async () => {
    const { email } = await newAccount();
    const clientAddress = newAddress();
    const burst = 20;
    const results = await Promise.all(
      Array.from({ length: burst }, (_, i) => verifyCredentials({ email, password: `wrong ${i}`, clientAddress })),
    );

    expect(countBy(results)).toEqual({
      invalid: SIGN_IN_THROTTLE.maxFailures,
      throttledEmail: burst - SIGN_IN_THROTTLE.maxFailures,
      throttledAddress: 0,
    });
    expect(verifyPassword).toHaveBeenCalledTimes(SIGN_IN_THROTTLE.maxFailures);
    const throttle = await getSignInThrottle({ email });
    expect(throttle?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());

    vi.mocked(verifyPassword).mockClear();
    expect(await verifyCredentials({ email, password: PASSWORD, clientAddress: newAddress() })).toMatchObject({
      ok: false,
      reason: "throttled",
      scope: "email",
    });
    expect(verifyPassword).not.toHaveBeenCalled();
  });

  it("refuses a client address spraying guesses over many emails once it reaches its limit, before any password check", async () => {
    const clientAddress = newAddress();
    const emails = Array.from({ length: 30 }, () => `spray-${randomUUID()}@example.test`);
    const results = await Promise.all(emails.map((email) => verifyCredentials({ email, password: "Summer2026!", clientAddress })));

    const { maxAttempts } = ADDRESS_LIMITS.signIn;
    expect(countBy(results)).toEqual({ invalid: maxAttempts, throttledEmail: 0, throttledAddress: emails.length - maxAttempts });
    expect(verifyPassword).toHaveBeenCalledTimes(maxAttempts);
    // The refused attempts counted against no email: they cannot lock anyone out.
    const throttles = await Promise.all(emails.map((email) => getSignInThrottle({ email })));
    expect(throttles.filter(Boolean)).toHaveLength(maxAttempts);

    // The address stays refused, even with the right password of a real account.
    const { email } = await newAccount();
    const refused = await verifyCredentials({ email, password: PASSWORD, clientAddress });
    expect(refused).toMatchObject({ ok: false, reason: "throttled", scope: "address" });
    if (refused.ok || refused.reason !== "throttled") throw new Error("expected throttled");
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(ADDRESS_LIMITS.signIn.windowSeconds);
    // Another address is not affected.
    expect((await verifyCredentials({ email, password: PASSWORD, clientAddress: newAddress() })).ok).toBe(true);
  });

  it("clears earlier failures on success", async () => {
    const { email } = await newAccount();
    const clientAddress = newAddress();
    await verifyCredentials({ email, password: "wrong", clientAddress });
    expect((await getSignInThrottle({ email }))?.failures).toBe(1);
    expect((await verifyCredentials({ email, password: PASSWORD, clientAddress })).ok).toBe(true);
    expect(await getSignInThrottle({ email })).toBeUndefined();
  });

  it("a right password among parallel guesses is let through while the email is under its limit", async () => {
    const { email } = await newAccount();
    const clientAddress = newAddress();
    const results = await Promise.all([
      ...Array.from({ length: SIGN_IN_THROTTLE.maxFailures - 2 }, (_, i) =>
        verifyCredentials({ email, password: `wrong ${i}`, clientAddress }),
      ),
      verifyCredentials({ email, password: PASSWORD, clientAddress }),
    ]);
    expect(results.at(-1)?.ok).toBe(true);
  });
});
