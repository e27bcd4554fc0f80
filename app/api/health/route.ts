// GET /api/health — 200 when the database answers, 503 when it does not.
import { sql } from "drizzle-orm";
import { getDatabase, type DatabaseKind } from "@/db/client";
import { databaseUrl } from "@/db/env";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/api/errors";
import { observeRoute } from "@/lib/api/observe";

export const dynamic = "force-dynamic";

const HEALTH_TIMEOUT_MS = 3000;

export const GET = observeRoute("/api/health", async () => {
  const database: DatabaseKind = databaseUrl() ? "postgres" : "pglite";
  try {
    await withTimeout(
      getDatabase().then(({ db }) => db.execute(sql`select 1`)),
      HEALTH_TIMEOUT_MS,
    );
    return Response.json({ status: "ok", database });
  } catch {
    return Response.json(
      { status: "unavailable", database },
      { status: 503, headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) } },
    );
  }
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms).unref())]);
}
