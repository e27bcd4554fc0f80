import { clearSignInThrottle, reserveSignInAttempt } from "@/db/queries/sign-in-throttles";
import { findUserByEmail } from "@/db/queries/users";
import { countAddressAttempt } from "./address-limit";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { SignInInput } from "./schema";
import { signInSchema } from "./schema";
import { secondsUntilUnlocked, SIGN_IN_THROTTLE } from "./throttle";

export type VerifyCredentialsResult =
  | { ok: true; user: { id: string; email: string } }
  | { ok: false; reason: "invalid" }
  /** `email`: this email is locked after failures; `address`: the client address is over its limit. */
  | { ok: false; reason: "throttled"; scope: "email" | "address"; retryAfterSeconds: number };

/**
 * Checks an email and password from a client address. A wrong password and an unknown email
 * give the same answer in the same time. Before the password is checked, the attempt is
 * counted against the client address's limit and then reserved against the email's (see
 * reserveSignInAttempt), so that neither a burst of parallel guesses nor guesses spread over
 * many emails get more password checks than the limits allow.
 */
export async function verifyCredentials(input: SignInInput & { clientAddress: string }): Promise<VerifyCredentialsResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;

  const address = await countAddressAttempt("signIn", input.clientAddress);
  if (!address.allowed) return { ok: false, reason: "throttled", scope: "address", retryAfterSeconds: address.retryAfterSeconds };

  const attempt = await reserveSignInAttempt({ email, ...SIGN_IN_THROTTLE });
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.max(1, secondsUntilUnlocked(attempt.lockedUntil, new Date()));
    return { ok: false, reason: "throttled", scope: "email", retryAfterSeconds };
  }

  const user = await findUserByEmail({ email });
  const matches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !matches) return { ok: false, reason: "invalid" };
  await clearSignInThrottle({ email });
  return { ok: true, user: { id: user.id, email: user.email } };
}
