import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredStep } from "@/db/workflow-definition";
import { startTaskLab, type TaskLab } from "@/e2e/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "@/e2e/support/connect-fixtures";
import { connectedUser, deployedWorkflow, ownPostgresDatabase, requestStep, waitFor } from "@/e2e/support/workflow-fixtures";
import { listRunItems } from "@/db/queries/workflow-run-items";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { getRunDetail, retryRunFromFailedStep, type RunDetail } from "./runs";
import { sendAppEvent } from "./triggers";

// Fan Out and Condition branches in runs: each item's steps run with fanout.item, the join counts
// each item once, a failed item fails the Fan Out or is reported, and a Condition runs one branch.

let database: Awaited<ReturnType<typeof ownPostgresDatabase>>;
let tasklab: TaskLab;
let projectId: string;
let echoResourceId: string;
let userId: string;

beforeAll(async () => {
  database = await ownPostgresDatabase("sb_fan_out");
  tasklab = await startTaskLab();
  ({ projectId } = await projectWithSigningKey());
  echoResourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile", { baseUrl: tasklab.url });
  userId = await connectedUser(projectId, echoResourceId, tasklab);
  await startWorkers();
});
afterAll(async () => {
  await stopJobQueue();
  await tasklab?.close();
  await database?.drop();
});

const ended = (detail: RunDetail) => !["queued", "running"].includes(detail.run.status);

async function run(steps: StoredStep[], payload: Record<string, unknown>): Promise<RunDetail> {
  const eventName = `event-${randomUUID().slice(0, 8)}`;
  await deployedWorkflow(projectId, { trigger: { kind: "app_event", eventName }, steps });
  const { runIds } = await sendAppEvent({ projectId, caller: { kind: "backend", userId }, name: eventName, payload });
  return waitFor("the run to end", () => getRunDetail({ projectId, runId: runIds[0]! }), ended);
}

const fanOut = (body: StoredStep[], options: Partial<{ concurrency: number; onItemFailure: "fail" | "continue" }> = {}): StoredStep => ({
  key: "each",
  type: "fan_out",
  items: "{{trigger.payload.items}}",
  concurrency: options.concurrency ?? 2,
  onItemFailure: options.onItemFailure ?? "fail",
  body,
});

describe("a Fan Out", () => {
  it("runs its steps once per item and gives each item's last output, in order, to the steps after it", async () => {
    const detail = await run(
      [
        fanOut([requestStep(echoResourceId, "send", "POST", "/echo", { body: '{"item": "{{fanout.item.name}}", "index": "{{fanout.index}}"}' })]),
        requestStep(echoResourceId, "after", "POST", "/echo", { body: '{"count": "{{steps.each.succeeded}}"}' }),
      ],
      { items: [{ name: "a" }, { name: "b" }, { name: "c" }] },
    );
    expect(detail.run.status).toBe("succeeded");
    const each = detail.steps.find((step) => step.stepKey === "each" && step.item === -1)!;
    expect(each.status).toBe("succeeded");
    const items = (each.output as { items: { body: { body: string } }[] }).items;
    expect(items.map((item) => JSON.parse(item.body.body))).toEqual([
      { item: "a", index: 0 },
      { item: "b", index: 1 },
      { item: "c", index: 2 },
    ]);
    expect(JSON.parse((detail.steps.find((step) => step.stepKey === "after")!.output as { body: { body: string } }).body.body)).toEqual({ count: 3 });
    const rows = await listRunItems({ runId: detail.run.id, position: 0, afterItem: -1, limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("fails the run when an item fails, and Retry from failed step runs the failed item again", async () => {
    const key = randomUUID();
    const detail = await run([fanOut([requestStep(echoResourceId, "call", "GET", `/api/flaky/${key}-{{fanout.index}}?failures=1&status=400`, { retries: false })], { onItemFailure: "fail", concurrency: 1 })], {
      items: [1],
    });
    expect(detail.run.status).toBe("failed");
    expect(detail.run.error).toMatch(/^Step each: Item 1 failed: Step call:/);
    const retry = await retryRunFromFailedStep({ projectId, runId: detail.run.id });
    const retried = await waitFor("the retry to end", () => getRunDetail({ projectId, runId: retry.id }), ended);
    expect(retried.run.status).toBe("succeeded");
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
        whenTrue: [requestStep(echoResourceId, "yes", "POST", "/echo", { body: '{"branch": "yes"}' })],
        otherwise: [requestStep(echoResourceId, "no", "POST", "/echo", { body: '{"branch": "no"}' })],
      },
      requestStep(echoResourceId, "after", "POST", "/echo", { body: '{"after": true}' }),
    ];
    const yes = await run(steps(), { kind: "a" });
    expect(yes.steps.map((step) => step.stepKey)).toEqual(["check", "yes", "after"]);
    const no = await run(steps(), { kind: "b" });
    expect(no.steps.map((step) => step.stepKey)).toEqual(["check", "no", "after"]);
    expect(no.run.status).toBe("succeeded");
  });
});
