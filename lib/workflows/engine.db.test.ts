import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { connectUser } from "@/lib/connections/connect";
import { getRunDetail, type RunDetail } from "./runs";
import { sendAppEvent } from "./triggers";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The engine end to end on a real database: an App Event starts a run, pg-boss jobs execute its
// steps through the connection session against TaskLab, and the run's history records them.

const env = workflowTestEnv({ resources: { api: "api" } });

async function deployed(definition: StoredWorkflowDefinition) {
  const workflow = await createWorkflow({ projectId: env.projectId, name: `Sync ${randomUUID().slice(0, 6)}`, actor: SYSTEM_ACTOR });
  await saveWorkflowDraft({
    projectId: env.projectId,
    workflowId: workflow.id,
    name: workflow.name,
    draft: definition,
    sampleTrigger: {},
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  const outcome = await deployWorkflowVersion({ projectId: env.projectId, workflowId: workflow.id, definition, actor: SYSTEM_ACTOR });
  if (!("version" in outcome)) throw new Error(outcome.conflict);
  return workflow.id;
}

async function finished(runId: string, timeoutMs = 15_000): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await getRunDetail({ projectId: env.projectId, runId });
    if (!["queued", "running"].includes(detail.run.status) || Date.now() > deadline) return detail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const request = (key: string, method: "GET" | "POST", path: string, body = "") => ({
  key,
  type: "request" as const,
  resourceId: env.resources.api,
  method,
  path,
  query: [],
  headers: [],
  body,
  retries: true,
});

describe("an App Event run", () => {
  it("runs each step for the user, with the trigger's payload and the earlier steps' outputs", async () => {
    const userId = `user-${randomUUID()}`;
    const tokens = env.tasklab.issueTokens();
    await connectUser({
      project: { id: env.projectId, allowPrivateNetwork: true },
      resourceId: env.resources.api,
      userId,
      body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
      actor: SYSTEM_ACTOR,
    });
    await deployed({
      trigger: { kind: "app_event", eventName: "task.created" },
      steps: [
        request("create_task", "POST", "/tasks", '{"title": "{{trigger.payload.title}}"}'),
        {
          key: "created",
          type: "condition",
          left: "{{steps.create_task.status}}",
          operator: "equals",
          right: "201",
          whenTrue: [],
          otherwise: [],
        },
        request("list_tasks", "GET", "/tasks"),
      ],
    });

    const { runIds } = await sendAppEvent({
      projectId: env.projectId,
      caller: { kind: "backend", userId },
      name: "task.created",
      payload: { title: "From a workflow" },
    });
    expect(runIds).toHaveLength(1);
    const detail = await finished(runIds[0]!);
    expect(detail.run).toMatchObject({
      status: "succeeded",
      userId,
      version: 1,
      trigger: { kind: "app_event", input: { payload: { title: "From a workflow" } } },
    });
    expect(detail.steps.map((step) => [step.stepKey, step.status])).toEqual([
      ["create_task", "succeeded"],
      ["created", "succeeded"],
      ["list_tasks", "succeeded"],
    ]);
    expect(detail.steps[0]!.output).toMatchObject({ status: 201, body: { title: "From a workflow" } });
    const listed = (detail.steps[2]!.output as { body: { tasks: { title: string }[] } }).body.tasks;
    expect(listed.map((task) => task.title)).toContain("From a workflow");
    // The request as sent is kept, its token masked.
    expect(JSON.stringify(detail.steps[0]!.attempts)).not.toContain(tokens.accessToken);
    expect(detail.steps[0]!.attempts).toHaveLength(1);
  });

  it("stops at a Condition that does not hold", async () => {
    const userId = `user-${randomUUID()}`;
    const tokens = env.tasklab.issueTokens();
    await connectUser({
      project: { id: env.projectId, allowPrivateNetwork: true },
      resourceId: env.resources.api,
      userId,
      body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
      actor: SYSTEM_ACTOR,
    });
    await deployed({
      trigger: { kind: "app_event", eventName: "task.maybe" },
      steps: [
        {
          key: "wanted",
          type: "condition",
          left: "{{trigger.payload.kind}}",
          operator: "equals",
          right: "sync",
          whenTrue: [],
          otherwise: [],
        },
        request("list_tasks", "GET", "/tasks"),
      ],
    });
    const stopped = async () => sampleValue(await currentMetrics(), "switchboard_workflow_runs_finished_total", { status: "stopped" });
    const stoppedBefore = await stopped();
    const { runIds } = await sendAppEvent({
      projectId: env.projectId,
      caller: { kind: "backend", userId },
      name: "task.maybe",
      payload: { kind: "other" },
    });
    const detail = await finished(runIds[0]!);
    expect(detail.run.status).toBe("stopped");
    // Counted by the worker just after the run's last write commits.
    await waitFor("the stopped run to be counted", stopped, (count) => count === stoppedBefore + 1);
    expect(detail.steps.map((step) => step.stepKey)).toEqual(["wanted"]);
  });

  it("needs a user for a workflow on User-Level resources, and starts nothing without one", async () => {
    await deployed({ trigger: { kind: "app_event", eventName: "task.nobody" }, steps: [request("list_tasks", "GET", "/tasks")] });
    await expect(
      sendAppEvent({ projectId: env.projectId, caller: { kind: "backend", userId: undefined }, name: "task.nobody", payload: {} }),
    ).rejects.toMatchObject({
      code: "missing_user",
    });
  });
});
