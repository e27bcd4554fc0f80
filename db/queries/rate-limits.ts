import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "../client";
import { rateLimitWindows } from "../schema";

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
