import { deleteNotificationEventsBefore } from "@/db/queries/notifications";
import { runRetentionDays } from "@/lib/config/env";
import { retentionCutoff } from "@/lib/jobs/retention-cutoff";

/** Notification events (and their deliveries) are kept as long as workflow runs. */
export function deleteExpiredNotifications(now = new Date()): Promise<void> {
  return deleteNotificationEventsBefore({ before: retentionCutoff(now, runRetentionDays()) });
}
