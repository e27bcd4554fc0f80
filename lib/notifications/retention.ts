import { deleteNotificationEventsBefore } from "@/db/queries/notifications";
import { runRetentionDays } from "@/lib/config/env";

/** Notification events (and their deliveries) are kept as long as workflow runs. */
export function deleteExpiredNotifications(now = new Date()): Promise<void> {
  return deleteNotificationEventsBefore({ before: new Date(now.getTime() - runRetentionDays() * 24 * 60 * 60 * 1000) });
}
