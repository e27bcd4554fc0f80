import "server-only";
import { type Placeholder, type SQL, sql } from "drizzle-orm";
import { getDb, rowsOf } from "../client";
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
 * One request counted against `key` in a fixed window, as one upsert answering the window's
 * `count` and `window_started_at`: run alone (`countRequest`) or inside a larger statement (the
 * Connect API's hot statement), so every server process shares the count.
 */
export function countInWindow(key: string | Placeholder, windowSeconds: number | Placeholder): SQL {
  const ended = sql`w.window_started_at <= now() - make_interval(secs => ${windowSeconds})`;
  return sql`insert into rate_limit_windows as w (key, window_started_at, count) values (${key}, now(), 1)
    on conflict (key) do update set
      count = case when ${ended} then 1 else w.count + 1 end,
      window_started_at = case when ${ended} then now() else w.window_started_at end
    returning w.count, w.window_started_at`;
}

/** Counts one request against `key` in a fixed window. Answers how many requests the window holds and when it ends. */
export async function countRequest({
  key,
  windowSeconds,
}: {
  key: string;
  windowSeconds: number;
}): Promise<{ count: number; resetsAt: Date }> {
  const db = await getDb();
  const [row] = rowsOf<{ count: number; window_started_at: Date | string }>(await db.execute(countInWindow(key, windowSeconds)));
  return { count: row!.count, resetsAt: new Date(new Date(row!.window_started_at).getTime() + windowSeconds * 1000) };
}
