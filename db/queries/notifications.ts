import "server-only";
import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import { getDb, type Transaction } from "../client";
import {
  notificationDeliveries,
  notificationEndpoints,
  notificationEvents,
  type NotificationDelivery,
  type NotificationDeliveryStatus,
  type NotificationEndpoint,
  type NotificationEvent,
} from "../schema";

/** An endpoint as the dashboard may show it: never its secret. */
export type NotificationEndpointView = Omit<NotificationEndpoint, "secret">;

const endpointView = {
  id: notificationEndpoints.id,
  projectId: notificationEndpoints.projectId,
  url: notificationEndpoints.url,
  events: notificationEndpoints.events,
  status: notificationEndpoints.status,
  disabledReason: notificationEndpoints.disabledReason,
  createdAt: notificationEndpoints.createdAt,
};

export async function countNotificationEndpoints({ projectId }: { projectId: string }): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(notificationEndpoints).where(eq(notificationEndpoints.projectId, projectId));
  return row?.n ?? 0;
}

export async function insertNotificationEndpoint(endpoint: {
  id: string;
  projectId: string;
  url: string;
  events: string[];
  secret: string;
}): Promise<NotificationEndpointView> {
  const db = await getDb();
  const [row] = await db.insert(notificationEndpoints).values(endpoint).returning(endpointView);
  return row!;
}

export async function listNotificationEndpoints({ projectId }: { projectId: string }): Promise<NotificationEndpointView[]> {
  const db = await getDb();
  return db
    .select(endpointView)
    .from(notificationEndpoints)
    .where(eq(notificationEndpoints.projectId, projectId))
    .orderBy(notificationEndpoints.createdAt);
}

export async function getNotificationEndpoint({
  projectId,
  endpointId,
}: {
  projectId: string;
  endpointId: string;
}): Promise<NotificationEndpointView | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(endpointView)
    .from(notificationEndpoints)
    .where(and(eq(notificationEndpoints.projectId, projectId), eq(notificationEndpoints.id, endpointId)));
  return row;
}

export async function deleteNotificationEndpoint({ projectId, endpointId }: { projectId: string; endpointId: string }): Promise<boolean> {
  const db = await getDb();
  const deleted = await db
    .delete(notificationEndpoints)
    .where(and(eq(notificationEndpoints.projectId, projectId), eq(notificationEndpoints.id, endpointId)))
    .returning({ id: notificationEndpoints.id });
  return deleted.length > 0;
}

/** Enables or disables an endpoint of the project; false when it has no such endpoint. */
export async function setNotificationEndpointStatus({
  projectId,
  endpointId,
  status,
  reason = null,
}: {
  projectId: string;
  endpointId: string;
  status: NotificationEndpoint["status"];
  reason?: string | null;
}): Promise<boolean> {
  const db = await getDb();
  const updated = await db
    .update(notificationEndpoints)
    .set({ status, disabledReason: status === "disabled" ? reason : null })
    .where(and(eq(notificationEndpoints.projectId, projectId), eq(notificationEndpoints.id, endpointId)))
    .returning({ id: notificationEndpoints.id });
  return updated.length > 0;
}

/**
 * Records an event inside `tx` with one pending delivery per enabled endpoint of the project
 * subscribed to its type, and answers their ids; with no such endpoint nothing is stored.
 */
export async function insertNotificationEvent(
  tx: Transaction,
  event: { id: string; projectId: string; type: string; payload: Record<string, unknown> },
): Promise<string[]> {
  const endpoints = await tx
    .select({ id: notificationEndpoints.id })
    .from(notificationEndpoints)
    .where(
      and(
        eq(notificationEndpoints.projectId, event.projectId),
        eq(notificationEndpoints.status, "enabled"),
        sql`${notificationEndpoints.events} @> ${JSON.stringify([event.type])}::jsonb`,
      ),
    );
  if (endpoints.length === 0) return [];
  await tx.insert(notificationEvents).values(event);
  const deliveries = await tx
    .insert(notificationDeliveries)
    .values(endpoints.map((endpoint) => ({ projectId: event.projectId, endpointId: endpoint.id, eventId: event.id })))
    .returning({ id: notificationDeliveries.id });
  return deliveries.map((delivery) => delivery.id);
}

/** A new pending delivery of a delivery's event to the same endpoint (Resend); `then` queues it in the same transaction. */
export async function insertResentDelivery({
  of,
  then,
}: {
  of: Pick<NotificationDelivery, "projectId" | "endpointId" | "eventId">;
  then: (tx: Transaction, deliveryId: string) => Promise<void>;
}): Promise<string> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(notificationDeliveries).values(of).returning({ id: notificationDeliveries.id });
    await then(tx, row!.id);
    return row!.id;
  });
}

export interface DeliveryToSend {
  delivery: NotificationDelivery;
  endpoint: NotificationEndpoint;
  event: NotificationEvent;
}

/** A delivery with its endpoint (secret included, encrypted) and event: what a delivery job sends. */
export async function getDeliveryToSend({ deliveryId }: { deliveryId: string }): Promise<DeliveryToSend | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ delivery: notificationDeliveries, endpoint: notificationEndpoints, event: notificationEvents })
    .from(notificationDeliveries)
    .innerJoin(notificationEndpoints, eq(notificationEndpoints.id, notificationDeliveries.endpointId))
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(eq(notificationDeliveries.id, deliveryId));
  return row;
}

export async function getNotificationDelivery({
  projectId,
  deliveryId,
}: {
  projectId: string;
  deliveryId: string;
}): Promise<NotificationDelivery | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.projectId, projectId), eq(notificationDeliveries.id, deliveryId)));
  return row;
}

/**
 * Records one attempt's outcome, in one transaction with what follows from it: `disable` marks
 * the endpoint Disabled (it answered 410); `then` queues the next attempt, so it exists exactly
 * when the row says Retrying.
 */
export async function recordDeliveryAttempt({
  deliveryId,
  status,
  attempts,
  responseStatus,
  lastError,
  disable,
  then,
}: {
  deliveryId: string;
  status: NotificationDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  disable?: { endpointId: string; reason: string };
  then?: (tx: Transaction) => Promise<void>;
}): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx
      .update(notificationDeliveries)
      .set({ status, attempts, responseStatus, lastError, lastAttemptAt: sql`now()` })
      .where(eq(notificationDeliveries.id, deliveryId));
    if (disable) {
      await tx
        .update(notificationEndpoints)
        .set({ status: "disabled", disabledReason: disable.reason })
        .where(eq(notificationEndpoints.id, disable.endpointId));
    }
    if (then) await then(tx);
  });
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: NotificationDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
}

/** An endpoint's deliveries, newest first. */
export async function listEndpointDeliveries({
  projectId,
  endpointId,
  limit = 50,
}: {
  projectId: string;
  endpointId: string;
  limit?: number;
}): Promise<DeliveryRow[]> {
  const db = await getDb();
  return db
    .select({
      id: notificationDeliveries.id,
      eventId: notificationDeliveries.eventId,
      eventType: notificationEvents.type,
      status: notificationDeliveries.status,
      attempts: notificationDeliveries.attempts,
      responseStatus: notificationDeliveries.responseStatus,
      lastError: notificationDeliveries.lastError,
      createdAt: notificationDeliveries.createdAt,
      lastAttemptAt: notificationDeliveries.lastAttemptAt,
    })
    .from(notificationDeliveries)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(and(eq(notificationDeliveries.projectId, projectId), eq(notificationDeliveries.endpointId, endpointId)))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(limit);
}

/** Events older than the cutoff, with their deliveries (retention). */
export async function deleteNotificationEventsBefore({ before }: { before: Date }): Promise<void> {
  const db = await getDb();
  // lt() binds the Date as a timestamp; inside a raw sql template postgres.js refuses a Date (PGlite takes it).
  await db.delete(notificationEvents).where(lt(notificationEvents.createdAt, before));
}
