import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as getMe } from "@/app/projects/[projectId]/sdk/me/route";
import { getDatabase } from "@/db/client";
import { projectWithSigningKey, signUserToken } from "@/test/support/connect-fixtures";
import { callSdkRoute } from "@/test/support/sdk-route-fixtures";
import { postgresBinDir, startTemporaryPostgres, type TemporaryPostgres } from "@/test/support/temporary-postgres";

// A database outage, on a PostgreSQL of this test's own that it stops and starts again: while it
// is down, routes answer 503 database_unavailable with Retry-After at once (not a 500 after the
// driver's reconnect backoff), and once it is back the next call succeeds within a second or two
// (postgres.js's default backoff grows to 20 s between reconnects after a few failures).

const binDir = postgresBinDir();

function forgetDatabase() {
  delete (globalThis as { switchboardDatabase?: unknown }).switchboardDatabase;
}

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

describe.skipIf(!binDir)(`a database outage${binDir ? "" : " (skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin)"}`, () => {
  let postgres: TemporaryPostgres;
  let me: () => ReturnType<typeof callSdkRoute>;

  beforeAll(async () => {
    postgres = await startTemporaryPostgres(binDir!);
    vi.stubEnv("DATABASE_URL", postgres.url);
    forgetDatabase();
    const { projectId, key } = await projectWithSigningKey();
    const token = await signUserToken(key.privateKeyPem, { claims: { sub: "outage-user" } });
    me = () => callSdkRoute(getMe, { url: `/projects/${projectId}/sdk/me`, params: { projectId }, auth: { token }, method: "GET" });
  }, 60_000);

  afterAll(async () => {
    await (await getDatabase().catch(() => undefined))?.close();
    forgetDatabase();
    vi.unstubAllEnvs();
    await postgres?.destroy();
  });

  it(
    "answers 503 database_unavailable with Retry-After at once while it is down, and succeeds within 2 s of its return",
    { timeout: 60_000 },
    async () => {
      expect((await me()).status).toBe(200);

      await postgres.stop();
      // Several calls over a few seconds: each failed reconnect lengthened postgres.js's default backoff.
      for (let call = 0; call < 8; call++) {
        const { value: answer, ms } = await timed(me);
        expect({ call, status: answer.status, code: answer.json?.error?.code, retryAfter: answer.headers.get("retry-after") }).toEqual({
          call,
          status: 503,
          code: "database_unavailable",
          retryAfter: expect.stringMatching(/^[1-9]\d*$/) as unknown,
        });
        expect(ms).toBeLessThan(1500);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const down = await timed(() => health(new Request("http://switchboard.test/api/health"), { params: Promise.resolve({}) }));
      expect(down.value.status).toBe(503);
      expect(down.value.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(down.ms).toBeLessThan(1500);

      await postgres.start();
      const back = await timed(me);
      expect(back.value.status).toBe(200);
      expect(back.ms).toBeLessThan(2000);
    },
  );
});
