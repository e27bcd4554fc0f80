import { describe, expect, it } from "vitest";
import type { StoredStep } from "@/db/workflow-definition";
import { ALLOWED_ORIGIN } from "@/test/support/connect-fixtures";
import { alwaysStep, callSdkRoute, runsOf } from "@/test/support/sdk-route-fixtures";
import { deployedWorkflow, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { getRunDetail } from "@/lib/workflows/runs";
import { ANSWERED_ALREADY } from "@/lib/workflows/steps/response";
import { POST as startRun } from "./runs/route";

// A Response step on a real database with the engine's workers running: a caller waiting with
// ?wait=true gets exactly its status, headers and JSON body while the run goes on (a 60 s Delay
// after it has not passed), a caller not waiting still gets 202, a workflow without one answers
// as before, and a second Response in a run fails while the caller keeps the first answer.

// A database of the file's own: another test file's workers must not take (or hurry) these runs' jobs.
const env = workflowTestEnv({ secretKey: true });

const response = (key: string, status: number, body = '{"id": "{{trigger.body.id}}"}'): StoredStep => ({
  key,
  type: "response",
  status,
  headers: [{ name: "X-Task", value: "task-{{trigger.body.id}}" }],
  body,
});
const delay: StoredStep = { key: "later", type: "delay", seconds: 60 };

/** Starts a run of a Request workflow of `steps` (on no resource: the backend names no user). */
async function run(
  steps: StoredStep[],
  { query = "?wait=true", headers, body = { id: "t_1" } }: { query?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const workflowId = await deployedWorkflow(env.projectId, { trigger: { kind: "request" }, steps });
  return callSdkRoute(startRun, {
    url: `/projects/${env.projectId}/sdk/workflows/${workflowId}/runs${query}`,
    params: { projectId: env.projectId, workflowId },
    auth: { secretKey: env.secretKey },
    body,
    headers,
  });
}

const runOf = (runId: string) => getRunDetail({ projectId: env.projectId, runId });
const ended = (runId: string) =>
  waitFor(
    "the run to end",
    () => runOf(runId),
    (detail) => !["queued", "running"].includes(detail.run.status),
  );

describe("a Response step answers the caller waiting with ?wait=true", () => {
  it("with its status, headers and JSON body as soon as it runs, while the steps after it go on", async () => {
    const started = Date.now();
    // A step after the Delay: a Delay that is the last step has nothing to wait before, and the run ends with it.
    const answered = await run([response("answer", 201), delay, alwaysStep]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answered.status).toBe(201);
    expect(answered.headers.get("x-task")).toBe("task-t_1");
    expect(answered.headers.get("content-type")).toBe("application/json");
    expect(answered.json).toEqual({ id: "t_1" });

    const [stored] = (await runsOf(env.projectId)).slice(-1);
    const detail = await runOf(stored!.id);
    // The Delay has not passed: the run goes on, and keeps what it answered.
    expect(detail.run.status).toBe("running");
    expect(detail.run.answer).toEqual({ status: 201, headers: { "X-Task": "task-t_1" }, body: { id: "t_1" } });
    // The caller is answered when the answer is kept, during the step; the step's own end is written just after.
    const answeredStep = await waitFor(
      "the Response step to end",
      async () => (await runOf(stored!.id)).steps.find((step) => step.stepKey === "answer"),
      (step) => step?.status === "succeeded",
    );
    expect(answeredStep).toMatchObject({ status: "succeeded", output: detail.run.answer });
  });

  it("keeps the route's CORS headers for a browser caller and lets it read the answer's own", async () => {
    const answered = await run([response("answer", 200)], { headers: { origin: ALLOWED_ORIGIN } });
    expect(answered.status).toBe(200);
    expect(answered.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(answered.headers.get("access-control-expose-headers")).toBe("retry-after, x-request-id, X-Task");
  });

  it("with no body for an empty Body", async () => {
    const answered = await run([response("answer", 204, "")]);
    expect(answered).toMatchObject({ status: 204, json: undefined });
    expect(answered.headers.get("x-task")).toBe("task-t_1");
  });

  it("once: a second Response fails its step and the run, and the caller got the first", async () => {
    const answered = await run([response("first", 201), response("second", 202)]);
    expect(answered).toMatchObject({ status: 201, json: { id: "t_1" } });
    const [stored] = (await runsOf(env.projectId)).slice(-1);
    const detail = await ended(stored!.id);
    expect(detail.run.status).toBe("failed");
    expect(detail.run.answer).toMatchObject({ status: 201 });
    expect(detail.steps.find((step) => step.stepKey === "second")).toMatchObject({ status: "failed", error: ANSWERED_ALREADY });
  });

  it("from inside a Condition's branch", async () => {
    const answered = await run([{ ...alwaysStep, whenTrue: [response("answer", 201)] } as StoredStep, delay]);
    expect(answered).toMatchObject({ status: 201, json: { id: "t_1" } });
  });
});

describe("without a Response step, or without waiting, the answer is as before", () => {
  it("a caller not waiting gets 202 with the run's id", async () => {
    const started = await run([response("answer", 201), delay], { query: "" });
    expect(started.status).toBe(202);
    expect(Object.keys(started.json!)).toEqual(["runId"]);
  });

  it("a workflow without one answers 200 with the run's status and its last step's output", async () => {
    const answered = await run([alwaysStep]);
    expect(answered).toMatchObject({ status: 200, json: { runId: expect.any(String), status: "succeeded", output: { result: true } } });
  });

  it("the last step's output is the last step to finish outside a Fan Out's items: the Fan Out's, not an item's", async () => {
    const fanOut = {
      key: "each",
      type: "fan_out",
      items: "{{trigger.body.items}}",
      concurrency: 1,
      onItemFailure: "fail",
      body: [{ ...alwaysStep, key: "check" }],
    } as StoredStep;
    const answered = await run([fanOut], { body: { items: [1, 2] } });
    expect(answered).toMatchObject({
      status: 200,
      json: { status: "succeeded", output: { items: [{ result: true }, { result: true }], succeeded: 2, failed: 0 } },
    });
  });
});
