import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getSignInThrottle } from "@/db/queries/sign-in-throttles";
import { createUserWithProject } from "@/db/queries/users";
import { verifyCredentials } from "./credentials";
import { hashPassword } from "./password";
import { SIGN_IN_THROTTLE } from "./throttle";

const PASSWORD = "correct horse battery staple";

async function newAccount() {
  const email = `signin-${randomUUID()}@example.test`;
  const created = await createUserWithProject({ email, passwordHash: await hashPassword(PASSWORD), projectName: "P" });
  return { email, userId: created!.user.id };
}

describe("verifyCredentials", () => {
  it("accepts the right password, with the email in any case and spacing", async () => {
    const { email, userId } = await newAccount();
    expect(await verifyCredentials({ email: `  ${email.toUpperCase()} `, password: PASSWORD })).toEqual({
      ok: true,
      user: { id: userId, email },
    });
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const { email } = await newAccount();
    expect(await verifyCredentials({ email, password: "wrong password" })).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyCredentials({ email: `nobody-${randomUUID()}@example.test`, password: PASSWORD })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await verifyCredentials({ email: "not an email", password: PASSWORD })).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks an email after repeated failures, even against the right password", async () => {
    const { email } = await newAccount();
    for (let i = 0; i < SIGN_IN_THROTTLE.maxFailures; i++) {
      expect(await verifyCredentials({ email, password: `wrong ${i}` })).toMatchObject({ reason: "invalid" });
    }
    const locked = await verifyCredentials({ email, password: PASSWORD });
    expect(locked).toMatchObject({ ok: false, reason: "throttled" });
    if (locked.ok || locked.reason !== "throttled") throw new Error("expected throttled");
    expect(locked.retryAfterSeconds).toBeGreaterThan(SIGN_IN_THROTTLE.lockoutSeconds - 60);
    expect(locked.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_THROTTLE.lockoutSeconds);
  });

  it("throttles unknown emails too, so a lock reveals nothing", async () => {
    const email = `ghost-${randomUUID()}@example.test`;
    for (let i = 0; i < SIGN_IN_THROTTLE.maxFailures; i++) await verifyCredentials({ email, password: "guess" });
    expect(await verifyCredentials({ email, password: "guess" })).toMatchObject({ reason: "throttled" });
  });

  it("counts every one of many concurrent failures", async () => {
    const { email } = await newAccount();
    await Promise.all(Array.from({ length: 4 }, (_, i) => verifyCredentials({ email, password: `wrong ${i}` })));
    expect((await getSignInThrottle({ email }))?.failures).toBe(4);
  });

  it("clears earlier failures on success", async () => {
    const { email } = await newAccount();
    await verifyCredentials({ email, password: "wrong" });
    expect((await getSignInThrottle({ email }))?.failures).toBe(1);
    expect((await verifyCredentials({ email, password: PASSWORD })).ok).toBe(true);
    expect(await getSignInThrottle({ email })).toBeUndefined();
  });
});
