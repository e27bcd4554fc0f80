import type { Job } from "pg-boss";
import { getJobQueue, type JobFeature } from "@/lib/jobs/queue";
import { runSubscription } from "./subscription";

// The webhook Subscriptions' queue: one job sends one connection's Subscription request (subscription.ts).

export const SUBSCRIPTION_QUEUE = "webhook-subscription";

export interface SubscriptionJob {
  connectionId: string;
  webhookUrl: string;
}

/** A failed webhook Subscription is tried this many more times, with backoff from 30 s (about 15 minutes in all). */
export const SUBSCRIPTION_RETRIES = 5;

/** Queues a connection's Subscription request. */
export async function enqueueSubscription(job: SubscriptionJob): Promise<void> {
  const boss = await getJobQueue();
  await boss.send(SUBSCRIPTION_QUEUE, { connectionId: job.connectionId, webhookUrl: job.webhookUrl } satisfies SubscriptionJob);
}

export const subscriptionJobs: JobFeature = {
  queues: [SUBSCRIPTION_QUEUE],
  async createQueues(boss) {
    await boss.createQueue(SUBSCRIPTION_QUEUE, {
      retryLimit: SUBSCRIPTION_RETRIES,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 5 * 60,
    });
  },
  async work(boss) {
    await boss.work(SUBSCRIPTION_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]: Job<SubscriptionJob>[]) => {
      if (job) await runSubscription({ ...job.data, lastAttempt: job.retryCount >= SUBSCRIPTION_RETRIES });
    });
  },
};
