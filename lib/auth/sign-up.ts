import type { z } from "zod";
import { createUserWithProject } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { countAddressAttempt } from "./address-limit";
import { hashPassword } from "./password";
import type { signUpSchema } from "./schema";
import { addressThrottledMessage } from "./throttle";

export const EMAIL_TAKEN_MESSAGE = "An account with this email already exists. Sign in instead.";

/**
 * Creates an account with its first project, from a client address. The attempt is counted
 * against the address's sign-up limit before the password is hashed: over it, nothing is
 * hashed or written (a `rate_limited` AppError). A taken email is an error on `email`.
 */
export async function signUpWithPassword({
  email,
  password,
  clientAddress,
}: z.output<typeof signUpSchema> & { clientAddress: string }): Promise<{ user: { id: string; email: string }; projectId: string }> {
  const address = await countAddressAttempt("signUp", clientAddress);
  if (!address.allowed) {
    throw new AppError("rate_limited", {
      message: addressThrottledMessage("signUp", address.retryAfterSeconds),
      headers: { "Retry-After": String(address.retryAfterSeconds) },
    });
  }
  const created = await createUserWithProject({ email, passwordHash: await hashPassword(password), projectName: "My project" });
  if (!created) throw new AppError("email_taken", { fields: { email: EMAIL_TAKEN_MESSAGE } });
  return { user: { id: created.user.id, email: created.user.email }, projectId: created.projectId };
}
