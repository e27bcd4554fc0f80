import { Webhook } from "standardwebhooks";
import { getDeliveryToSend, recordDeliveryAttempt } from "@/db/queries/notifications";
import { notificationRetryBaseMs } from "@/lib/config/env";
import { projectOutboundPolicy } from "@/lib/connections/request";
import { OutboundError, sendRequest } from "@/lib/http/client";
import { enqueueNotificationDelivery } from "./jobs";
import { decryptEndpointSecret } from "./secret";

// One attempt of one delivery: the event's payload, signed per Standard Webhooks with the
// endpoint's secret, POSTed through the outbound client under the project's address policy.
// A 2xx delivers it; 410 Gone disables the endpoint; anything else is tried again after
// 5 s, 5 min, 30 min, 2 h, 5 h and 10 h (scaled by SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS), then Failed.

/** The pauses before each retry, as multiples of the base (5 s). */
const RETRY_STEPS = [1, 60, 360, 1440, 3600, 7200];
export const MAX_DELIVERY_ATTEMPTS = RETRY_STEPS.length + 1;

export function deliveryRetryDelayMs(attempt: number): number {
  return RETRY_STEPS[attempt - 1]! * notificationRetryBaseMs();
}

export async function deliverNotification({ deliveryId }: { deliveryId: string }): Promise<void> {
  const loaded = await getDeliveryToSend({ deliveryId });
  if (!loaded) return; // its endpoint was deleted meanwhile
  const { delivery, endpoint, event } = loaded;
  if (delivery.status === "delivered" || delivery.status === "failed") return;
  const attempts = delivery.attempts + 1;
  if (endpoint.status === "disabled") {
    await recordDeliveryAttempt({
      deliveryId,
      status: "failed",
      attempts: delivery.attempts,
      responseStatus: delivery.responseStatus,
      lastError: "The endpoint is disabled.",
    });
    return;
  }
  const body = JSON.stringify(event.payload);
  const timestamp = new Date();
  const signature = new Webhook(decryptEndpointSecret(endpoint.id, endpoint.secret)).sign(event.id, timestamp, body);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await sendRequest(
      {
        method: "POST",
        url: endpoint.url,
        headers: {
          "content-type": "application/json",
          "user-agent": "Switchboard-Notifications",
          "webhook-id": event.id,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
      },
      { ...(await projectOutboundPolicy(endpoint.projectId)), timeoutMs: 15_000, maxResponseBytes: 10_000, maxRedirects: 0 },
    );
    status = response.status;
    if (status >= 200 && status < 300) {
      await recordDeliveryAttempt({ deliveryId, status: "delivered", attempts, responseStatus: status, lastError: null });
      return;
    }
    error = `The endpoint answered ${status}.`;
  } catch (caught) {
    if (!(caught instanceof OutboundError)) throw caught;
    error = caught.message;
  }
  if (status === 410) {
    await recordDeliveryAttempt({
      deliveryId,
      status: "failed",
      attempts,
      responseStatus: status,
      lastError: "The endpoint answered 410 Gone: it was disabled.",
      disable: { endpointId: endpoint.id, reason: "The endpoint answered 410 Gone." },
    });
    return;
  }
  if (attempts >= MAX_DELIVERY_ATTEMPTS) {
    await recordDeliveryAttempt({ deliveryId, status: "failed", attempts, responseStatus: status, lastError: error });
    return;
  }
  const startAfter = new Date(Date.now() + deliveryRetryDelayMs(attempts));
  await recordDeliveryAttempt({
    deliveryId,
    status: "retrying",
    attempts,
    responseStatus: status,
    lastError: error,
    then: (tx) => enqueueNotificationDelivery(tx, { deliveryId, startAfter }),
  });
}
