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

// The Function step in a run and in the editor's Test: a Request step's answer reshaped by the
// team's code, its result used by the next Request step (what TaskLab's /echo received), and a
// function that throws or loops failing its run at once, naming the error.

const env = workflowTestEnv({ resources: { echo: "root" }, connectedUser: true });

const functionStep = (key: string, code: string, parameters: { name: string; value: string }[] = []): StoredStep => ({
  key,
  type: "function",
  parameters,
  code,
});

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

const RESHAPE = [
  "function run(parameters) {",
  '  console.log("count", parameters.count);',
  "  const sent = JSON.parse(parameters.answer.body);",
  "  return { x: sent.title.toUpperCase(), next: parameters.count + 1, label: parameters.label };",
  "}",
].join("\n");

const steps = (): StoredStep[] => [
  requestStep(env.resources.echo, "create", "POST", "/echo", { body: '{"title": "{{trigger.payload.title}}"}' }),
  functionStep("reshape", RESHAPE, [
    { name: "answer", value: "{{steps.create.body}}" },
    { name: "count", value: "{{ trigger.payload.count }}" },
    { name: "label", value: "count={{trigger.payload.count}}" },
  ]),
  requestStep(env.resources.echo, "update", "POST", "/echo", {
    body: '{"title": "{{steps.reshape.result.x}}", "next": "{{steps.reshape.result.next}}"}',
  }),
];

describe("a Function step", () => {
  it("reshapes a Request step's answer, and the next Request step sends its result", async () => {
    const detail = await run(steps(), { title: "write docs", count: 2 });

    expect(detail.run.status).toBe("succeeded");
    expect(detail.steps.map((step) => [step.stepKey, step.status])).toEqual([
      ["create", "succeeded"],
      ["reshape", "succeeded"],
      ["update", "succeeded"],
    ]);
    expect(detail.steps[1]!.output).toEqual({
      parameters: { answer: expect.objectContaining({ body: '{"title":"write docs"}' }), count: 2, label: "count=2" },
      result: { x: "WRITE DOCS", next: 3, label: "count=2" },
      logs: ["count 2"],
    });
    // What TaskLab received from the last step, as /echo answered it.
    expect((detail.steps[2]!.output as { body: { body: string } }).body.body).toBe('{"title":"WRITE DOCS","next":3}');
  });

  it("that throws fails the run with the message and line, and starts no later step", async () => {
    const code = 'function run(parameters) {\n  console.log("checking");\n  throw new Error("no title");\n}';
    const detail = await run([functionStep("check", code), requestStep(env.resources.echo, "after", "POST", "/echo")], {});

    expect(detail.run.status).toBe("failed");
    expect(detail.run.error).toMatch(/^Step check: function_threw: .*no title.* \(line 3\)$/);
    expect(detail.steps.map((step) => step.stepKey)).toEqual(["check"]);
    expect(detail.steps[0]).toMatchObject({ status: "failed", output: { logs: ["checking"] } });
    expect(detail.steps[0]!.attempts).toHaveLength(1);
  });

  it("that never returns fails with function_timeout", async () => {
    const detail = await run([functionStep("spin", "function run() {\n  for (;;) {}\n}")], {});
    expect(detail.run.status).toBe("failed");
    expect(detail.steps[0]!.error).toMatch(/^function_timeout: /);
  });

  it("shows its parameters, result and console lines in the editor's Test", async () => {
    const workflowId = await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName: "task.sync" }, steps: [] });
    await saveWorkflowDraft({
      projectId: env.projectId,
      workflowId,
      name: "Test function",
      // No Request step: Test sends those through a test connection, which this project has none of.
      draft: {
        trigger: { kind: "app_event", eventName: "task.sync" },
        steps: [
          functionStep("reshape", RESHAPE, [
            { name: "answer", value: "{{trigger.payload.answer}}" },
            { name: "count", value: "{{trigger.payload.count}}" },
            { name: "label", value: "count={{trigger.payload.count}}" },
          ]),
        ],
      },
      sampleTrigger: { name: "task.sync", payload: { answer: { body: '{"title":"plan"}' }, count: 4 } },
      actor: SYSTEM_ACTOR,
      changes: [],
    });

    const result = await testWorkflowDraft({ projectId: env.projectId, workflowId, allowPrivateNetwork: true });

    expect(result.status).toBe("succeeded");
    expect(result.steps[0]).toMatchObject({
      key: "reshape",
      type: "function",
      status: "succeeded",
      output: {
        parameters: { answer: { body: '{"title":"plan"}' }, count: 4, label: "count=4" },
        result: { x: "PLAN", next: 5, label: "count=4" },
        logs: ["count 4"],
      },
    });
  });
});
