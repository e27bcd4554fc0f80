import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { captureLogs } from "@/test/support/logs";
import { actionErrorResult, AppError, ERROR_CATALOGUE } from "@/lib/errors";
import { describeUnexpectedError } from "@/lib/errors";
import { handleApiError, unexpectedAppError } from "./errors";

/** What handleApiError wrote to the log while answering `error` (each line's message and error description), and its answer. */
async function logged(error: unknown) {
  const logs = captureLogs();
  try {
    const response = handleApiError(error);
    const lines = logs.entries().map((entry) => `${String(entry.msg)}: ${JSON.stringify(entry.error)}`);
    return { response, body: (await response.json()) as { error: { code: string; message: string } }, log: logs.text(), lines };
  } finally {
    logs.restore();
  }
}

/** What PostgreSQL answers for a NUL in text, as PGlite and postgres.js both carry it: the SQLSTATE in `code`. */
function databaseError(message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name: "PostgresError", code: "22021", ...extra });
}

describe("handleApiError", () => {
  it("logs a drizzle query error's statement and cause, never its params or the cause's detail", async () => {
    const cause = databaseError('invalid byte sequence for encoding "UTF8": 0x00', {
      query: "insert into rate_limit_windows (key) values ($1)",
      parameters: ["secret-value"],
      detail: "Key (key)=(secret-value) already exists.",
    });
    const error = new DrizzleQueryError("insert into rate_limit_windows (key) values ($1)", ["secret-value"], cause);
    expect(error.message).toContain("params: secret-value");

    const { response, body, log, lines } = await logged(error);
    expect(lines).toEqual([
      'Unexpected error in a route handler: {"type":"DrizzleQueryError","message":"Failed query: insert into rate_limit_windows (key) values ($1)","cause":{"type":"PostgresError","code":"22021","message":"invalid byte sequence for encoding \\"…\\": 0x00"}}',
    ]);
    expect(log).not.toContain("secret-value");
    expect(response.status).toBe(500);
    expect(body).toEqual({ error: { code: "internal_error", message: "Something went wrong on our side." } });
    expect(JSON.stringify(body)).not.toContain("secret-value");
  });

  it("logs no data that other errors' messages quote, nor a thrown string", async () => {
    let parseError: unknown;
    try {
      JSON.parse('{"refresh_token": secret-value}');
    } catch (error) {
      parseError = error;
    }
    for (const error of [
      parseError,
      databaseError('invalid input syntax for type uuid: "secret-value"', { code: "22P02" }),
      new TypeError('Headers.append: "secret-value" is an invalid header value.'),
      Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "secret-value" }),
      Object.assign(new Error("x"), { name: "secret-value: a name with spaces" }),
      "secret-value",
      { message: "value 'secret-value' refused" },
    ]) {
      const { log } = await logged(error);
      expect(log).toContain('"msg":"Unexpected error in a route handler"');
      expect(log).not.toContain("secret-value");
    }
  });

  it("answers 503 database_unavailable with Retry-After when the database did not answer, whatever wraps the driver's error", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    for (const error of [
      new DrizzleQueryError("select 1", [], refused),
      new AggregateError([refused], ""),
      databaseError("terminating connection due to administrator command", { code: "57P01" }),
      databaseError("the database system is starting up", { code: "57P03" }),
      Object.assign(new Error("write CONNECTION_CLOSED db:5432"), { code: "CONNECTION_CLOSED" }),
      Object.assign(new Error("write CONNECT_TIMEOUT db:5432"), { code: "CONNECT_TIMEOUT" }),
    ]) {
      const { response, body, lines } = await logged(error);
      expect([response.status, body.error.code, response.headers.get("retry-after")]).toEqual([503, "database_unavailable", "2"]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^The database did not answer a route handler: /);
    }
    // A statement the database refused is not an outage.
    expect(unexpectedAppError(new DrizzleQueryError("insert", [], databaseError("duplicate key", { code: "23505" }))).code).toBe(
      "internal_error",
    );
    // Server actions answer the same way (server/action.ts): a form error that says so.
    expect(actionErrorResult(unexpectedAppError(refused))).toEqual({ ok: false, formError: ERROR_CATALOGUE.database_unavailable.message });
  });

  it("answers AppErrors as the catalogue says, logging nothing", async () => {
    const { response, body, lines } = await logged(new AppError("invalid_user"));
    expect(response.status).toBe(400);
    expect(body.error.code).toBe("invalid_user");
    expect(lines).toEqual([]);
  });
});

describe("describeUnexpectedError", () => {
  it("says on one line what the logger says of an error: class, code, message and causes", () => {
    expect(describeUnexpectedError(new TypeError("x"))).toBe("TypeError: x");
    expect(describeUnexpectedError(new DrizzleQueryError("q", [], databaseError("m", { code: "23505" })))).toBe(
      "DrizzleQueryError: Failed query: q ← PostgresError (23505): m",
    );
    expect(describeUnexpectedError(Object.assign(new Error("m"), { code: "ECONNRESET" }))).toBe("Error (ECONNRESET): m");
    expect(
      describeUnexpectedError({ ...Object.assign(new Error("n"), { code: "CONNECT_TIMEOUT" }), message: "write CONNECT_TIMEOUT db:5432" }),
    ).toBe("object (CONNECT_TIMEOUT): write CONNECT_TIMEOUT db:5432");
    expect(describeUnexpectedError(null)).toBe("null");
    expect(describeUnexpectedError("text")).toBe("string");
  });
});
