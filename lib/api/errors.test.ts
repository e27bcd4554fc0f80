import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { captureLogs } from "@/e2e/support/logs";
import { AppError } from "@/lib/errors";
import { describeUnexpectedError } from "@/lib/errors";
import { handleApiError } from "./errors";

/** What handleApiError wrote to the log while answering `error` (each line's message and error description), and its answer. */
async function logged(error: unknown) {
  const logs = captureLogs();
  try {
    const response = handleApiError(error);
    const lines = logs.entries().map((entry) => `${String(entry.msg)}: ${String(entry.error)}`);
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
  it("logs a drizzle query error by class and SQLSTATE, never its params", async () => {
    const cause = databaseError('invalid byte sequence for encoding "UTF8": 0x00', {
      query: "insert into rate_limit_windows (key) values ($1)",
      parameters: ["secret-value"],
      detail: "Key (key)=(secret-value) already exists.",
    });
    const error = new DrizzleQueryError("insert into rate_limit_windows (key) values ($1)", ["secret-value"], cause);
    expect(error.message).toContain("params: secret-value");

    const { response, body, log, lines } = await logged(error);
    expect(lines).toEqual(["Unexpected error in a route handler: DrizzleQueryError (code 22021)"]);
    expect(log).not.toContain("secret-value");
    expect(log).not.toContain("insert into");
    expect(response.status).toBe(500);
    expect(body).toEqual({ error: { code: "internal_error", message: "Something went wrong on our side." } });
    expect(JSON.stringify(body)).not.toContain("secret-value");
  });

  it("logs no message of any other error either: they quote request data too", async () => {
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
      Object.assign(new Error("connect ECONNREFUSED secret-value"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("secret-value"), { code: "secret-value" }),
      Object.assign(new Error("x"), { name: "secret-value: a name with spaces" }),
      "secret-value",
      { message: "secret-value" },
    ]) {
      const { log } = await logged(error);
      expect(log).toContain('"msg":"Unexpected error in a route handler"');
      expect(log).not.toContain("secret-value");
    }
  });

  it("answers AppErrors as the catalogue says, logging nothing", async () => {
    const { response, body, lines } = await logged(new AppError("invalid_user"));
    expect(response.status).toBe(400);
    expect(body.error.code).toBe("invalid_user");
    expect(lines).toEqual([]);
  });
});

describe("describeUnexpectedError", () => {
  it("names the error's class and the first code of its cause chain", () => {
    expect(describeUnexpectedError(new TypeError("x"))).toBe("TypeError");
    expect(describeUnexpectedError(new DrizzleQueryError("q", [], databaseError("m", { code: "23505" })))).toBe("DrizzleQueryError (code 23505)");
    expect(describeUnexpectedError(Object.assign(new Error("m"), { code: "ECONNRESET" }))).toBe("Error (code ECONNRESET)");
    expect(describeUnexpectedError(null)).toBe("a thrown null");
    expect(describeUnexpectedError("text")).toBe("a thrown string");
  });
});
