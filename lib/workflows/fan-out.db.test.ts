import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createWorkflow } from "@/db/queries/workflows";
import type { StoredStep, StoredWorkflowDefinition } from "@/db/workflow-definition";
import { deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { listRunItems } from "@/db/queries/workflow-run-items";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { checkWorkflowDefinition, workflowDefinitionSchema } from "./definition";
import { testWorkflowDraft } from "./execute";
import { getRunDetail, retryRunFromFailedStep, type RunDetail } from "./runs";
import { sendAppEvent } from "./triggers";

// Fan Out and Condition branches in runs: each item's steps run with fanout.item, the join counts
// each item once, a failed item fails the Fan Out or is reported, and a Condition runs one branch;
// what a save accepts of a tree; Retry from failed step inside a branch and a Fan Out item; Test.

// A retried request waits 50 ms, not 2 s.
process.env.SWITCHBOARD_RETRY_BASE_MS = "50";

const env = workflowTestEnv({ resources: { echo: "root" }, connectedUser: true });

const ended = (detail: RunDetail) => !["queued", "running"].includes(detail.run.status);
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
/** What TaskLab's /api saw at `path`, oldest first. */
const seen = (path: string) => env.tasklab.apiRequests.filter((request) => request.path === path);

async function run(steps: StoredStep[], payload: Record<string, unknown>): Promise<RunDetail> {
  const eventName = unique("event");
  await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName }, steps });
  const { runIds } = await sendAppEvent({
    projectId: env.projectId,
    caller: { kind: "backend", userId: env.userId },
    name: eventName,
    payload,
  });
  return waitFor("the run to end", () => getRunDetail({ projectId: env.projectId, runId: runIds[0]! }), ended);
}

async function retried(runId: string): Promise<RunDetail> {
  const retry = await retryRunFromFailedStep({ projectId: env.projectId, runId });
  return waitFor("the retry to end", () => getRunDetail({ projectId: env.projectId, runId: retry.id }), ended);
}

const fanOut = (
  body: StoredStep[],
  options: Partial<{ items: string; concurrency: number; onItemFailure: "fail" | "continue" }> = {},
): StoredStep => ({
  key: "each",
  type: "fan_out",
  items: options.items ?? "{{trigger.payload.items}}",
  concurrency: options.concurrency ?? 2,
  onItemFailure: options.onItemFailure ?? "fail",
  body,
});

const functionStep = (key: string, code: string, parameters: { name: string; value: string }[] = []): StoredStep => ({
  key,
  type: "function",
  parameters,
  code,
});

const condition = (key: string, left: string, right: string, whenTrue: StoredStep[], otherwise: StoredStep[] = []): StoredStep => ({
  key,
  type: "condition",
  left,
  operator: "equals",
  right,
  whenTrue,
  otherwise,
});

/** A TaskLab call at /api/flaky/<name> answering 200 (with `failures`: that many 400s first, never retried). */
const call = (key: string, name: string, failures = "0") =>
  requestStep(env.resources.echo, key, "GET", `/api/flaky/${name}`, { query: { failures, status: "400" }, retries: false });

const fanOutRow = (detail: RunDetail) => detail.steps.find((step) => step.stepKey === "each" && step.item === -1)!;

describe("a Fan Out", () => {
  it("runs its steps once per item and gives each item's last output, in order, to the steps after it", async () => {
    const detail = await run(
      [
        fanOut([
          requestStep(env.resources.echo, "send", "POST", "/echo", {
            body: '{"item": "{{fanout.item.name}}", "index": "{{fanout.index}}"}',
          }),
        ]),
        requestStep(env.resources.echo, "after", "POST", "/echo", { body: '{"count": "{{steps.each.succeeded}}"}' }),
      ],
      { items: [{ name: "a" }, { name: "b" }, { name: "c" }] },
    );
    expect(detail.run.status).toBe("succeeded");
    const each = fanOutRow(detail);
    expect(each.status).toBe("succeeded");
    const items = (each.output as { items: { body: { body: string } }[] }).items;
    expect(items.map((item) => JSON.parse(item.body.body))).toEqual([
      { item: "a", index: 0 },
      { item: "b", index: 1 },
      { item: "c", index: 2 },
    ]);
    expect(JSON.parse((detail.steps.find((step) => step.stepKey === "after")!.output as { body: { body: string } }).body.body)).toEqual({
      count: 3,
    });
    const rows = await listRunItems({ runId: detail.run.id, position: 0, afterItem: -1, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("over no items succeeds at once with no items, and the steps after it run", async () => {
    const key = unique("none");
    const detail = await run([fanOut([call("call", `${key}-{{fanout.index}}`)]), call("after", `${key}-after`)], { items: [] });
    expect(detail.run.status).toBe("succeeded");
    expect(fanOutRow(detail)).toMatchObject({ status: "succeeded", output: { items: [], succeeded: 0, failed: 0 } });
    expect(detail.steps.map((step) => step.stepKey)).toEqual(["each", "after"]);
    expect(await listRunItems({ runId: detail.run.id, position: 0, limit: 10 })).toEqual([]);
    expect(seen(`/api/flaky/${key}-after`)).toHaveLength(1);
  });

  it("over 1,001 items (a Function's result) fails naming the count, before any item runs", async () => {
    // The real limit: nothing in this test sets SWITCHBOARD_FAN_OUT_MAX_ITEMS.
    expect(process.env.SWITCHBOARD_FAN_OUT_MAX_ITEMS).toBeUndefined();
    const key = unique("many");
    const detail = await run(
      [
        functionStep("make", "function run() {\n  return Array.from({ length: 1001 }, (_, index) => index);\n}"),
        fanOut([call("call", `${key}-{{fanout.index}}`)], { items: "{{steps.make.result}}" }),
      ],
      {},
    );
    expect(detail.run).toMatchObject({ status: "failed", error: "Step each: Items holds 1001 items; a Fan Out runs over at most 1000." });
    expect(await listRunItems({ runId: detail.run.id, position: 1, limit: 10 })).toEqual([]);
    expect(env.tasklab.apiRequests.filter((request) => request.path.startsWith(`/api/flaky/${key}`))).toEqual([]);
  });

  it("fails when Items is not an array, naming what it is", async () => {
    const body = [call("call", unique("never"))];
    const text = await run([fanOut(body)], { items: "three" });
    expect(text.run).toMatchObject({
      status: "failed",
      error: "Step each: Items must be an array; {{trigger.payload.items}} is a string.",
    });
    const object = await run([fanOut(body)], { items: { a: 1 } });
    expect(object.run.error).toBe("Step each: Items must be an array; {{trigger.payload.items}} is an object.");
  });

  it('with On item failure "fail", fails the run naming the item, and the items not yet started never run', async () => {
    const key = unique("fail");
    const detail = await run(
      [fanOut([call("call", `${key}-{{fanout.index}}`, "{{fanout.item.failures}}")], { concurrency: 1, onItemFailure: "fail" })],
      {
        items: [{ failures: 0 }, { failures: 1 }, { failures: 0 }, { failures: 0 }],
      },
    );
    expect(detail.run.status).toBe("failed");
    expect(detail.run.error).toBe("Step each: Item 2 failed: Step call: The API answered 400.");
    const rows = await listRunItems({ runId: detail.run.id, position: 0, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(["succeeded", "failed", "waiting", "waiting"]);
    expect([0, 1, 2, 3].map((item) => seen(`/api/flaky/${key}-${item}`).length)).toEqual([1, 1, 0, 0]);
  });

  it('with On item failure "continue", succeeds and reports the failed item as { error } at its index', async () => {
    const key = unique("continue");
    const detail = await run(
      [
        fanOut([call("call", `${key}-{{fanout.index}}`, "{{fanout.item.failures}}")], { concurrency: 2, onItemFailure: "continue" }),
        call("after", `${key}-after`),
      ],
      { items: [{ failures: 0 }, { failures: 1 }, { failures: 0 }, { failures: 0 }] },
    );
    expect(detail.run.status).toBe("succeeded");
    const output = fanOutRow(detail).output as { items: unknown[]; succeeded: number; failed: number };
    expect(output).toMatchObject({ succeeded: 3, failed: 1 });
    expect(output.items[1]).toEqual({ error: "Step call: The API answered 400." });
    expect([0, 2, 3].map((item) => output.items[item])).toEqual(
      [0, 2, 3].map((item) => expect.objectContaining({ status: 200, body: { key: `${key}-${item}`, calls: 1 } })),
    );
    const rows = await listRunItems({ runId: detail.run.id, position: 0, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(["succeeded", "failed", "succeeded", "succeeded"]);
    expect(seen(`/api/flaky/${key}-after`)).toHaveLength(1);
  });

  it("runs at most Concurrency items at once", async () => {
    const from = env.tasklab.apiRequests.length;
    const detail = await run(
      [fanOut([requestStep(env.resources.echo, "wait", "GET", "/api/slow", { query: { ms: "300" } })], { concurrency: 2 })],
      {
        items: [1, 2, 3, 4, 5, 6],
      },
    );
    expect(detail.run.status).toBe("succeeded");
    const rows = await listRunItems({ runId: detail.run.id, position: 0, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill("succeeded"));
    // An item runs from its step's start to its end; at no item's start were more than 2 running.
    const steps = detail.steps.filter((step) => step.item >= 0);
    expect(steps).toHaveLength(6);
    const running = (at: Date) => steps.filter((step) => step.startedAt! <= at && at < step.finishedAt!).length;
    expect(Math.max(...steps.map((step) => running(step.startedAt!)))).toBeLessThanOrEqual(2);
    // TaskLab's side: request k + 2 went out only once request k had its answer (300 ms after it arrived).
    const arrivals = env.tasklab.apiRequests
      .slice(from)
      .filter((request) => request.path === "/api/slow")
      .map((request) => request.at);
    expect(arrivals).toHaveLength(6);
    for (let k = 0; k + 2 < arrivals.length; k++) expect(arrivals[k + 2]! - arrivals[k]!).toBeGreaterThanOrEqual(290);
  });

  it("sends each item's request with its own Idempotency-Key, the same on the item's retried request", async () => {
    const key = unique("keys");
    const detail = await run(
      [
        fanOut(
          [
            requestStep(env.resources.echo, "call", "GET", `/api/flaky/${key}-{{fanout.index}}`, {
              query: { failures: "1", status: "503" },
            }),
          ],
          { concurrency: 3 },
        ),
      ],
      { items: ["a", "b", "c"] },
    );
    expect(detail.run.status).toBe("succeeded");
    for (const item of [0, 1, 2]) {
      expect(seen(`/api/flaky/${key}-${item}`).map((request) => request.idempotencyKey)).toEqual(
        Array(2).fill(`${detail.run.id}:call:${item}`),
      );
    }
  });

  it("fails the run when an item fails, and Retry from failed step runs the failed item again", async () => {
    const key = randomUUID();
    const detail = await run(
      [
        fanOut(
          [requestStep(env.resources.echo, "call", "GET", `/api/flaky/${key}-{{fanout.index}}?failures=1&status=400`, { retries: false })],
          { onItemFailure: "fail", concurrency: 1 },
        ),
      ],
      {
        items: [1],
      },
    );
    expect(detail.run.status).toBe("failed");
    expect(detail.run.error).toMatch(/^Step each: Item 1 failed: Step call:/);
    const retry = await retryRunFromFailedStep({ projectId: env.projectId, runId: detail.run.id });
    const retriedRun = await waitFor("the retry to end", () => getRunDetail({ projectId: env.projectId, runId: retry.id }), ended);
    expect(retriedRun.run.status).toBe("succeeded");
  });

  it("Retry from failed step keeps the items that succeeded and the failed item's steps before its failed one, and resumes it there", async () => {
    const key = unique("resume");
    // Item 2's second step fails (503, five tries); its retries are jobs of their own, so items 1 and 3 end meanwhile.
    const detail = await run(
      [
        fanOut(
          [
            call("first", `${key}-first-{{fanout.index}}`),
            requestStep(env.resources.echo, "second", "GET", `/api/flaky/${key}-second-{{fanout.index}}`, {
              query: { failures: "{{fanout.item.failures}}", status: "503" },
            }),
          ],
          { concurrency: 3, onItemFailure: "fail" },
        ),
      ],
      { items: [{ failures: 0 }, { failures: 5 }, { failures: 0 }] },
    );
    expect(detail.run).toMatchObject({ status: "failed", error: "Step each: Item 2 failed: Step second: The API answered 503." });
    expect((await listRunItems({ runId: detail.run.id, position: 0, limit: 10 })).map((row) => row.status)).toEqual([
      "succeeded",
      "failed",
      "succeeded",
    ]);

    const retry = await retried(detail.run.id);
    expect(retry.run.status).toBe("succeeded");
    // Items 1 and 3 and item 2's first step are the failed run's rows, copied.
    const row = (of: RunDetail, item: number, stepKey: string) => of.steps.find((step) => step.item === item && step.stepKey === stepKey);
    for (const [item, stepKey] of [
      [0, "first"],
      [0, "second"],
      [1, "first"],
      [2, "first"],
      [2, "second"],
    ] as const) {
      expect(row(retry, item, stepKey)).toMatchObject({
        status: "succeeded",
        output: row(detail, item, stepKey)!.output,
        attempts: row(detail, item, stepKey)!.attempts,
      });
    }
    expect(row(retry, 1, "second")).toMatchObject({
      status: "succeeded",
      output: { status: 200, body: { key: `${key}-second-1`, calls: 6 } },
    });
    expect((fanOutRow(retry).output as { items: unknown[] }).items).toEqual(
      [0, 1, 2].map((item) => expect.objectContaining({ body: { key: `${key}-second-${item}`, calls: item === 1 ? 6 : 1 } })),
    );
    // TaskLab got no second call for any item's first step, nor for items 1 and 3's second.
    const keys = (path: string) => seen(path).map((request) => request.idempotencyKey);
    expect([0, 1, 2].map((item) => keys(`/api/flaky/${key}-first-${item}`))).toEqual(
      [0, 1, 2].map((item) => [`${detail.run.id}:first:${item}`]),
    );
    expect([0, 1, 2].map((item) => keys(`/api/flaky/${key}-second-${item}`))).toEqual([
      [`${detail.run.id}:second:0`],
      [...Array(5).fill(`${detail.run.id}:second:1`), `${retry.run.id}:second:1`],
      [`${detail.run.id}:second:2`],
    ]);
  });
});

describe("a Condition with branches", () => {
  it("runs When true or Otherwise, then the steps after it", async () => {
    const steps = (): StoredStep[] => [
      {
        key: "check",
        type: "condition",
        left: "{{trigger.payload.kind}}",
        operator: "equals",
        right: "a",
        whenTrue: [requestStep(env.resources.echo, "yes", "POST", "/echo", { body: '{"branch": "yes"}' })],
        otherwise: [requestStep(env.resources.echo, "no", "POST", "/echo", { body: '{"branch": "no"}' })],
      },
      requestStep(env.resources.echo, "after", "POST", "/echo", { body: '{"after": true}' }),
    ];
    const yes = await run(steps(), { kind: "a" });
    expect(yes.steps.map((step) => step.stepKey)).toEqual(["check", "yes", "after"]);
    const no = await run(steps(), { kind: "b" });
    expect(no.steps.map((step) => step.stepKey)).toEqual(["check", "no", "after"]);
    expect(no.run.status).toBe("succeeded");
  });

  it("that does not hold, with no Otherwise steps, ends the run Stopped", async () => {
    const key = unique("stop");
    const detail = await run(
      [condition("check", "{{trigger.payload.kind}}", "a", [call("yes", `${key}-yes`)]), call("after", `${key}-after`)],
      { kind: "b" },
    );
    expect(detail.run).toMatchObject({ status: "stopped", error: null });
    expect(detail.steps).toEqual([expect.objectContaining({ stepKey: "check", status: "succeeded", output: { result: false } })]);
    expect(env.tasklab.apiRequests.filter((request) => request.path.startsWith(`/api/flaky/${key}`))).toEqual([]);
  });

  it("inside a Fan Out item, not holding with no Otherwise steps, stops that item; the Fan Out and the steps after it go on", async () => {
    const key = unique("item-stop");
    const detail = await run(
      [
        fanOut(
          [
            condition("check", "{{fanout.item.go}}", "yes", [call("yes", `${key}-{{fanout.index}}`)]),
            call("tail", `${key}-tail-{{fanout.index}}`),
          ],
          { concurrency: 3 },
        ),
        call("after", `${key}-after`),
      ],
      { items: [{ go: "yes" }, { go: "no" }, { go: "yes" }] },
    );
    expect(detail.run.status).toBe("succeeded");
    const rows = await listRunItems({ runId: detail.run.id, position: 0, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(["succeeded", "stopped", "succeeded"]);
    const output = fanOutRow(detail).output as { items: unknown[]; succeeded: number; failed: number };
    expect(output).toMatchObject({ succeeded: 3, failed: 0 });
    expect(output.items[1]).toEqual({ result: false });
    expect([0, 1, 2].map((item) => [seen(`/api/flaky/${key}-${item}`).length, seen(`/api/flaky/${key}-tail-${item}`).length])).toEqual([
      [1, 1],
      [0, 0],
      [1, 1],
    ]);
    expect(seen(`/api/flaky/${key}-after`)).toHaveLength(1);
  });

  it("Retry from failed step in When true keeps the Condition's row and the steps before it, and resumes at the failed step", async () => {
    const key = unique("branch-retry");
    const detail = await run(
      [
        call("start", `${key}-start`),
        condition("check", "{{trigger.payload.kind}}", "a", [call("yes", `${key}-yes`, "1")], [call("no", `${key}-no`)]),
        call("after", `${key}-after`),
      ],
      { kind: "a" },
    );
    expect(detail.run).toMatchObject({ status: "failed", error: "Step yes: The API answered 400." });
    const retry = await retried(detail.run.id);
    expect(retry.run.status).toBe("succeeded");
    expect(retry.steps.map((step) => step.stepKey)).toEqual(["start", "check", "yes", "after"]);
    for (const index of [0, 1])
      expect(retry.steps[index]).toMatchObject({
        status: "succeeded",
        output: detail.steps[index]!.output,
        attempts: detail.steps[index]!.attempts,
      });
    expect(seen(`/api/flaky/${key}-start`).map((request) => request.idempotencyKey)).toEqual([`${detail.run.id}:start`]);
    expect(seen(`/api/flaky/${key}-yes`).map((request) => request.idempotencyKey)).toEqual([`${detail.run.id}:yes`, `${retry.run.id}:yes`]);
    expect(seen(`/api/flaky/${key}-no`)).toEqual([]);
    expect(seen(`/api/flaky/${key}-after`).map((request) => request.idempotencyKey)).toEqual([`${retry.run.id}:after`]);
  });
});

describe("saving a tree", () => {
  const trigger: StoredWorkflowDefinition["trigger"] = { kind: "app_event", eventName: "tree.saved" };
  const context = {
    resources: [],
    sampleTrigger: { name: "tree.saved", payload: { kind: "a", items: [1, 2] } },
    lastTestOutputs: {},
    triggerResources: [],
  };
  const check = (steps: StoredStep[]) => checkWorkflowDefinition(workflowDefinitionSchema.parse({ trigger, steps }), context);
  const issues = (steps: StoredStep[]) =>
    (workflowDefinitionSchema.safeParse({ trigger, steps }).error?.issues ?? []).map(({ path, message }) => ({ path, message }));
  const returns = (key: string, parameters: { name: string; value: string }[] = []) =>
    functionStep(key, "function run(parameters) {\n  return parameters;\n}", parameters);

  it("refuses a step after a Condition that uses a branch step's output, naming the step's field and the variable", () => {
    const errors = check([
      condition("check", "{{trigger.payload.kind}}", "a", [returns("yes")], [returns("no")]),
      returns("after", [{ name: "answer", value: "{{steps.yes.result}}" }]),
    ]);
    expect(Object.keys(errors)).toEqual(["steps.1.parameters.0.value"]);
    expect(errors["steps.1.parameters.0.value"]).toMatch(/^steps\.yes\.result: step yes is not sure to have run before this step/);
  });

  it("lets a step inside a Fan Out use fanout.item, and one after it the Fan Out's items but not a step of its items", () => {
    const each = fanOut([
      returns("double", [
        { name: "value", value: "{{fanout.item}}" },
        { name: "index", value: "{{fanout.index}}" },
      ]),
    ]);
    expect(check([each, returns("after", [{ name: "all", value: "{{steps.each.items}}" }])])).toEqual({});
    const errors = check([
      each,
      returns("after", [
        { name: "all", value: "{{steps.each.items}}" },
        { name: "one", value: "{{steps.double.result}}" },
      ]),
    ]);
    expect(Object.keys(errors)).toEqual(["steps.1.parameters.1.value"]);
    expect(errors["steps.1.parameters.1.value"]).toMatch(/^steps\.double\.result: step double is not sure to have run before this step/);
  });

  it("refuses a key used twice in the tree, on the nested step's key", () => {
    expect(issues([returns("same"), condition("check", "{{trigger.payload.kind}}", "a", [returns("same")])])).toEqual([
      {
        path: ["steps", 1, "whenTrue", 0, "key"],
        message: "Step keys must be unique across the workflow, branches and Fan Outs included.",
      },
    ]);
  });

  it("refuses a Fan Out inside a Fan Out", () => {
    const inner: StoredStep = { ...fanOut([returns("leaf")]), key: "inner" };
    expect(issues([fanOut([inner])])).toEqual([
      { path: ["steps", 0, "body", 0, "type"], message: "A Fan Out step cannot stand inside a Fan Out's steps for each item." },
    ]);
  });
});

describe("Test in the editor", () => {
  it("runs the branch that holds and every item of a Fan Out, and shows their steps", async () => {
    const workflow = await createWorkflow({
      projectId: env.projectId,
      name: unique("Test tree"),
      draft: {
        trigger: { kind: "app_event", eventName: "tree.tested" },
        steps: [
          condition(
            "check",
            "{{trigger.payload.kind}}",
            "a",
            [functionStep("yes", 'function run() {\n  return "yes";\n}')],
            [functionStep("no", 'function run() {\n  return "no";\n}')],
          ),
          fanOut(
            [
              functionStep("double", "function run(parameters) {\n  return parameters.value * 2;\n}", [
                { name: "value", value: "{{fanout.item}}" },
              ]),
            ],
            { concurrency: 2 },
          ),
        ],
      },
      sampleTrigger: { name: "tree.tested", payload: { kind: "a", items: [1, 2, 3] } },
      actor: SYSTEM_ACTOR,
    });
    // Function steps only: Test sends Request steps through a test connection, which this project has none of.
    const result = await testWorkflowDraft({ projectId: env.projectId, workflowId: workflow.id, allowPrivateNetwork: true });
    expect(result.status).toBe("succeeded");
    expect(result.steps.map((step) => [step.key, step.status])).toEqual([
      ["check", "succeeded"],
      ["yes", "succeeded"],
      ["each", "succeeded"],
      ["double", "succeeded"],
    ]);
    expect(result.steps[1]!.output).toMatchObject({ result: "yes" });
    const each = result.steps[2]!;
    expect(each.items?.map((item) => [item.index, item.status, item.steps.map((step) => step.output?.result)])).toEqual([
      [0, "succeeded", [2]],
      [1, "succeeded", [4]],
      [2, "succeeded", [6]],
    ]);
    expect(each.output).toMatchObject({
      succeeded: 3,
      failed: 0,
      items: [{ result: 2 }, { result: 4 }, { result: 6 }].map((item) => expect.objectContaining(item)),
    });
  });
});
