import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Job } from "pg-boss";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { notificationEvents } from "@/db/schema";
import { alwaysStep } from "@/test/support/sdk-route-fixtures";
import { deployedWorkflow, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { createNotificationEndpoint } from "@/lib/notifications/endpoints";
import { getJobQueue } from "@/lib/jobs/queue";
import { STEP_QUEUE, type StepJob } from "./jobs";
import { getRunDetail } from "./runs";
import { STEP_QUEUE_OPTIONS } from "./step-queue";
import { sendAppEvent } from "./triggers";
import { startWorkers } from "@/lib/jobs/workers";

// A step job whose every try ends without an outcome (its worker killed each time, or the
// database away) runs out of pg-boss's retries: its run must not stay Running with no job left.
// Each crash is played by pg-boss itself: the job is fetched, as a worker does, and failed, as
// the supervisor does once a dead worker's heartbeat has expired.

// This process's engine, without its workers: the test plays the crashed ones.
const env = workflowTestEnv({ workers: "engine" });
beforeAll(async () => {
  // Where workflow.run.failed goes (recorded with the run's end; its delivery is another test's business).
  await createNotificationEndpoint({
    projectId: env.projectId,
    url: "https://hooks.example.test/in",
    events: ["workflow.run.failed"],
    policy: { allowPrivateNetwork: false },
  });
});

describe("a step job that runs out of tries", () => {
  it("fails its step and its run with worker_lost, shown on the run and sent as workflow.run.failed", { timeout: 60_000 }, async () => {
    const eventName = `lost-${randomUUID().slice(0, 8)}`;
    await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName }, steps: [alwaysStep] });
    const { runIds } = await sendAppEvent({
      projectId: env.projectId,
      caller: { kind: "backend", userId: undefined },
      name: eventName,
      payload: {},
    });
    const runId = runIds[0]!;
    const boss = await getJobQueue();

    for (let crash = 0; crash <= STEP_QUEUE_OPTIONS.retryLimit; crash++) {
      const [job] = await waitFor(
        `the step job's try ${crash + 1}`,
        () => boss.fetch<StepJob>(STEP_QUEUE),
        (jobs: Job<StepJob>[]) => jobs.length > 0 && jobs[0]!.data.runId === runId,
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      await boss.fail(STEP_QUEUE, job!.id, { message: "job heartbeat timeout" });
    }
    // No try is left: the job has failed for good.
    expect((await boss.findJobs<StepJob>(STEP_QUEUE, { data: { runId } })).map((job) => job.state)).toEqual(["failed"]);

    // The workers take the job out of retries and end the run.
    await startWorkers();
    const detail = await waitFor(
      "the run to fail",
      () => getRunDetail({ projectId: env.projectId, runId }),
      (value) => value.run.status !== "queued" && value.run.status !== "running",
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    const reason = `worker_lost: the step was tried ${STEP_QUEUE_OPTIONS.retryLimit + 1} times and no try finished (its worker stopped or failed, or the database did not answer).`;
    expect(detail.run).toMatchObject({ status: "failed", error: `Step always: ${reason}` });
    expect(detail.steps[0]).toMatchObject({ stepKey: "always", status: "failed", error: reason });

    const db = await getDb();
    const events = await db
      .select({ payload: notificationEvents.payload })
      .from(notificationEvents)
      .where(
        and(
          eq(notificationEvents.projectId, env.projectId),
          eq(notificationEvents.type, "workflow.run.failed"),
          sql`${notificationEvents.payload} -> 'data' ->> 'runId' = ${runId}`,
        ),
      );
    expect(events.map((event) => event.payload.data)).toEqual([expect.objectContaining({ runId, reason: `Step always: ${reason}` })]);
  });
});
