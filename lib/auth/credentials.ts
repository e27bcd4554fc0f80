import { findUserByEmail } from "@/db/queries/users";
import { clearSignInThrottle, getSignInThrottle, recordSignInFailure } from "@/db/queries/sign-in-throttles";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { SignInInput } from "./schema";
import { signInSchema } from "./schema";
import { secondsUntilUnlocked } from "./throttle";

export type VerifyCredentialsResult =
  | { ok: true; user: { id: string; email: string } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Checks an email and password. A wrong password and an unknown email give the same
 * answer in the same time; an email with too many recent failures is refused before
 * its password is checked.
 */
export async function verifyCredentials(input: SignInInput): Promise<VerifyCredentialsResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;

  const throttle = await getSignInThrottle({ email });
  const retryAfterSeconds = secondsUntilUnlocked(throttle?.lockedUntil, new Date());
  if (retryAfterSeconds > 0) return { ok: false, reason: "throttled", retryAfterSeconds };

  const user = await findUserByEmail({ email });
  const matches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !matches) {
    await recordSignInFailure({ email });
    return { ok: false, reason: "invalid" };
  }
  if (throttle) await clearSignInThrottle({ email });
  return { ok: true, user: { id: user.id, email: user.email } };
}
