import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTaskLab, type TaskLab } from "@/e2e/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "@/e2e/support/connect-fixtures";
import { connectedUser, deployedWorkflow, ownPostgresDatabase, requestStep, waitFor } from "@/e2e/support/workflow-fixtures";
import { stopWorkflowEngine } from "./engine";
import { getRunDetail } from "./runs";
import { sendAppEvent } from "./triggers";
import { startWorkflowWorkers } from "./workers";

// Per-user concurrency: one Connected User's steps run at most SWITCHBOARD_USER_CONCURRENCY at
// once (here 1), while other users' runs go on beside them.
process.env.SWITCHBOARD_USER_CONCURRENCY = "1";

let database: Awaited<ReturnType<typeof ownPostgresDatabase>>;
let tasklab: TaskLab;
let projectId: string;
let resourceId: string;

beforeAll(async () => {
  database = await ownPostgresDatabase("sb_concurrency");
  tasklab = await startTaskLab();
  ({ projectId } = await projectWithSigningKey());
  resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  await startWorkflowWorkers();
});
afterAll(async () => {
  await stopWorkflowEngine();
  await tasklab?.close();
  await database?.drop();
  delete process.env.SWITCHBOARD_USER_CONCURRENCY;
});

describe("per-user concurrency", () => {
  it("runs one user's steps one at a time, and another user's beside them", async () => {
    const busy = await connectedUser(projectId, resourceId, tasklab);
    const other = await connectedUser(projectId, resourceId, tasklab);
    const eventName = `slow-${randomUUID().slice(0, 8)}`;
    await deployedWorkflow(projectId, {
      trigger: { kind: "app_event", eventName },
      steps: [requestStep(resourceId, "slow_call", "GET", "/slow", { query: { ms: "700", user: "{{user.id}}" } })],
    });
    const send = (userId: string) => sendAppEvent({ projectId, caller: { kind: "backend", userId }, name: eventName, payload: {} });
    const runIds = [...(await send(busy)).runIds, ...(await send(busy)).runIds, ...(await send(busy)).runIds, ...(await send(other)).runIds];
    for (const runId of runIds) {
      await waitFor(`run ${runId}`, () => getRunDetail({ projectId, runId }), (detail) => detail.run.status === "succeeded", { timeoutMs: 30_000 });
    }
    const startedAt = async (runId: string) => Date.parse((await getRunDetail({ projectId, runId })).steps[0]!.attempts[0]!.startedAt);
    const busyStarts = (await Promise.all(runIds.slice(0, 3).map(startedAt))).sort((a, b) => a - b);
    // Each of the busy user's steps started after the one before had had its 700 ms answer.
    for (let i = 1; i < busyStarts.length; i++) expect(busyStarts[i]! - busyStarts[i - 1]!).toBeGreaterThanOrEqual(650);
    // The other user's step did not wait for all three.
    expect(await startedAt(runIds[3]!)).toBeLessThan(busyStarts[2]!);
  });
});
