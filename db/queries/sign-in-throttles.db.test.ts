import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { clearSignInThrottle, getSignInThrottle, reserveSignInAttempt } from "./sign-in-throttles";

const LIMITS = { maxFailures: 3, windowSeconds: 900, lockoutSeconds: 900 };
const newEmail = () => `throttle-${randomUUID()}@example.test`;

describe("reserveSignInAttempt", () => {
  it("allows maxFailures attempts, locks on the last of them, and refuses the rest without extending the lock", async () => {
    const email = newEmail();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await reserveSignInAttempt({ email, ...LIMITS }));
    expect(answers.map((answer) => answer.allowed)).toEqual([true, true, true, false, false]);
    expect(answers.slice(0, 2).map((answer) => answer.lockedUntil)).toEqual([null, null]);
    const lockedUntil = answers[2]!.lockedUntil!;
    expect(lockedUntil.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(answers[3]!.lockedUntil).toEqual(lockedUntil);
    expect(answers[4]!.lockedUntil).toEqual(lockedUntil);
    expect((await getSignInThrottle({ email }))?.failures).toBe(5);
  });

  it("counts every one of many concurrent attempts", async () => {
    const email = newEmail();
    const answers = await Promise.all(Array.from({ length: 12 }, () => reserveSignInAttempt({ email, ...LIMITS })));
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(LIMITS.maxFailures);
    expect((await getSignInThrottle({ email }))?.failures).toBe(12);
  });

  it("starts over once the lock has ended", async () => {
    const email = newEmail();
    const limits = { ...LIMITS, lockoutSeconds: 0 };
    for (let i = 0; i < LIMITS.maxFailures; i++) await reserveSignInAttempt({ email, ...limits });
    expect(await reserveSignInAttempt({ email, ...limits })).toEqual({ allowed: true, lockedUntil: null });
    expect((await getSignInThrottle({ email }))?.failures).toBe(1);
  });

  it("starts over once the window has passed", async () => {
    const email = newEmail();
    const limits = { ...LIMITS, windowSeconds: 0 };
    for (let i = 0; i < 2 * LIMITS.maxFailures; i++) expect((await reserveSignInAttempt({ email, ...limits })).allowed).toBe(true);
    expect((await getSignInThrottle({ email }))?.failures).toBe(1);
  });

  it("is forgotten when cleared", async () => {
    const email = newEmail();
    for (let i = 0; i < 4; i++) await reserveSignInAttempt({ email, ...LIMITS });
    await clearSignInThrottle({ email });
    expect(await getSignInThrottle({ email })).toBeUndefined();
    expect(await reserveSignInAttempt({ email, ...LIMITS })).toEqual({ allowed: true, lockedUntil: null });
  });
});
