import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "./route";

// The app keeps one database handle per process; forget it so each case opens its own.
function forgetDatabase() {
  delete (globalThis as { switchboardDatabase?: unknown }).switchboardDatabase;
}

const check = () => GET(new Request("http://switchboard.test/api/health"), { params: Promise.resolve({}) });

afterEach(() => {
  vi.unstubAllEnvs();
  forgetDatabase();
});

describe("GET /api/health", () => {
  it("answers 200 and names the embedded database", async () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("PGLITE_DATA_DIR", "memory://");
    forgetDatabase();
    const response = await check();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "pglite" });
  });

  it("answers 503 when PostgreSQL cannot be reached", async () => {
    // Port 9 (discard) has no PostgreSQL listening on this machine.
    vi.stubEnv("DATABASE_URL", "postgres://postgres@127.0.0.1:9/switchboard");
    forgetDatabase();
    const response = await check();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toEqual({ status: "unavailable", database: "postgres" });
  });
});
