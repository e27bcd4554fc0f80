import type { Job, JobWithMetadata } from "pg-boss";
import { describeUnexpectedError } from "@/lib/errors";
import { runKeepWarm } from "@/lib/connections/keep-warm";
import { deliverNotification } from "@/lib/notifications/deliver";
import { runSubscription } from "@/lib/webhooks/subscription";
import {
  getWorkflowEngine,
  KEEP_WARM_QUEUE,
  LOST_STEP_QUEUE,
  NOTIFICATION_QUEUE,
  type NotificationJob,
  RETENTION_QUEUE,
  STEP_QUEUE,
  type StepJob,
  SUBSCRIPTION_QUEUE,
  SUBSCRIPTION_RETRIES,
  type SubscriptionJob,
  TICK_QUEUE,
  type TickJob,
} from "./engine";
import { executeStepJob, failLostStepJob } from "./execute";
import { stepWorkOptions } from "./step-queue";
import { runRetention } from "./retention";
import { runScheduledTick } from "./runs";

function rethrowDescribed(error: unknown): never {
  throw new Error(describeUnexpectedError(error));
}

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
    stepWorkOptions(),
    (jobs) =>
      Promise.all(
        jobs.map(async (job) => {
          try {
            await executeStepJob(job.data);
            return { id: job.id, status: "completed" as const };
          } catch (error) {
            // Failed jobs are retried by pg-boss; the output says what failed, never data.
            return { id: job.id, status: "failed" as const, output: { error: describeUnexpectedError(error) } };
          }
        }),
      ),
  );
  // pg-boss retries a failed one (the database away): it must not be lost in turn.
  await boss.work<StepJob>(LOST_STEP_QUEUE, { pollingIntervalSeconds: 2 }, async ([job]) => {
    if (job) await failLostStepJob(job.data);
  });
  await boss.work(TICK_QUEUE, { pollingIntervalSeconds: 2, includeMetadata: true }, async ([job]: JobWithMetadata<TickJob>[]) => {
    if (job) await runScheduledTick({ workflowId: job.data.workflowId, sentAt: job.createdOn });
  });
  await boss.work(SUBSCRIPTION_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]: Job<SubscriptionJob>[]) => {
    if (job) await runSubscription({ ...job.data, lastAttempt: job.retryCount >= SUBSCRIPTION_RETRIES });
  });
  // Failed jobs are retried by pg-boss (a crash); what it keeps says what failed, never data.
  await boss.work<NotificationJob>(NOTIFICATION_QUEUE, { batchSize: 10, burstWhenBatchFull: true, perJobResults: true, pollingIntervalSeconds: 1 }, (jobs) =>
    Promise.all(
      jobs.map(async (job) => {
        try {
          await deliverNotification(job.data);
          return { id: job.id, status: "completed" as const };
        } catch (error) {
          return { id: job.id, status: "failed" as const, output: { error: describeUnexpectedError(error) } };
        }
      }),
    ),
  );
  await boss.work(KEEP_WARM_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    await runKeepWarm().catch(rethrowDescribed);
  });
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    await runRetention();
  });
}
