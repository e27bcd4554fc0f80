import type { Transaction } from "@/db/client";
import { describeUnexpectedError } from "@/lib/errors";
import { enqueue, type JobFeature } from "@/lib/jobs/queue";
import { deliverNotification } from "./deliver";

// The notifications' queue: one job is one attempt of one delivery (deliver.ts).

export const NOTIFICATION_QUEUE = "notification-delivery";

export interface NotificationJob {
  deliveryId: string;
}

/** Queues one attempt of a notification delivery inside `tx`, so the job exists exactly when the delivery's row does. */
export async function enqueueNotificationDelivery(tx: Transaction, job: NotificationJob & { startAfter?: Date }): Promise<void> {
  await enqueue(
    tx,
    NOTIFICATION_QUEUE,
    { deliveryId: job.deliveryId } satisfies NotificationJob,
    job.startAfter ? { startAfter: job.startAfter } : {},
  );
}

export const notificationJobs: JobFeature = {
  queues: [NOTIFICATION_QUEUE],
  async createQueues(boss) {
    // Crash retries only: a delivery's own retries (backoff) are new jobs (lib/notifications/deliver.ts).
    await boss.createQueue(NOTIFICATION_QUEUE, { retryLimit: 2, retryDelay: 5, expireInSeconds: 5 * 60 });
  },
  async work(boss) {
    // Failed jobs are retried by pg-boss (a crash); what it keeps says what failed, never data.
    await boss.work<NotificationJob>(
      NOTIFICATION_QUEUE,
      { batchSize: 10, burstWhenBatchFull: true, perJobResults: true, pollingIntervalSeconds: 1 },
      (jobs) =>
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
  },
};
