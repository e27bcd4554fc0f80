import { randomUUID } from "node:crypto";
import net from "node:net";
import {
  countNotificationEndpoints,
  deleteNotificationEndpoint,
  getNotificationDelivery,
  getNotificationEndpoint,
  insertNotificationEndpoint,
  insertResentDelivery,
  type NotificationEndpointView,
  setNotificationEndpointStatus,
} from "@/db/queries/notifications";
import { AppError } from "@/lib/errors";
import type { OutboundPolicy } from "@/lib/http/client";
import { isAddressAllowed } from "@/lib/http/address-policy";
import { generateStandardWebhooksSecret } from "@/lib/webhooks/setup-schema";
import { enqueueNotificationDelivery } from "./jobs";
import { MAX_NOTIFICATION_ENDPOINTS, type NotificationEventType } from "./schema";
import { encryptEndpointSecret } from "./secret";

// The team's notification endpoints: adding one (its secret shown once), deleting, enabling
// again after a 410 disabled it, and Resend of a delivery.

const urlError = (message: string) => new AppError("invalid_input", { fields: { url: message } });

/**
 * Why the URL cannot be an endpoint, or nothing: it must be https, except to a loopback or
 * private host when the project may call its private network; an IP literal must be an
 * address the project may call. (Host names are checked again where each request connects.)
 */
export function checkEndpointUrl(raw: string, policy: Pick<OutboundPolicy, "allowPrivateNetwork">): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlError("Enter a full URL, such as https://api.example.com/switchboard-events.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw urlError("Use an https:// URL.");
  if (url.username || url.password) throw urlError("Leave the user name and password out of the URL.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = net.isIP(host) !== 0;
  const addressClass = literal ? isAddressAllowed(host, policy.allowPrivateNetwork) : undefined;
  if (addressClass && !addressClass.allowed) {
    throw urlError(
      addressClass.addressClass === "loopback" || addressClass.addressClass === "private" || addressClass.addressClass === "unique-local"
        ? "This is a private network address: allow private networks under Settings → Network first."
        : "Switchboard does not send requests to this address.",
    );
  }
  const privateHost =
    host === "localhost" || host.endsWith(".localhost") || (addressClass?.allowed && addressClass.addressClass !== "public");
  if (url.protocol === "http:" && !(privateHost && policy.allowPrivateNetwork)) {
    throw urlError("Use an https:// URL (http:// is allowed only to a private host when the project allows private networks).");
  }
  return url;
}

/** Adds an endpoint; the answer holds its signing secret, the only time it is shown. */
export async function createNotificationEndpoint({
  projectId,
  url,
  events,
  policy,
}: {
  projectId: string;
  url: string;
  events: NotificationEventType[];
  policy: Pick<OutboundPolicy, "allowPrivateNetwork">;
}): Promise<{ endpoint: NotificationEndpointView; secret: string }> {
  const checked = checkEndpointUrl(url, policy);
  if ((await countNotificationEndpoints({ projectId })) >= MAX_NOTIFICATION_ENDPOINTS)
    throw new AppError("too_many_notification_endpoints");
  const id = randomUUID();
  const secret = generateStandardWebhooksSecret();
  const endpoint = await insertNotificationEndpoint({
    id,
    projectId,
    url: checked.href,
    events: [...new Set(events)],
    secret: encryptEndpointSecret(id, secret),
  });
  return { endpoint, secret };
}

export async function removeNotificationEndpoint({ projectId, endpointId }: { projectId: string; endpointId: string }): Promise<void> {
  if (!(await deleteNotificationEndpoint({ projectId, endpointId }))) throw new AppError("notification_endpoint_not_found");
}

export async function enableNotificationEndpoint({ projectId, endpointId }: { projectId: string; endpointId: string }): Promise<void> {
  if (!(await setNotificationEndpointStatus({ projectId, endpointId, status: "enabled" })))
    throw new AppError("notification_endpoint_not_found");
}

/** **Resend**: a new delivery of the same event to the same endpoint. */
export async function resendNotificationDelivery({
  projectId,
  deliveryId,
}: {
  projectId: string;
  deliveryId: string;
}): Promise<{ deliveryId: string }> {
  const delivery = await getNotificationDelivery({ projectId, deliveryId });
  if (!delivery) throw new AppError("notification_delivery_not_found");
  const endpoint = await getNotificationEndpoint({ projectId, endpointId: delivery.endpointId });
  if (!endpoint) throw new AppError("notification_delivery_not_found");
  if (endpoint.status === "disabled") throw new AppError("notification_endpoint_disabled");
  const id = await insertResentDelivery({
    of: { projectId, endpointId: delivery.endpointId, eventId: delivery.eventId },
    then: (tx, newId) => enqueueNotificationDelivery(tx, { deliveryId: newId }),
  });
  return { deliveryId: id };
}
