import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "../client";
import { rateLimitWindows } from "../schema";

/** The longest window any limit counts in (the sign-up limit per address: an hour). */
const LONGEST_WINDOW_SECONDS = 60 * 60;

/** Deletes the windows that have ended for every limit (the retention job), so the table holds only live ones. */
export async function deleteEndedRateLimitWindows(): Promise<number> {
  const db = await getDb();
  const deleted = await db
    .delete(rateLimitWindows)
    .where(sql`${rateLimitWindows.windowStartedAt} <= now() - make_interval(secs => ${LONGEST_WINDOW_SECONDS})`)
    .returning({ key: rateLimitWindows.key });
  return deleted.length;
}

/**
 * Counts one request against `key` in a fixed window, in a single upsert so every server
 * process shares the count. Answers how many requests the window holds and when it ends.
 */
export async function countRequest({ key, windowSeconds }: { key: string; windowSeconds: number }): Promise<{ count: number; resetsAt: Date }> {
  const db = await getDb();
  const expired = sql`${rateLimitWindows.windowStartedAt} <= now() - make_interval(secs => ${windowSeconds})`;
  const [row] = await db
    .insert(rateLimitWindows)
    .values({ key, windowStartedAt: sql`now()`, count: 1 })
    .onConflictDoUpdate({
      target: rateLimitWindows.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimitWindows.count} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${rateLimitWindows.windowStartedAt} end`,
      },
    })
    .returning({ count: rateLimitWindows.count, windowStartedAt: rateLimitWindows.windowStartedAt });
  return { count: row!.count, resetsAt: new Date(row!.windowStartedAt.getTime() + windowSeconds * 1000) };
}
