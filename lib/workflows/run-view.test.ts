import { describe, expect, it } from "vitest";
import {
  describeStepOutput,
  describeTrigger,
  formatDuration,
  runActionSchema,
  runDurationMs,
  runsListHref,
  runsSearchParamsSchema,
} from "./run-view";

const RUN_ID = "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5";
const PROJECT_ID = "0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e";

describe("runsSearchParamsSchema", () => {
  it("reads a status, a user ID and a cursor, trimmed", () => {
    expect(runsSearchParamsSchema.parse({ status: "failed", userId: "  customer-42 ", before: "WyIyMDI2Il0" })).toEqual({
      status: "failed",
      userId: "customer-42",
      before: "WyIyMDI2Il0",
    });
  });

  it("treats missing and blank values as no filter", () => {
    expect(runsSearchParamsSchema.parse({})).toEqual({});
    expect(runsSearchParamsSchema.parse({ status: "", userId: "   ", before: "" })).toEqual({});
  });

  it("ignores a status it does not know (All)", () => {
    for (const status of ["done", "SUCCEEDED", "all", "queued; drop table"]) {
      expect(runsSearchParamsSchema.parse({ status }).status).toBeUndefined();
    }
  });

  it("takes the first of repeated params", () => {
    expect(runsSearchParamsSchema.parse({ status: ["running", "failed"], userId: ["a", "b"] })).toEqual({ status: "running", userId: "a" });
  });

  it.each([
    ["a user ID over 255 characters", { userId: "u".repeat(256) }],
    ["a user ID with a control character", { userId: "a\u0000b" }],
    ["a cursor that is not base64url", { before: "not a cursor!" }],
    ["a cursor that is far too long", { before: "A".repeat(513) }],
  ])("refuses %s", (_, params) => {
    expect(runsSearchParamsSchema.safeParse(params).success).toBe(false);
  });

  it("accepts a 255-character user ID", () => {
    expect(runsSearchParamsSchema.parse({ userId: "u".repeat(255) }).userId).toHaveLength(255);
  });
});

describe("runsListHref", () => {
  it("leaves out empty filters and encodes the rest", () => {
    expect(runsListHref("/runs", {})).toBe("/runs");
    expect(runsListHref("/runs", { status: "failed", userId: "a b&c", before: "xyz" })).toBe("/runs?status=failed&userId=a+b%26c&before=xyz");
  });

  it("round-trips through the schema", () => {
    const href = runsListHref("/runs", { status: "stopped", userId: "ü/1", before: "abc_-" });
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(runsSearchParamsSchema.parse(params)).toEqual({ status: "stopped", userId: "ü/1", before: "abc_-" });
  });
});

describe("runActionSchema", () => {
  it("needs a project ID and a run ID", () => {
    expect(runActionSchema.safeParse({ projectId: PROJECT_ID, runId: RUN_ID }).success).toBe(true);
    expect(runActionSchema.safeParse({ projectId: PROJECT_ID, runId: "nope" }).success).toBe(false);
    expect(runActionSchema.safeParse({ projectId: "nope", runId: RUN_ID }).success).toBe(false);
    expect(runActionSchema.safeParse({ projectId: PROJECT_ID }).success).toBe(false);
  });
});

describe("formatDuration and runDurationMs", () => {
  it.each([
    [0, "0 ms"],
    [850, "850 ms"],
    [1000, "1.0 s"],
    [4_249, "4.2 s"],
    [59_999, "59.9 s"],
    [185_000, "3 min 5 s"],
    [2 * 3600_000 + 14 * 60_000 + 59_000, "2 h 14 min"],
    [-5, "0 ms"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("is the time from start to finish, and nothing before a run finishes", () => {
    const startedAt = new Date("2026-12-01T08:00:00.000Z");
    expect(runDurationMs({ startedAt, finishedAt: new Date("2026-12-01T08:00:01.250Z") })).toBe(1250);
    expect(runDurationMs({ startedAt, finishedAt: null })).toBeUndefined();
    expect(runDurationMs({ startedAt: null, finishedAt: null })).toBeUndefined();
  });
});

describe("describeTrigger", () => {
  it("names an App Event's event", () => {
    expect(describeTrigger({ kind: "app_event", input: { name: "task.sync", payload: {} } })).toBe("App Event task.sync");
    expect(describeTrigger({ kind: "request", input: { body: {} } })).toBe("Request");
    expect(describeTrigger({ kind: "scheduler", input: { scheduledAt: "2026-12-01T08:00:00.000Z" } })).toBe("Scheduler");
  });
});

describe("describeStepOutput", () => {
  const cap = { bodyCapBytes: 16, maxBytes: 1024 };

  it("shows a request step's response: status, headers and pretty body", () => {
    expect(describeStepOutput({ status: 201, headers: { "content-type": "application/json" }, body: { id: "task_4" } }, cap)).toEqual({
      kind: "response",
      status: 201,
      headers: [["content-type", "application/json"]],
      body: { text: '{\n  "id": "task_4"\n}', truncated: false },
      truncated: false,
      capBytes: 16,
    });
  });

  it("says a text body that reaches the cap was cut", () => {
    const output = (body: string) => describeStepOutput({ status: 200, headers: {}, body }, cap);
    expect(output("x".repeat(16))).toMatchObject({ truncated: true });
    expect(output("x".repeat(10))).toMatchObject({ truncated: false });
    // A multi-byte character split at the cut: the stored text ends in U+FFFD.
    expect(output(`${"x".repeat(12)}\uFFFD`)).toMatchObject({ truncated: true });
  });

  it("believes the engine when it says whether it cut the body", () => {
    expect(describeStepOutput({ status: 200, headers: {}, body: "short", truncated: true }, cap)).toMatchObject({ truncated: true });
    expect(describeStepOutput({ status: 200, headers: {}, body: "x".repeat(40), truncated: false }, cap)).toMatchObject({ truncated: false });
  });

  it("shows any other output as JSON, and nothing when there is none", () => {
    expect(describeStepOutput({ result: false }, cap)).toEqual({ kind: "value", json: { text: '{\n  "result": false\n}', truncated: false }, value: { result: false } });
    expect(describeStepOutput({ waitedSeconds: 60 }, cap)).toEqual({ kind: "value", json: { text: '{\n  "waitedSeconds": 60\n}', truncated: false }, value: { waitedSeconds: 60 } });
    expect(describeStepOutput({ list: Array.from({ length: 500 }, (_, index) => index) }, cap)).toMatchObject({ kind: "value", json: { truncated: true } });
    expect(describeStepOutput(null, cap)).toBeUndefined();
    expect(describeStepOutput(undefined, cap)).toBeUndefined();
  });
});
