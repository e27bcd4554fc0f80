import { log } from "@/lib/log";
import { QUEUES } from "@/lib/jobs/workers";
import { runningJobQueue } from "@/lib/jobs/queue";
import { metrics } from "./registry";

const QUEUE_STATES = ["queued", "active", "deferred", "failed"] as const;

/** Reads the job counts of this process's pg-boss (kept by its monitor pass: no scan of the job table); none when no queue runs here. */
async function updateQueueJobs(): Promise<void> {
  metrics.queueJobs.reset();
  const queues = runningJobQueue();
  if (!queues) return;
  try {
    for (const queue of await (await queues).getQueues(QUEUES)) {
      for (const state of QUEUE_STATES) metrics.queueJobs.set({ queue: queue.name, state }, queue[`${state}Count`]);
    }
  } catch (error) {
    // The other metrics are still worth answering: say what failed.
    log.warn({ error }, "Queue depth could not be read for the metrics");
  }
}

/** The process's metrics in Prometheus's text format, queue depth read now. */
export async function scrapeMetrics(): Promise<{ body: string; contentType: string }> {
  await updateQueueJobs();
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}
