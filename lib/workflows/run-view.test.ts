import { describe, expect, it } from "vitest";
import type { StoredStep } from "@/db/workflow-definition";
import {
  describeItemCounts,
  describeStepOutput,
  describeTrigger,
  formatDuration,
  parseAfterItem,
  perItemPositions,
  runActionSchema,
  runDurationMs,
  runPageHref,
  runsListHref,
  runsSearchParamsSchema,
  runTreeEntries,
  stepNumber,
} from "./run-view";
import { StepTree } from "./tree";

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
    expect(runsListHref("/runs", { status: "failed", userId: "a b&c", before: "xyz" })).toBe(
      "/runs?status=failed&userId=a+b%26c&before=xyz",
    );
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
    expect(describeStepOutput({ status: 200, headers: {}, body: "x".repeat(40), truncated: false }, cap)).toMatchObject({
      truncated: false,
    });
  });

  it("shows any other output as JSON, and nothing when there is none", () => {
    expect(describeStepOutput({ result: false }, cap)).toEqual({
      kind: "value",
      json: { text: '{\n  "result": false\n}', truncated: false },
    });
    expect(describeStepOutput({ waitedSeconds: 60 }, cap)).toEqual({
      kind: "value",
      json: { text: '{\n  "waitedSeconds": 60\n}', truncated: false },
    });
    expect(describeStepOutput({ list: Array.from({ length: 500 }, (_, index) => index) }, cap)).toMatchObject({
      kind: "value",
      json: { truncated: true },
    });
    expect(describeStepOutput(null, cap)).toBeUndefined();
    expect(describeStepOutput(undefined, cap)).toBeUndefined();
  });
});

describe("a run's tree", () => {
  const delay = (key: string): StoredStep => ({ key, type: "delay", seconds: 1 });
  // Positions: fetch 0, check 1, yes_a 2, yes_b 3, no_a 4, each 5, inner 6, inner_yes 7, last 8, end 9.
  const tree = new StepTree([
    delay("fetch"),
    {
      key: "check",
      type: "condition",
      left: "a",
      operator: "equals",
      right: "a",
      whenTrue: [delay("yes_a"), delay("yes_b")],
      otherwise: [delay("no_a")],
    },
    {
      key: "each",
      type: "fan_out",
      items: "{{trigger.list}}",
      concurrency: 2,
      onItemFailure: "fail",
      body: [
        { key: "inner", type: "condition", left: "", operator: "is_empty", right: "", whenTrue: [delay("inner_yes")], otherwise: [] },
        delay("last"),
      ],
    },
    delay("end"),
  ]);
  const row = (position: number) => ({ position, status: "succeeded" });
  const keys = (entries: ReturnType<typeof runTreeEntries<{ position: number }>>): unknown[] =>
    entries.map((entry) => [
      entry.node?.step.key ?? entry.row?.position,
      ...entry.branches.map((branch) => ({ [branch.label]: keys(branch.entries) })),
    ]);

  it("nests the steps of the branch a Condition took under it, leaves out the branch not taken, and shows every top-level step", () => {
    expect(keys(runTreeEntries(tree, [row(0), row(1), row(2)]))).toEqual([
      ["fetch"],
      ["check", { "When true": [["yes_a"], ["yes_b"]] }],
      ["each"],
      ["end"],
    ]);
    expect(keys(runTreeEntries(tree, [row(0), row(1), row(4)]))).toEqual([
      ["fetch"],
      ["check", { Otherwise: [["no_a"]] }],
      ["each"],
      ["end"],
    ]);
    // A Condition that has not run yet, or ended the run with no Otherwise steps, shows no branch.
    expect(keys(runTreeEntries(tree, [row(0), row(1)]))[1]).toEqual(["check"]);
    // The row is the run's: a step not reached has none.
    expect(runTreeEntries(tree, [row(0)]).map((entry) => entry.row?.position)).toEqual([0, undefined, undefined, undefined]);
  });

  it("reads one item's steps within a Fan Out, and keeps rows its version does not define at the end", () => {
    const fanOut = tree.at(5)!;
    expect(keys(runTreeEntries(tree, [row(6), row(7), row(8)], { parent: fanOut, list: "body" }))).toEqual([
      ["inner", { "When true": [["inner_yes"]] }],
      ["last"],
    ]);
    expect(perItemPositions(tree, fanOut)).toEqual([6, 7, 8]);
    expect(keys(runTreeEntries(tree, [row(0), row(12)])).at(-1)).toEqual([12]);
  });

  it("numbers steps as the editor does: a step's lists number on from one another", () => {
    expect(tree.nodes.map((node) => [node.step.key, stepNumber(node)])).toEqual([
      ["fetch", "1"],
      ["check", "2"],
      ["yes_a", "2.1"],
      ["yes_b", "2.2"],
      ["no_a", "2.3"],
      ["each", "3"],
      ["inner", "3.1"],
      ["inner_yes", "3.1.1"],
      ["last", "3.2"],
      ["end", "4"],
    ]);
  });

  it("pages items by the index after which a page starts, keeping the page's other parameters", () => {
    expect(parseAfterItem("19")).toBe(19);
    expect(parseAfterItem(["39", "0"])).toBe(39);
    for (const value of [undefined, "", "-1", "1.5", "abc", "1e3", "9999999999"]) expect(parseAfterItem(value)).toBe(-1);
    expect(runPageHref({ more: "2", after5: "19", after9: "39" }, "after5", "39")).toBe("?more=2&after9=39&after5=39");
    expect(runPageHref({ after5: "19" }, "after5", undefined)).toBe("?");
  });

  it("sums up a Fan Out's items by status", () => {
    expect(describeItemCounts({ succeeded: 3, failed: 1, stopped: 0, queued: 0, waiting: 0 })).toBe("3 succeeded, 1 failed");
    expect(describeItemCounts({ succeeded: 3, stopped: 2, queued: 5, waiting: 10 })).toBe(
      "3 succeeded, 0 failed, 2 stopped, 5 running, 10 waiting",
    );
  });
});
