import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { saveWorkflowDraft } from "@/db/queries/workflows";
import type { StoredStep } from "@/db/workflow-definition";
import { deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { testWorkflowDraft } from "./execute";
import { getRunDetail, type RunDetail } from "./runs";
import { sendAppEvent } from "./triggers";

// A Request step's variable that resolves to nothing (missing or null): in the path, or mixed
// with text in a query or header value, the step fails with missing_variable before anything is
// sent (so `/tasks/{{trigger.payload.taskId}}` can never become `/tasks/`); a query or header row
// that is that variable alone is left out. Counted at TaskLab, on a run and on the editor's Test.

process.env.SWITCHBOARD_RETRY_BASE_MS = "50";

const env = workflowTestEnv({ resources: { api: "api", echo: "root" }, connectedUser: true });

/** Deploys `steps` on an App Event of their own, sends it with `payload` and waits for the run to end. */
async function run(steps: StoredStep[], payload: Record<string, unknown>): Promise<RunDetail> {
  const eventName = `event-${randomUUID().slice(0, 8)}`;
  await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName }, steps });
  const { runIds } = await sendAppEvent({
    projectId: env.projectId,
    caller: { kind: "backend", userId: env.userId },
    name: eventName,
    payload,
  });
  expect(runIds).toHaveLength(1);
  return waitFor(
    "the run to end",
    () => getRunDetail({ projectId: env.projectId, runId: runIds[0]! }),
    (detail) => !["queued", "running"].includes(detail.run.status),
  );
}

describe("a Request step's variable with no value", () => {
  it.each([
    ["missing", {}],
    ["null", { taskId: null }],
  ])("in the path (%s): fails with missing_variable naming it, once (no retries), and TaskLab receives nothing", async (_, payload) => {
    const before = env.tasklab.apiRequests.length;
    const detail = await run([requestStep(env.resources.api, "delete_task", "DELETE", "/tasks/{{trigger.payload.taskId}}")], payload);

    expect(detail.run).toMatchObject({
      status: "failed",
      error: "Step delete_task: missing_variable: trigger.payload.taskId has no value.",
    });
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]).toMatchObject({ status: "failed", error: "missing_variable: trigger.payload.taskId has no value." });
    // A permanent failure: one attempt although retries are on, and no request in it.
    expect(detail.steps[0]!.attempts).toEqual([
      expect.objectContaining({ error: "missing_variable: trigger.payload.taskId has no value." }),
    ]);
    expect(detail.steps[0]!.attempts[0]!.request).toBeUndefined();
    expect(env.tasklab.apiRequests.length).toBe(before);
  });

  it("mixed with text in a query value: fails the same way, and TaskLab receives nothing", async () => {
    const before = env.tasklab.apiRequests.length;
    const key = `mixed-${randomUUID().slice(0, 8)}`;
    const detail = await run(
      [requestStep(env.resources.api, "call", "GET", `/flaky/${key}`, { query: { failures: "0", tag: "prefix-{{trigger.payload.x}}" } })],
      {},
    );

    expect(detail.run).toMatchObject({ status: "failed", error: "Step call: missing_variable: trigger.payload.x has no value." });
    expect(env.tasklab.apiRequests.length).toBe(before);
  });

  it("mixed with text in a header value: fails the same way", async () => {
    const step = {
      ...requestStep(env.resources.echo, "call", "GET", "/echo"),
      headers: [{ name: "X-Team", value: "team-{{trigger.payload.team}}" }],
    };
    const detail = await run([step], { team: null });
    expect(detail.run).toMatchObject({ status: "failed", error: "Step call: missing_variable: trigger.payload.team has no value." });
    expect(detail.steps[0]!.attempts[0]!.request).toBeUndefined();
  });

  it("as a query row's whole value: the row is left out and the request goes with the other rows", async () => {
    const detail = await run(
      [
        requestStep(env.resources.echo, "list", "GET", "/echo", {
          query: { filter: "{{trigger.payload.filter}}", limit: "10", owner: "{{ trigger.payload.owner }}" },
        }),
      ],
      {
        owner: "ann",
      },
    );

    expect(detail.run.status).toBe("succeeded");
    expect((detail.steps[0]!.output as { body: { query: unknown } }).body.query).toEqual({ limit: "10", owner: "ann" });
  });

  it("as a header row's whole value: the header is left out and the request goes with the others", async () => {
    const step = {
      ...requestStep(env.resources.echo, "list", "GET", "/echo"),
      headers: [
        { name: "X-Filter", value: "{{trigger.payload.filter}}" },
        { name: "X-Team", value: "{{trigger.payload.team}}" },
      ],
    };
    const detail = await run([step], { filter: null, team: "blue" });

    expect(detail.run.status).toBe("succeeded");
    const headers = (detail.steps[0]!.output as { body: { headers: Record<string, string> } }).body.headers;
    expect(headers["x-team"]).toBe("blue");
    expect(headers).not.toHaveProperty("x-filter");
  });

  it("keeps null in a JSON body as before", async () => {
    const detail = await run(
      [requestStep(env.resources.echo, "create", "POST", "/echo", { body: '{"taskId": "{{trigger.payload.taskId}}"}' })],
      {},
    );
    expect(detail.run.status).toBe("succeeded");
    expect((detail.steps[0]!.output as { body: { body: string } }).body.body).toBe('{"taskId":null}');
  });

  it("Test in the editor shows missing_variable on the step, and TaskLab receives nothing", async () => {
    const workflowId = await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName: "task.sync" }, steps: [] });
    const steps = [
      requestStep(env.resources.api, "get_task", "GET", "/tasks/{{trigger.payload.taskId}}"),
      requestStep(env.resources.api, "after", "GET", "/tasks"),
    ];
    await saveWorkflowDraft({
      projectId: env.projectId,
      workflowId,
      name: "Test missing",
      draft: { trigger: { kind: "app_event", eventName: "task.sync" }, steps },
      sampleTrigger: { name: "task.sync", payload: {} },
      actor: SYSTEM_ACTOR,
      changes: [],
    });
    const before = env.tasklab.apiRequests.length;

    const result = await testWorkflowDraft({ projectId: env.projectId, workflowId, allowPrivateNetwork: true });

    expect(result.status).toBe("failed");
    expect(result.steps).toEqual([
      expect.objectContaining({ key: "get_task", status: "failed", error: "missing_variable: trigger.payload.taskId has no value." }),
      expect.objectContaining({ key: "after", status: "skipped" }),
    ]);
    expect(result.steps[0]!.request).toBeUndefined();
    expect(env.tasklab.apiRequests.length).toBe(before);
  });
});
