import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { findUserByEmail } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { hashPassword } from "./password";
import { EMAIL_TAKEN_MESSAGE, signUpWithPassword } from "./sign-up";
import { ADDRESS_LIMITS } from "./throttle";

// Counts the password hashes (argon2) sign-ups get.
vi.mock("./password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./password")>();
  return { ...actual, hashPassword: vi.fn(actual.hashPassword) };
});

const PASSWORD = "correct horse battery staple";

beforeEach(() => {
  vi.mocked(hashPassword).mockClear();
});

describe("signUpWithPassword", () => {
  it("creates an account with its first project", async () => {
    const email = `new-${randomUUID()}@example.test`;
    const { user, projectId } = await signUpWithPassword({ email, password: PASSWORD, clientAddress: `test-${randomUUID()}` });
    expect(user.email).toBe(email);
    expect(projectId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await findUserByEmail({ email }))?.id).toBe(user.id);
  });

  it("answers a taken email on the email field", async () => {
    const email = `taken-${randomUUID()}@example.test`;
    await signUpWithPassword({ email, password: PASSWORD, clientAddress: `test-${randomUUID()}` });
    const error = await signUpWithPassword({ email, password: PASSWORD, clientAddress: `test-${randomUUID()}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "email_taken", status: 409, fields: { email: EMAIL_TAKEN_MESSAGE } });
  });

  it("refuses a client address over its limit before hashing or writing anything", async () => {
    const clientAddress = `test-${randomUUID()}`;
    const { maxAttempts, windowSeconds } = ADDRESS_LIMITS.signUp;
    const emails = Array.from({ length: maxAttempts + 3 }, () => `burst-${randomUUID()}@example.test`);
    const results = await Promise.allSettled(emails.map((email) => signUpWithPassword({ email, password: PASSWORD, clientAddress })));

    const refused = results.flatMap((result, i) =>
      result.status === "rejected" ? [{ email: emails[i]!, error: result.reason as unknown }] : [],
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(maxAttempts);
    expect(refused).toHaveLength(3);
    expect(hashPassword).toHaveBeenCalledTimes(maxAttempts);
    for (const { email, error } of refused) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "rate_limited", status: 429 });
      const { message, headers } = error as AppError;
      expect(message).toMatch(/^Too many sign-up attempts from your network\. Try again in \d+ minutes?\.$/);
      expect(Number(headers?.["Retry-After"])).toBeGreaterThan(0);
      expect(Number(headers?.["Retry-After"])).toBeLessThanOrEqual(windowSeconds);
      expect(await findUserByEmail({ email })).toBeUndefined();
    }

    // Another address still signs up.
    const email = `other-${randomUUID()}@example.test`;
    await signUpWithPassword({ email, password: PASSWORD, clientAddress: `test-${randomUUID()}` });
    expect(await findUserByEmail({ email })).toBeDefined();
  });
});
