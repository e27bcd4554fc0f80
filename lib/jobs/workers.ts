import { keepWarmJobs } from "@/lib/connections/jobs";
import { notificationJobs } from "@/lib/notifications/jobs";
import { subscriptionJobs } from "@/lib/webhooks/jobs";
import { workflowJobs } from "@/lib/workflows/jobs";
import { getJobQueue, type JobFeature } from "./queue";
import { retentionJobs } from "./retention";

/** Every feature with jobs: their queues are made when the job queue starts, their workers by startWorkers. */
export const JOB_FEATURES: readonly JobFeature[] = [workflowJobs, notificationJobs, subscriptionJobs, keepWarmJobs, retentionJobs];

/** Switchboard's own queues (pg-boss keeps internal ones beside them). */
export const QUEUES: string[] = JOB_FEATURES.flatMap((feature) => feature.queues);

/**
 * Makes this process work every feature's queues. Every server process does this unless
 * SWITCHBOARD_WORKERS=0; `npm run worker` starts a process that does nothing else.
 */
export async function startWorkers(): Promise<void> {
  const boss = await getJobQueue();
  for (const feature of JOB_FEATURES) await feature.work(boss);
}
