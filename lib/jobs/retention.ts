import { deleteExpiredConnectSessions } from "@/db/queries/connect-sessions";
import { deleteEndedRateLimitWindows } from "@/db/queries/rate-limits";
import { deleteEndedSignInThrottles } from "@/db/queries/sign-in-throttles";
import { deleteExpiredAuditEvents } from "@/lib/audit/audit-log";
import { SIGN_IN_THROTTLE } from "@/lib/auth/throttle";
import type { JobFeature } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import { deleteExpiredNotifications } from "@/lib/notifications/retention";
import { deleteExpiredWebhookEvents } from "@/lib/webhooks/intake";
import { deleteExpiredRuns } from "@/lib/workflows/runs";

// The retention job (RETENTION_QUEUE, every 10 minutes), the app's: each table that would
// otherwise grow for good, kept short by a task of its own.

/** Named when it deleted only runs: a queue keeps its name, and its schedule, in every database that has it. */
export const RETENTION_QUEUE = "workflow-retention";

export interface RetentionTask {
  name: string;
  run(now: Date): Promise<unknown>;
}

export const RETENTION_TASKS: RetentionTask[] = [
  { name: "workflow runs", run: deleteExpiredRuns },
  { name: "webhook events", run: deleteExpiredWebhookEvents },
  { name: "notification events", run: deleteExpiredNotifications },
  { name: "audit events", run: deleteExpiredAuditEvents },
  { name: "rate-limit windows", run: () => deleteEndedRateLimitWindows() },
  // A day past their expiry: long enough for an outcome page to be reloaded.
  { name: "connect sessions", run: deleteExpiredConnectSessions },
  {
    name: "sign-in throttles",
    run: () => deleteEndedSignInThrottles({ windowSeconds: Math.max(SIGN_IN_THROTTLE.windowSeconds, SIGN_IN_THROTTLE.lockoutSeconds) }),
  },
];

/**
 * Runs every task, each whatever the others did: one that fails is logged with its error (a
 * failed job alone says nothing in the logs) and, once all have run, fails the job naming it, so
 * pg-boss keeps the failure too.
 */
export async function runRetentionTasks(tasks: RetentionTask[], now: Date): Promise<void> {
  const failed: string[] = [];
  for (const task of tasks) {
    try {
      await task.run(now);
    } catch (error) {
      log.error({ task: task.name, error }, "A retention task failed");
      failed.push(task.name);
    }
  }
  if (failed.length) throw new Error(`Retention failed for: ${failed.join(", ")}.`);
}

export function runRetention(now = new Date()): Promise<void> {
  return runRetentionTasks(RETENTION_TASKS, now);
}

export const retentionJobs: JobFeature = {
  queues: [RETENTION_QUEUE],
  async createQueues(boss) {
    await boss.createQueue(RETENTION_QUEUE, { retryLimit: 1, expireInSeconds: 60 * 60 });
    // Often enough that the rate-limit windows (one row per key and minute) stay few.
    await boss.schedule(RETENTION_QUEUE, "*/10 * * * *", {}, { tz: "UTC" });
  },
  async work(boss) {
    await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
      await runRetention();
    });
  },
};
