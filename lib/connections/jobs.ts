import { describeUnexpectedError } from "@/lib/errors";
import type { JobFeature } from "@/lib/jobs/queue";
import { runKeepWarm } from "./keep-warm";

// Keep-warm's queue: an hourly job (keep-warm.ts).

export const KEEP_WARM_QUEUE = "connection-keep-warm";

export const keepWarmJobs: JobFeature = {
  queues: [KEEP_WARM_QUEUE],
  async createQueues(boss) {
    await boss.createQueue(KEEP_WARM_QUEUE, { retryLimit: 1, expireInSeconds: 60 * 60 });
    await boss.schedule(KEEP_WARM_QUEUE, "41 * * * *", {}, { tz: "UTC" });
  },
  async work(boss) {
    await boss.work(KEEP_WARM_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
      await runKeepWarm().catch((error: unknown) => {
        throw new Error(describeUnexpectedError(error));
      });
    });
  },
};
