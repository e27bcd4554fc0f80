import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { signInThrottles, type SignInThrottle } from "../schema";

export async function getSignInThrottle({ email }: { email: string }): Promise<SignInThrottle | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(signInThrottles).where(eq(signInThrottles.email, email));
  return row;
}

/**
 * Reserves one sign-in attempt for `email` before its password is checked, in a single
 * upsert, so that concurrent attempts each see the ones before them: `failures` counts the
 * attempts of the window (the ones still being checked too); the attempt that reaches
 * `maxFailures` locks the email for `lockoutSeconds`; a window older than `windowSeconds`,
 * or a lock that has ended, starts over. While the email is locked an attempt only counts up
 * (the lock is not extended). Answers whether this attempt may go on, and the lock's end.
 */
export async function reserveSignInAttempt({
  email,
  maxFailures,
  windowSeconds,
  lockoutSeconds,
}: {
  email: string;
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
}): Promise<{ allowed: boolean; lockedUntil: Date | null }> {
  const db = await getDb();
  const t = signInThrottles;
  const lockout = sql`now() + make_interval(secs => ${lockoutSeconds})`;
  const locked = sql`coalesce(${t.lockedUntil} > now(), false)`;
  const startsOver = sql`(not ${locked} and (${t.lockedUntil} is not null
    or ${t.windowStartedAt} <= now() - make_interval(secs => ${windowSeconds})))`;
  const attempts = sql`(case when ${startsOver} then 1 else ${t.failures} + 1 end)`;
  const [row] = await db
    .insert(t)
    .values({ email, failures: 1, windowStartedAt: sql`now()`, lockedUntil: maxFailures <= 1 ? lockout : null })
    .onConflictDoUpdate({
      target: t.email,
      set: {
        failures: attempts,
        windowStartedAt: sql`case when ${startsOver} then now() else ${t.windowStartedAt} end`,
        lockedUntil: sql`case when ${locked} then ${t.lockedUntil} when ${attempts} >= ${maxFailures} then ${lockout} else null end`,
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
  return { allowed: row!.failures <= maxFailures, lockedUntil: row!.lockedUntil };
}

/** Forgets an email's attempts: its owner signed in. */
export async function clearSignInThrottle({ email }: { email: string }): Promise<void> {
  const db = await getDb();
  await db.delete(signInThrottles).where(eq(signInThrottles.email, email));
}

/** Deletes the emails whose window ended `windowSeconds` ago with no lock holding (the retention job): they count nothing any more. */
export async function deleteEndedSignInThrottles({ windowSeconds }: { windowSeconds: number }): Promise<number> {
  const db = await getDb();
  const t = signInThrottles;
  const deleted = await db
    .delete(t)
    .where(
      sql`${t.windowStartedAt} <= now() - make_interval(secs => ${windowSeconds}) and (${t.lockedUntil} is null or ${t.lockedUntil} <= now())`,
    )
    .returning({ email: t.email });
  return deleted.length;
}
