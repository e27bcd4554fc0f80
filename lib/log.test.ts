import { describe, expect, it } from "vitest";
import { captureLogs } from "@/e2e/support/logs";
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
      credentials: { values: { refresh_token: "[redacted]", access_token: "[redacted]", client_secret: "[redacted]", password: "[redacted]" } },
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
});
