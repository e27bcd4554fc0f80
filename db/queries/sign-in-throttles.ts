import "server-only";
import { eq, sql } from "drizzle-orm";
import { SIGN_IN_THROTTLE } from "@/lib/auth/throttle";
import { getDb } from "../client";
import { signInThrottles, type SignInThrottle } from "../schema";

export async function getSignInThrottle({ email }: { email: string }): Promise<SignInThrottle | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(signInThrottles).where(eq(signInThrottles.email, email));
  return row;
}

/**
 * Counts one failed sign-in in a single upsert, so concurrent failures are all counted:
 * a window older than SIGN_IN_THROTTLE.windowSeconds starts over, and reaching
 * maxFailures locks the email for lockoutSeconds.
 */
export async function recordSignInFailure({ email }: { email: string }): Promise<SignInThrottle> {
  const db = await getDb();
  const { maxFailures, windowSeconds, lockoutSeconds } = SIGN_IN_THROTTLE;
  const windowExpired = sql`${signInThrottles.windowStartedAt} < now() - make_interval(secs => ${windowSeconds})`;
  const failures = sql`case when ${windowExpired} then 1 else ${signInThrottles.failures} + 1 end`;
  const [row] = await db
    .insert(signInThrottles)
    .values({ email, failures: 1, windowStartedAt: sql`now()` })
    .onConflictDoUpdate({
      target: signInThrottles.email,
      set: {
        failures,
        windowStartedAt: sql`case when ${windowExpired} then now() else ${signInThrottles.windowStartedAt} end`,
        lockedUntil: sql`case when ${failures} >= ${maxFailures}
          then now() + make_interval(secs => ${lockoutSeconds}) else ${signInThrottles.lockedUntil} end`,
      },
    })
    .returning();
  return row!;
}

export async function clearSignInThrottle({ email }: { email: string }): Promise<void> {
  const db = await getDb();
  await db.delete(signInThrottles).where(eq(signInThrottles.email, email));
}
