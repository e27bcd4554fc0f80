import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { captureLogs } from "@/test/support/logs";
import { runInRequest } from "@/lib/api/request-context";
import { log } from "./log";

describe("log", () => {
  it("writes JSON lines, censoring secret-named keys down to three levels", () => {
    const logs = captureLogs();
    try {
      log.info(
        {
          token: "s-1",
          headers: { authorization: "Bearer s-2", cookie: "s-3", "x-api-key": "s-4", accept: "application/json" },
          credentials: { values: { refresh_token: "s-5", access_token: "s-6", client_secret: "s-7", password: "s-8" } },
        },
        "an event",
      );
    } finally {
      logs.restore();
    }
    expect(logs.text()).not.toMatch(/s-\d/);
    const [entry] = logs.entries();
    expect(entry).toMatchObject({
      level: 30,
      msg: "an event",
      token: "[redacted]",
      headers: { authorization: "[redacted]", cookie: "[redacted]", "x-api-key": "[redacted]", accept: "application/json" },
      credentials: {
        values: { refresh_token: "[redacted]", access_token: "[redacted]", client_secret: "[redacted]", password: "[redacted]" },
      },
    });
    expect(entry!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("names the API request a line is written for, and none outside one", () => {
    const logs = captureLogs();
    try {
      runInRequest({ requestId: "req-42" }, () => log.warn("inside"));
      log.warn("outside");
    } finally {
      logs.restore();
    }
    expect(logs.entries().map((entry) => [entry.msg, entry.requestId])).toEqual([
      ["inside", "req-42"],
      ["outside", undefined],
    ]);
  });

  describe("what was thrown, as `error`", () => {
    const logged = (error: unknown) => {
      const logs = captureLogs();
      try {
        log.error({ error }, "failed");
      } finally {
        logs.restore();
      }
      return { entry: logs.entries()[0]!, text: logs.text() };
    };

    it("an Error: its class, code, message and cause chain, whatever a bundler renamed", () => {
      // What the server logged as "e (code ECONNREFUSED)": drizzle's error (its class minified by Next) caused by postgres.js's.
      class e extends Error {}
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
        errno: -111,
        address: "127.0.0.1",
        port: 5432,
      });
      const wrapped = Object.assign(new e('Failed query: select "id" from "projects" where "id" = $1\nparams: secret-param'), {
        params: ["secret-param"],
        cause: refused,
      });
      const { entry, text } = logged(wrapped);
      expect(entry.error).toEqual({
        type: "Error",
        message: 'Failed query: select "id" from "projects" where "id" = $1',
        cause: { type: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
      });
      expect(text).not.toContain("secret-param");
      const query = new DrizzleQueryError(
        "delete from x",
        ["s-1"],
        Object.assign(new Error("terminating connection due to administrator command"), { name: "PostgresError", code: "57P01" }),
      );
      expect(logged(query).entry.error).toEqual({
        type: "DrizzleQueryError",
        message: "Failed query: delete from x",
        cause: { type: "PostgresError", code: "57P01", message: "terminating connection due to administrator command" },
      });
    });

    it("a plain object (pg-boss emits errors spread into one): its name, code and message, else its fields' names", () => {
      const spread = {
        ...Object.assign(new Error("x"), { code: "CONNECTION_CLOSED" }),
        message: "write CONNECTION_CLOSED 127.0.0.1:5432",
        stack: "Error: at …",
        queue: "workflow-step",
      };
      expect(logged(spread).entry.error).toEqual({
        type: "object",
        code: "CONNECTION_CLOSED",
        message: "write CONNECTION_CLOSED 127.0.0.1:5432",
      });
      expect(logged({ name: "PostgresError", code: "57P01", message: "terminating connection", severity: "FATAL" }).entry.error).toEqual({
        type: "PostgresError",
        code: "57P01",
        message: "terminating connection",
      });
      const { entry, text } = logged({ status: 7, detail: "s-1" });
      expect(entry.error).toEqual({ type: "object", fields: ["status", "detail"] });
      expect(text).not.toContain("s-1");
    });

    it("never the data a message quotes, a URL's credentials or query, a thrown string, or a stack", () => {
      let parseError: unknown;
      try {
        JSON.parse('{"access_token":"s-1", "refresh_token": s-2}');
      } catch (error) {
        parseError = error;
      }
      const cases: [unknown, Record<string, unknown>][] = [
        [parseError, { type: "SyntaxError", message: 'Unexpected token "…" is not valid JSON' }],
        [
          Object.assign(new Error('invalid input syntax for type uuid: "s-1"'), { name: "PostgresError", code: "22P02" }),
          { type: "PostgresError", code: "22P02", message: 'invalid input syntax for type uuid: "…"' },
        ],
        [
          new TypeError('Headers.append: "Bearer s-1\r\n" is an invalid header value.'),
          { type: "TypeError", message: 'Headers.append: "…' },
        ],
        [new Error("value 'it\'s s-1' doesn't fit"), { type: "Error", message: 'value "…" doesn\'t fit' }],
        [new Error("unterminated 's-1"), { type: "Error", message: 'unterminated "…' }],
        [
          new Error("could not reach postgres://app:s-1@db:5432/app and https://api.test/x?key=s-2#s-3"),
          { type: "Error", message: "could not reach postgres://…@db:5432/app and https://api.test/x?…" },
        ],
        [Object.assign(new Error("x"), { name: "s-1: a name with spaces", code: "s-2" }), { type: "Error", message: "x" }],
        ["s-1", { type: "string" }],
      ];
      for (const [error, described] of cases) {
        const { entry, text } = logged(error);
        expect(entry.error).toEqual(described);
        expect(text).not.toMatch(/s-\d|at …/);
      }
      expect((logged(new Error("a".repeat(1000))).entry.error as { message: string }).message).toHaveLength(301);
    });
  });
});
