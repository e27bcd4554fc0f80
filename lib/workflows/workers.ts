import { userRunConcurrency } from "@/lib/config/env";
import { getWorkflowEngine, RETENTION_QUEUE, STEP_QUEUE, type StepJob, TICK_QUEUE, type TickJob } from "./engine";
import { executeStepJob } from "./execute";
import { deleteExpiredRuns, runScheduledTick } from "./runs";

/**
 * Makes this process work the workflow queues: step jobs (a few at once, at most
 * SWITCHBOARD_USER_CONCURRENCY at once per Connected User across all processes), Scheduler
 * ticks and retention. Every server process does this unless SWITCHBOARD_WORKERS=0;
 * `npm run worker` starts a process that does nothing else.
 */
export async function startWorkflowWorkers(): Promise<void> {
  const boss = await getWorkflowEngine();
  await boss.work<StepJob>(
    STEP_QUEUE,
    { batchSize: 1, localConcurrency: 4, groupConcurrency: userRunConcurrency(), pollingIntervalSeconds: 0.5 },
    async ([job]) => {
      if (job) await executeStepJob(job.data);
    },
  );
  await boss.work<TickJob>(TICK_QUEUE, { pollingIntervalSeconds: 2 }, async ([job]) => {
    if (job) await runScheduledTick({ workflowId: job.data.workflowId, scheduledAt: new Date() });
  });
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    await deleteExpiredRuns();
  });
}
