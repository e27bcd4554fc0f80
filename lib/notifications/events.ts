import { randomUUID } from "node:crypto";
import { insertNotificationEvent } from "@/db/queries/notifications";
import type { Transaction } from "@/db/client";
import type { Connection, WorkflowRun } from "@/db/schema";
import { enqueueNotificationDelivery } from "./jobs";
import { describeHostChange, type HostChange } from "@/lib/resources/hosts";
import type { NotificationEventType } from "./schema";

// The events a project's notification endpoints hear about. Each is recorded inside the
// transaction of the change that causes it, with its deliveries' jobs: it exists exactly when
// the change commits. A payload holds ids, a reason and a time, never a credential.

export interface NotificationData {
  projectId: string;
  resourceId: string | null;
  userId: string | null;
  connectionId: string | null;
  reason: string | null;
  time: string;
  runId?: string;
  workflowId?: string;
  /** `resource.published`: the hosts the resource sends credentials to, before and after. */
  hosts?: HostChange[];
}

export interface NotificationPayload {
  type: NotificationEventType;
  id: string;
  timestamp: string;
  data: NotificationData;
}

/** Records an event and queues one delivery per endpoint subscribed to it, inside `tx`. */
export async function recordNotification(
  tx: Transaction,
  type: NotificationEventType,
  data: Omit<NotificationData, "time">,
): Promise<void> {
  const id = randomUUID();
  const time = new Date().toISOString();
  const payload: NotificationPayload = { type, id, timestamp: time, data: { ...data, time } };
  const deliveryIds = await insertNotificationEvent(tx, { id, projectId: data.projectId, type, payload: { ...payload } });
  for (const deliveryId of deliveryIds) await enqueueNotificationDelivery(tx, { deliveryId });
}

function connectionData(connection: Pick<Connection, "id" | "projectId" | "resourceId" | "userId" | "invalidReason">) {
  return {
    projectId: connection.projectId,
    resourceId: connection.resourceId,
    userId: connection.userId,
    connectionId: connection.id,
    reason: connection.invalidReason,
  };
}

/** `connection.created` or `connection.recovered` for a connection just written (a reconnect of a VALID one says nothing). */
export async function notifyConnectionWritten(
  tx: Transaction,
  { connection, change, previousReason }: { connection: Connection; change: "created" | "recovered"; previousReason?: string | null },
): Promise<void> {
  if (change === "created") return recordNotification(tx, "connection.created", connectionData(connection));
  return recordNotification(tx, "connection.recovered", { ...connectionData(connection), reason: previousReason ?? null });
}

export function notifyConnectionDeleted(tx: Transaction, connection: Connection): Promise<void> {
  return recordNotification(tx, "connection.deleted", { ...connectionData(connection), reason: null });
}

export function notifyConnectionInvalid(tx: Transaction, connection: Connection): Promise<void> {
  return recordNotification(tx, "connection.invalid", connectionData(connection));
}

export function notifyRunFailed(tx: Transaction, run: WorkflowRun): Promise<void> {
  return recordNotification(tx, "workflow.run.failed", {
    projectId: run.projectId,
    resourceId: null,
    userId: run.userId,
    connectionId: null,
    reason: run.error,
    runId: run.id,
    workflowId: run.workflowId,
  });
}

/** `resource.published`: a resource's configuration (base URL, authentication, token URL, credentials) now in force, with its hosts before and after. */
export function notifyResourcePublished(
  tx: Transaction,
  { projectId, resourceId, hosts }: { projectId: string; resourceId: string; hosts: HostChange[] },
): Promise<void> {
  const moved = hosts.filter((host) => host.before !== host.after);
  return recordNotification(tx, "resource.published", {
    projectId,
    resourceId,
    userId: null,
    connectionId: null,
    reason: moved.length ? `Credentials now go to another host: ${moved.map(describeHostChange).join("; ")}.` : null,
    hosts,
  });
}
